import { Aspects } from "aws-cdk-lib";
import { AwsSolutionsChecks, NagSuppressions } from "cdk-nag";
import { App, getStack } from "sst/constructs";
import { initProject } from "sst/project.js";
import config from "../../sst.config";
import { Market40Checks } from "../../stacks/nagRules";
import { NAG_SUPPRESSIONS } from "../../stacks/nagSuppressions";

/**
 * Synthesizes every stack offline (no AWS account): SST's project, a deploy-mode App, `app.finish()`, with cdk-nag's
 * AwsSolutions pack checking every resource as it synthesizes, and the suppressions `stacks/nagSuppressions.ts`
 * lists (each with its reason) applied to the stacks they name.
 */
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
  for (const stack of app.node.children) {
    const name = stack.node.id.replace(/^test-market40-/, "");
    const suppressions = NAG_SUPPRESSIONS.filter((s) => s.stacks.includes(name));
    if (suppressions.length > 0)
      NagSuppressions.addStackSuppressions(
        stack as Parameters<typeof NagSuppressions.addStackSuppressions>[0],
        suppressions.map(({ id, reason, appliesTo }) => ({ id, reason, appliesTo })),
      );
  }
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  Aspects.of(app).add(new Market40Checks({ verbose: true }));
  return { app, getStack };
}
