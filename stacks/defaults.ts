import type { FunctionProps } from "sst/constructs";

/**
 * Every function's defaults (sst.config.ts). Also read by `npm run bench`, which bundles the handlers with these
 * same esbuild settings to measure their size and import time, and by test/bundles.test.ts, which checks what the
 * bundles contain.
 */
export const FUNCTION_DEFAULTS = {
  runtime: "nodejs20.x",
  architecture: "arm_64",
  memorySize: 512,
  timeout: 20,
  logRetention: "three_months",
  nodejs: {
    format: "esm",
    minify: true,
    sourcemap: true,
    // The AWS SDK is bundled, not taken from the runtime: a cold start imports one file instead of hundreds
    // (`npm run bench -- lambda` measures the import), and the SDK is the version the lock file pins and the
    // tests ran, not whatever the runtime carries that week.
    esbuild: { external: [] as string[] },
  },
  environment: {
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    POWERTOOLS_SERVICE_NAME: "market40",
  },
} satisfies FunctionProps;
