import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createRequire } from "node:module";

/** `npm start`'s entry point, resolved by package name as an import of it would be. */
const MAIN = createRequire(import.meta.url).resolve("@market40/functions/local/main");

/** `npm start`'s entry point as a real child process, and what it printed. */
export interface Started {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Every server started by a test file, so its `afterAll` can kill what a failed test left running. */
export const children: ChildProcess[] = [];

export function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    env: { ...process.env, NODE_ENV: "", LOG_LEVEL: "WARN", SIMULATE: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout!.on("data", (d) => {
    out += d;
  });
  child.stderr!.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, output: () => out, exited };
}

export function killAll(): void {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

/**
 * Waits until the server answers its health check and has said it is ready (`market40 is ready on …`): it listens
 * before it has finished starting (the demo invitation, the scheduler), so a health check alone can come first.
 */
export async function waitReady(port: number, proc: Started, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`exited early: ${proc.output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      await res.arrayBuffer();
      if (res.status === 200 && proc.output().includes("market40 is ready on ")) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not ready: ${proc.output()}`);
}

/** Process ids of DynamoDB Local instances using a data folder. */
export function javaProcessesFor(dir: string): string {
  try {
    return execFileSync("pgrep", ["-f", `dbPath ${dir}`], { encoding: "utf8" }).trim();
  } catch {
    return "";
  }
}
