import type { BuildOptions, Metafile } from "esbuild";

/** The part of an SST function's `nodejs` props that changes its bundle (see stacks/defaults.ts). */
export interface NodejsBundleProps {
  minify?: boolean;
  splitting?: boolean;
  esbuild?: BuildOptions;
}

/**
 * The esbuild options SST v2 uses for an ESM Node function, with an app's `nodejs` function defaults: so that what
 * `npm run bench -- lambda` measures and what test/bundles.test.ts inspects is the bundle `sst deploy` uploads.
 */
export function sstBuildOptions(nodejs: NodejsBundleProps) {
  return {
    platform: "node" as const,
    bundle: true,
    format: "esm" as const,
    target: "esnext",
    mainFields: ["module", "main"],
    keepNames: true,
    minify: nodejs.minify,
    // As SST: split bundles are written as `.mjs` files in the handler's folder (build with `outdir`).
    splitting: nodejs.splitting,
    outExtension: nodejs.splitting ? { ".js": ".mjs" } : undefined,
    external: ["sharp", "pg-native", ...(nodejs.esbuild?.external ?? [])],
    banner: {
      js: [
        `import { createRequire as topLevelCreateRequire } from 'module';`,
        "const require = topLevelCreateRequire(import.meta.url);",
        `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
        `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
      ].join("\n"),
    },
    logLevel: "silent" as const,
    // SST spreads the rest of `nodejs.esbuild` (target, plugins) over its own options, last.
    ...withoutExternal(nodejs.esbuild),
    metafile: true as const,
  } satisfies BuildOptions;
}

function withoutExternal(options: BuildOptions = {}): BuildOptions {
  const { external: _, ...rest } = options;
  return rest;
}

/**
 * The bytes a cold start reads for `entryPoint` in a split build: its own output and every chunk it imports
 * statically, transitively (chunks behind a dynamic `import()` are read only when a request needs them).
 */
export function coldStartBytes(metafile: Metafile, entryPoint: string): number {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((out) => outputs[out]!.entryPoint === entryPoint);
  if (!entry) throw new Error(`no output for ${entryPoint}`);
  const seen = new Set([entry]);
  for (const out of seen)
    for (const imported of outputs[out]?.imports ?? [])
      if (imported.kind === "import-statement" && outputs[imported.path]) seen.add(imported.path);
  let bytes = 0;
  for (const out of seen) bytes += outputs[out]!.bytes;
  return bytes;
}
