import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { build } from "esbuild";

/** `npm start`'s entry point, resolved by package name as an import of it would be. */
const MAIN = createRequire(import.meta.url).resolve("@market40/functions/local/main");

/**
 * `npm start`'s entry point and its poster worker built into one bundle each, for tests that start the server many
 * times (test/kill.test.ts starts it 30 times and more): the same code, loaded by Node directly instead of through
 * tsx, which resolves and compiles its modules on every start: 0.7 s of Node's CPU to ready instead of 2.2 s
 * (`npm run bench -- local`, 2 cores). Written beside the source at the same depth
 * (`packages/functions/.build/local-server/`), so the paths the server finds relative to itself (the web UI's
 * `dist`, its poster worker) are the same; built to a fresh folder and renamed into place, so runs side by side do
 * not see half a bundle. Returns the entry's path.
 */
export async function buildServer(): Promise<string> {
  const out = join(dirname(MAIN), "../../.build/local-server");
  const partial = `${out}.${process.pid}`;
  await build({
    entryPoints: [MAIN, join(dirname(MAIN), "posterWorker.ts")],
    outdir: partial,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "error",
    banner: {
      js: "import { createRequire as __m40Require } from 'node:module'; const require = __m40Require(import.meta.url);",
    },
  });
  rmSync(out, { recursive: true, force: true });
  renameSync(partial, out);
  return join(out, "main.mjs");
}

/** `npm start`'s entry point as a real child process, and what it printed. */
export interface Started {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Every server started by a test file, so its `afterAll` can kill what a failed test left running. */
export const children: ChildProcess[] = [];

/**
 * `npm start`'s server as a child process with `env`: through tsx as `npm start` runs it, or from `bundle`
 * (`buildServer()`'s entry) when given.
 */
export function start(env: Record<string, string>, bundle?: string): Started {
  const child = spawn(process.execPath, bundle ? [bundle] : ["--import", "tsx", MAIN], {
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
