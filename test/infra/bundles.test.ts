import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { sstBuildOptions } from "@market40/devkit/lambdaBundle";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
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
async function bundleInputs(): Promise<Map<string, string[]>> {
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
  return byEntry;
}

describe("Lambda bundles", () => {
  let inputs: Map<string, string[]>;
  beforeAll(async () => {
    inputs = await bundleInputs();
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
