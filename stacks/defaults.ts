import type { FunctionProps } from "sst/constructs";
import { withoutZodLocales } from "./bundling";

/**
 * Every function's defaults (sst.config.ts). Also read by `npm run bench`, which bundles the handlers with these
 * same esbuild settings to measure their size and import time, and by test/bundles.test.ts, which checks what the
 * bundles contain.
 */
export const FUNCTION_DEFAULTS = {
  // Node 24 (LTS, supported by Lambda until 2028): Node 20 reached end of life on 30 April 2026 and Lambda stops
  // creating functions on it from 1 February 2027. The stack test refuses any runtime Lambda has deprecated.
  runtime: "nodejs24.x",
  architecture: "arm_64",
  memorySize: 512,
  timeout: 20,
  logRetention: "three_months",
  nodejs: {
    format: "esm",
    minify: true,
    sourcemap: true,
    // Split at dynamic imports: what a route loads only when asked (fontkit, ExcelJS) is a file of its own, which a
    // cold start neither reads nor parses (docs/benchmarks.md, "Bundle budgets").
    splitting: true,
    // The AWS SDK is bundled, not taken from the runtime: a cold start imports one file instead of hundreds
    // (`npm run bench -- lambda` measures the import), and the SDK is the version the lock file pins and the
    // tests ran, not whatever the runtime carries that week.
    // esbuild targets the runtime's Node (SST's own default is `esnext`): the syntax the bundle keeps is what
    // Node 24 runs natively, nothing newer.
    esbuild: { external: [] as string[], target: "node24", plugins: [withoutZodLocales] },
  },
  environment: {
    // The bundles ship their source maps (`sourcemap: true`); without this flag Node ignores them and a stack trace
    // points into minified code. test/infra/bundles.test.ts shows a thrown error naming its `.ts` file.
    NODE_OPTIONS: "--enable-source-maps",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    POWERTOOLS_SERVICE_NAME: "market40",
  },
} satisfies FunctionProps;
