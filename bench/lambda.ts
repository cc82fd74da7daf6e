import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { SYSTEM } from "@market40/core/audit/audit";
import { systemClock } from "@market40/core/clock";
import { PROVIDER_SECRET_NAMES, type ProviderSecrets } from "@market40/core/config";
import * as Market from "@market40/core/market/market";
import * as Stall from "@market40/core/stall/stall";
import { createStore } from "@market40/core/store/client";
import { ensureTable } from "@market40/core/store/table";
import { startDynamoDbLocal } from "@market40/devkit/dynamodbLocal";
import { coldStartBytes, sstBuildOptions } from "@market40/devkit/lambdaBundle";
import { ProviderClients } from "@market40/devkit/providerClients";
import { build } from "esbuild";
import { FUNCTION_DEFAULTS } from "../stacks/defaults";
import { benchMarket, type Figure, round } from "./harness";

/** The Lambda handlers as the stacks deploy them (stacks/ApiStack.ts, stacks/JobsStack.ts). */
const HANDLERS = {
  api: "packages/functions/src/lambda/api.ts",
  callbacks: "packages/functions/src/lambda/callbacks.ts",
  daily: "packages/functions/src/lambda/daily.ts",
} as const;
type Handler = keyof typeof HANDLERS;

/** Lambda's hard limits: a zipped upload of 50 MB, an init phase of 10 s. */
const ZIP_LIMIT = 50 * 1024 * 1024;
const INIT_LIMIT_MS = 10_000;
const SAMPLES = 7;
const OUT = resolve("node_modules/.cache/market40-bench/lambda");

/**
 * Runs in a fresh Node process, as a Lambda container's init does: import the handler (timed), then invoke it
 * with each event in turn (timed). Prints one JSON line.
 */
const DRIVER = `
const t0 = performance.now();
const mod = await import(process.argv[1]);
const importMs = performance.now() - t0;
const events = process.argv[2] ? JSON.parse((await import("node:fs")).readFileSync(process.argv[2], "utf8")) : [];
const invokeMs = [];
const statuses = [];
for (const event of events) {
  const t = performance.now();
  const res = await mod.handler(event, { awsRequestId: "bench", getRemainingTimeInMillis: () => 20000 });
  invokeMs.push(performance.now() - t);
  statuses.push(res?.statusCode);
}
process.stdout.write("BENCH " + JSON.stringify({ importMs, invokeMs, statuses }) + "\\n");
`;

interface Run {
  importMs: number;
  invokeMs: number[];
  statuses: number[];
}

