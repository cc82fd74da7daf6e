import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { coldStartBytes, sstBuildOptions } from "@market40/devkit/lambdaBundle";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { BUNDLE_BUDGET_KIB } from "../../stacks/bundling";
import { FUNCTION_DEFAULTS } from "../../stacks/defaults";

const ROOT = resolve(import.meta.dirname, "../..");

/** Code that runs only on a developer's machine: none of it may reach a deployed Lambda. */
const DEV_ONLY = [
  "packages/devkit/",
  "node_modules/@market40/devkit/",
  "packages/functions/src/local/",
  // The local runtime's write journal (DynamoDB Local is not crash-durable; DynamoDB is).
  "packages/core/src/store/writeJournal.ts",
  "test/",
];

/** The handler files the stacks deploy, from their `"packages/functions/src/lambda/<file>.handler"` strings. */
function deployedHandlers(): string[] {
  const handlers = new Set<string>();
  for (const file of readdirSync(join(ROOT, "stacks")).filter((f) => f.endsWith(".ts")))
    for (const m of readFileSync(join(ROOT, "stacks", file), "utf8").matchAll(
      /"(packages\/functions\/src\/lambda\/[\w-]+)\.handler"/g,
    ))
      handlers.add(`${m[1]}.ts`);
  return [...handlers].sort();
}

const handlers = deployedHandlers();

/**
 * Every file each handler's bundle reads: the metafile's inputs reachable from its entry point (one esbuild run for
 * all handlers, so the modules they share are parsed once). Reachable, not only what survived tree-shaking: an import
 * of dev tooling is a mistake even where nothing of it ends up in the output yet.
 */
async function bundleInputs(): Promise<{ inputs: Map<string, string[]>; bytes: Map<string, number> }> {
  const { metafile } = await build({
    ...sstBuildOptions(FUNCTION_DEFAULTS.nodejs),
    entryPoints: handlers,
    absWorkingDir: ROOT,
    write: false,
    outdir: "out",
  });
  const byEntry = new Map<string, string[]>();
  for (const entry of handlers) {
    const seen = new Set([entry]);
    for (const file of seen)
      for (const imported of metafile.inputs[file]?.imports ?? [])
        if (!imported.external) seen.add(imported.path);
    byEntry.set(entry, [...seen]);
  }
  const bytes = new Map(handlers.map((entry) => [entry, coldStartBytes(metafile, entry)]));
  return { inputs: byEntry, bytes };
}

describe("Lambda bundles", () => {
  let inputs: Map<string, string[]>;
  beforeAll(async () => {
    ({ inputs } = await bundleInputs());
  });

  it("are built for every handler the stacks deploy", () => {
    expect(handlers).toEqual([
      "packages/functions/src/lambda/api.ts",
      "packages/functions/src/lambda/callbacks.ts",
      "packages/functions/src/lambda/daily.ts",
      "packages/functions/src/lambda/evaluate.ts",
      "packages/functions/src/lambda/sync.ts",
    ]);
    expect([...inputs.keys()].sort()).toEqual(handlers);
    // The callbacks handler is the small one: its bundle leaves the rest of the API out.
    expect(inputs.get("packages/functions/src/lambda/callbacks.ts")).not.toContain(
      "packages/functions/src/api/routes/stalls.ts",
    );
  });

  it.each(handlers)("%s, bundled as SST bundles it, contains no dev tooling", (entry) => {
    const files = inputs.get(entry)!;
    // Inputs are named relative to the repository root, as the check below assumes.
    expect(files).toContain(entry);
    expect(files.some((f) => f.startsWith("packages/core/src/"))).toBe(true);
    expect(files.filter((f) => DEV_ONLY.some((dir) => f.startsWith(dir)))).toEqual([]);
  });
});

