import type { SSTConfig } from "sst";
import { ApiStack } from "./stacks/ApiStack";
import { JobsStack } from "./stacks/JobsStack";
import { StorageStack } from "./stacks/StorageStack";
import { WebStack } from "./stacks/WebStack";

/** market40 on AWS: one table, one HTTP API to one Hono Lambda, a daily cron, a static web app. */
export default {
  config() {
    return { name: "market40", region: "ap-southeast-1" };
  },
  stacks(app) {
    app.setDefaultFunctionProps({
      runtime: "nodejs20.x",
      architecture: "arm_64",
      memorySize: 512,
      timeout: 20,
      logRetention: "three_months",
      nodejs: {
        format: "esm",
        minify: true,
        sourcemap: true,
        esbuild: { external: ["@aws-sdk/*"] },
      },
      environment: {
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        POWERTOOLS_SERVICE_NAME: "market40",
      },
    });
    app.stack(StorageStack).stack(ApiStack).stack(JobsStack).stack(WebStack);
  },
} satisfies SSTConfig;