function runDriver(entry: string, env: NodeJS.ProcessEnv, eventsFile?: string): Promise<Run> {
  return new Promise((done, fail) => {
    const args = ["--input-type=module", "-e", DRIVER, entry, ...(eventsFile ? [eventsFile] : [])];
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("BENCH "));
      if (code !== 0 || !line) fail(new Error(`driver for ${entry} exited ${code}: ${err.slice(0, 500)}`));
      else done(JSON.parse(line.slice(6)) as Run);
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** An API Gateway HTTP API (payload 2.0) event, as the Lambda integration sends it. */
function httpEvent(method: string, path: string, headers: Record<string, string>, body?: string) {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: "",
    headers: { host: "bench.execute-api.local", ...headers },
    requestContext: {
      accountId: "000000000000",
      apiId: "bench",
      domainName: "bench.execute-api.local",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "bench" },
      requestId: "bench",
      routeKey: "$default",
      stage: "$default",
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body,
    isBase64Encoded: false,
  };
}

/**
 * Cold-start inputs of each Lambda handler: its bundle built exactly as SST builds it, the time a fresh Node
 * process takes to import it (beside importing only the AWS SDK clients, DynamoDB and SSM, which any handler
 * bound to this table and its secrets needs), and the first and a warm invocation against DynamoDB Local.
 */
export async function lambdaBench(): Promise<Figure[]> {
  const figures: Figure[] = [];
  mkdirSync(OUT, { recursive: true });
  const options = sstBuildOptions(FUNCTION_DEFAULTS.nodejs);
  const bundles = {} as Record<Handler, { file: string; bytes: number; zipped: number; modules: number }>;
  for (const [name, entry] of Object.entries(HANDLERS) as [Handler, string][]) {
    // Split at dynamic imports, as SST builds it: one folder per handler, the entry and its chunks.
    const dir = join(OUT, name);
    rmSync(dir, { recursive: true, force: true });
    const result = await build({
      ...options,
      entryPoints: { index: entry },
      outdir: dir,
      absWorkingDir: process.cwd(),
    });
    const files = readdirSync(dir).filter((f) => f.endsWith(".mjs"));
    bundles[name] = {
      file: join(dir, "index.mjs"),
      // What a cold start reads: the entry and the chunks it imports statically.
      bytes: coldStartBytes(result.metafile, entry),
      zipped: files.reduce((sum, f) => sum + gzipSync(readFileSync(join(dir, f)), { level: 9 }).length, 0),
      modules: Object.keys(result.metafile.inputs).length,
    };
  }
  // The floor: what any handler bound to this table and its secrets imports anyway — the AWS SDK's DynamoDB
  // clients and, through sst/node/config, its SSM client — bundled the same way. The clients are constructed and
  // their commands referenced, as a handler does: bare `import "…"` lines let esbuild drop the SDK's side-effect-free
  // modules (a 366 KiB "floor" that imported almost nothing, the 116 ms issue 31 quotes).
  const floor = join(OUT, "sdk-floor.mjs");
  await build({
    ...options,
    stdin: {
      contents: [
        'import { DynamoDBClient } from "@aws-sdk/client-dynamodb";',
        'import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";',
        'import { GetParametersCommand, SSMClient } from "@aws-sdk/client-ssm";',
        "const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));",
        "const ssm = new SSMClient({});",
        "const commands = [GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, GetParametersCommand];",
        "export const handler = async () => ({ statusCode: 200, body: String(commands.length + Number(!!doc && !!ssm)) });",
      ].join("\n"),
      resolveDir: process.cwd(),
      loader: "ts",
    },
    splitting: false,
    outExtension: undefined,
    outfile: floor,
  });

  for (const name of Object.keys(HANDLERS) as Handler[]) {
    const b = bundles[name];
    figures.push({
      suite: "lambda",
      name: `${name} handler bundle, zipped (${b.modules} modules, ${round(b.bytes / 1024, 0)} KiB minified read at a cold start)`,
      value: round(b.zipped / 1024, 1),
      unit: "KiB",
      peer: "Lambda zipped-upload limit",
      peerValue: ZIP_LIMIT / 1024,
      ratio: round(ZIP_LIMIT / b.zipped, 0),
      note: "ratio = headroom",
    });
  }
  figures.push({
    suite: "lambda",
    name: "callbacks bundle beside the api bundle",
    value: round(bundles.callbacks.zipped / 1024, 1),
    unit: "KiB",
    peer: "api handler bundle",
    peerValue: round(bundles.api.zipped / 1024, 1),
    ratio: round(bundles.api.zipped / bundles.callbacks.zipped, 2),
  });

  const ddb = await startDynamoDbLocal({ jit: "full" });
  try {
    // Only the generic scheme is exercised; every other provider secret just has to be bound.
    const secrets = Object.fromEntries(
      Object.keys(PROVIDER_SECRET_NAMES).map((field) => [field, field === "generic" ? "bench-generic" : "x"]),
    ) as ProviderSecrets;
    const store = createStore({ tableName: "bench-lambda", endpoint: ddb.endpoint });
    await ensureTable(store);
    await Market.create(store, systemClock, benchMarket("cold"));
    await Stall.registerMany(store, systemClock, SYSTEM, "cold", [
      {
        code: "C-1",
        vendorName: "Cold",
        bank: { bin: "970405", accountNumber: "7000000001", accountName: "COLD" },
      },
    ]);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      POWERTOOLS_SERVICE_NAME: "market40",
      LOG_LEVEL: "SILENT",
      AWS_REGION: "ap-southeast-1",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
      // What `bind: [table, ...secrets]` sets, with the values inline instead of fetched from SSM.
      SST_APP: "market40",
      SST_STAGE: "bench",
      SST_REGION: "ap-southeast-1",
      SST_Table_tableName_Table: "bench-lambda",
      // The daily function's queue (stacks/JobsStack.ts); the bench never invokes it, only imports it.
      SST_Queue_queueUrl_EvaluationQueue: "https://sqs.ap-southeast-1.amazonaws.com/000000000000/bench",
      ...Object.fromEntries(
        Object.entries(PROVIDER_SECRET_NAMES).map(([field, name]) => [
          `SST_Secret_value_${name}`,
          secrets[field as keyof ProviderSecrets],
        ]),
      ),
      SST_Secret_value_ADMIN_TOKEN: "",
      SST_Secret_value_PAYER_HASH_KEY: "bench-payer-key",
    };
    const eventsFor = (name: Handler, sample: number) => {
      if (name === "daily") return undefined; // its invocation is the whole daily job: see the evaluations suite
      const events =
        name === "api"
          ? [httpEvent("GET", "/api/health", {}), httpEvent("GET", "/api/health", {})]
          : [0, 1].map((k) => {
              const now = new Date();
              const req = ProviderClients.generic(
                {
                  id: `COLD-${process.pid}-${sample}-${k}`,
                  bin: "970405",
                  accountNumber: "7000000001",
                  bankShortName: "Agribank",
                  amount: 25000,
                  paidAt: now,
                  description: "cold start",
                  payer: "p1",
                },
                secrets,
                now,
              );
              return httpEvent(
                "POST",
                "/api/callbacks/generic",
                req.headers as Record<string, string>,
                req.body,
              );
            });
      const file = join(OUT, `${name}-events-${sample}.json`);
      writeFileSync(file, JSON.stringify(events));
      return file;
    };

    const floorRuns: number[] = [];
    const runs: Record<Handler, Run[]> = { api: [], callbacks: [], daily: [] };
    for (let sample = 0; sample < SAMPLES; sample++) {
      floorRuns.push((await runDriver(floor, env)).importMs);
      for (const name of Object.keys(HANDLERS) as Handler[]) {
        const run = await runDriver(bundles[name].file, env, eventsFor(name, sample));
        if (run.statuses.some((s) => s !== 200))
          throw new Error(`${name} handler answered ${run.statuses.join(", ")}`);
        runs[name].push(run);
      }
    }
    const floorMs = median(floorRuns);
    const floorBytes = readFileSync(floor).length;
    figures.push({
      suite: "lambda",
      name: `import the AWS SDK clients alone (DynamoDB, document client, SSM; ${round(floorBytes / 1024, 0)} KiB minified), constructed, bundled alike`,
      value: round(floorMs, 0),
      unit: "ms",
      peer: "Lambda init limit",
      peerValue: INIT_LIMIT_MS,
      ratio: round(INIT_LIMIT_MS / floorMs, 0),
      note: `median of ${SAMPLES} fresh processes`,
    });
    for (const name of Object.keys(HANDLERS) as Handler[]) {
      const importMs = median(runs[name].map((r) => r.importMs));
      figures.push({
        suite: "lambda",
        name: `${name} handler import (fresh process)`,
        value: round(importMs, 0),
        unit: "ms",
        peer: "the AWS SDK floor above",
        peerValue: round(floorMs, 0),
        ratio: round(floorMs / importMs, 2),
        note: `median of ${SAMPLES}; Lambda init limit ${INIT_LIMIT_MS / 1000} s`,
      });
      if (name === "daily") continue;
      const first = median(runs[name].map((r) => r.invokeMs[0]!));
      const warm = median(runs[name].map((r) => r.invokeMs[1]!));
      const what = name === "api" ? "GET /api/health" : "a new signed callback";
      figures.push({
        suite: "lambda",
        name: `${name} handler first invocation (${what})`,
        value: round(first, 1),
        unit: "ms",
        peer: "the second invocation in the same process",
        peerValue: round(warm, 1),
        ratio: round(warm / first, 2),
        note: "DynamoDB Local",
      });
    }
  } finally {
    await ddb.stop();
  }
  return figures;
}
