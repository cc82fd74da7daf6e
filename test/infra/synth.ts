import { App, getStack } from "sst/constructs";
import { initProject } from "sst/project.js";
import config from "../../sst.config";

/** Synthesizes every stack offline (no AWS account): SST's project, a deploy-mode App, `app.finish()`. */
export async function synthesize() {
  await initProject({ stage: "test" });
  const app = new App({
    mode: "deploy",
    stage: "test",
    name: "market40",
    region: "ap-southeast-1",
    account: "123456789012",
  } as ConstructorParameters<typeof App>[0]);
  config.stacks(app);
  await app.finish();
  return { app, getStack };
}