describe("Lambda bundle sizes", () => {
  let inputs: Map<string, string[]>;
  let bytes: Map<string, number>;
  beforeAll(async () => {
    ({ inputs, bytes } = await bundleInputs());
  });

  it.each(handlers)("%s stays within its stated budget (stacks/bundling.ts, docs/benchmarks.md)", (entry) => {
    const name = entry.replace(/^.*\/(\w+)\.ts$/, "$1") as keyof typeof BUNDLE_BUDGET_KIB;
    expect(BUNDLE_BUDGET_KIB[name], `a budget for ${name}`).toBeGreaterThan(0);
    expect(Math.round(bytes.get(entry)! / 1024), `${name}'s minified KiB`).toBeLessThanOrEqual(
      BUNDLE_BUDGET_KIB[name],
    );
  });

  it.each(handlers)("%s carries no zod locale and no second copy of the SDK's credential chain", (entry) => {
    const files = inputs.get(entry)!;
    expect(files.filter((f) => /zod\/v4\/locales\/(?!en\.js)/.test(f))).toEqual([]);
    // SST's pinned @aws-sdk/client-ssm brought its own STS, SSO and SSO-OIDC clients (lambda/bindings.ts).
    expect(files.filter((f) => /@aws-sdk\/client-(sts|sso|sso-oidc)\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.includes("node_modules/sst/"))).toEqual([]);
  });
});

describe("a Lambda bundle whose secrets cannot be read", () => {
  /**
   * The callbacks handler as SST bundles it (minified, with its source map beside it), started the way Lambda starts
   * it (`NODE_OPTIONS` from the function defaults) with one bound secret and an SSM endpoint that refuses connections.
   */
  async function coldStart(): Promise<{ code: number | null; stderr: string }> {
    const outdir = mkdtempSync(join(tmpdir(), "m40-bundle-"));
    await build({
      ...sstBuildOptions(FUNCTION_DEFAULTS.nodejs),
      sourcemap: FUNCTION_DEFAULTS.nodejs.sourcemap,
      entryPoints: { index: "packages/functions/src/lambda/callbacks.ts" },
      absWorkingDir: ROOT,
      outExtension: { ".js": ".mjs" },
      outdir,
    });
    const env = {
      PATH: process.env.PATH,
      ...FUNCTION_DEFAULTS.environment,
      AWS_REGION: "ap-southeast-1",
      SST_REGION: "ap-southeast-1",
      SST_APP: "market40",
      SST_STAGE: "prod",
      SST_SSM_PREFIX: "/sst/market40/prod/",
      SST_Table_tableName_Table: "t",
      SST_Secret_value_PAYER_HASH_KEY: "__FETCH_FROM_SSM__",
      AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "example",
      AWS_ENDPOINT_URL_SSM: "http://127.0.0.1:9",
      AWS_MAX_ATTEMPTS: "1",
    };
    const child = spawn(process.execPath, ["-e", `import(${JSON.stringify(join(outdir, "index.mjs"))})`], {
      env,
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((done) => child.on("close", done));
    rmSync(outdir, { recursive: true, force: true });
    return { code, stderr };
  }

  it("fails its cold start naming the parameter, the stage and what to run, with a stack in the .ts sources", async () => {
    const { code, stderr } = await coldStart();
    expect(code).not.toBe(0);
    expect(stderr).toContain('Cannot read this function\'s secrets for stage "prod" from SSM');
    expect(stderr).toContain("/sst/market40/prod/Secret/PAYER_HASH_KEY/value");
    expect(stderr).toContain("npx sst secrets list --stage prod");
    // The SDK's own cause is kept, after ours.
    expect(stderr).toMatch(/ECONNREFUSED|connect/);
    // Source maps on: the frame that threw is in the TypeScript source, not the minified bundle.
    const frames = stderr.split("\n").filter((line) => /^\s+at /.test(line));
    expect(frames.join("\n")).toMatch(/packages\/functions\/src\/lambda\/config\.ts:\d+/);
  }, 60_000);
});
