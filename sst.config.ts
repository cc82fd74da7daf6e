import type { SSTConfig } from "sst";
import { ApiStack } from "./stacks/ApiStack";
import { FUNCTION_DEFAULTS } from "./stacks/defaults";
import { JobsStack } from "./stacks/JobsStack";
import { MonitoringStack } from "./stacks/MonitoringStack";
import { StorageStack } from "./stacks/StorageStack";
import { WebStack } from "./stacks/WebStack";

/**
 * market40 on AWS: one table, one HTTP API to two Hono Lambdas (the API, and the callbacks alone), a daily cron,
 * alarms, and the edge: CloudFront with a WAF web ACL in front of the API and of the static web app.
 */
export default {
  config() {
    return { name: "market40", region: "ap-southeast-1" };
  },
  stacks(app) {
    app.setDefaultFunctionProps(FUNCTION_DEFAULTS);
    app
      .stack(StorageStack)
      .stack(ApiStack)
      .stack(JobsStack)
      .stack(MonitoringStack)
      // Reads the web ACL's ARN from the us-east-1 stack it creates (CloudFront web ACLs live there).
      .stack(WebStack, { crossRegionReferences: true });
  },
} satisfies SSTConfig;
