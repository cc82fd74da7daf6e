import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Aspects } from "aws-cdk-lib";
import { AwsSolutionsChecks, NagSuppressions } from "cdk-nag";
import { App, getStack } from "sst/constructs";
import { initProject } from "sst/project.js";
import config from "../../sst.config";
import { Market40Checks } from "../../stacks/nagRules";
import { NAG_SUPPRESSIONS } from "../../stacks/nagSuppressions";

const LOCK = resolve(import.meta.dirname, "../../node_modules/.cache/market40-synth.lock");

async function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, "pid"), String(process.pid));
      break;
    } catch {
      // Held: wait, unless its holder is gone (a killed run leaves the folder behind).
      let holder = 0;
      try {
        holder = Number(readFileSync(join(LOCK, "pid"), "utf8"));
      } catch {
        // released meanwhile, or its pid not written yet
      }
      if (holder > 0 && !alive(holder)) rmSync(LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Synthesizes every stack offline (no AWS account): SST's project, a deploy-mode App, `app.finish()`, with cdk-nag's
 * AwsSolutions pack checking every resource as it synthesizes, and the suppressions `stacks/nagSuppressions.ts`
 * lists (each with its reason) applied to the stacks they name. `only` names the stacks to build in full (SST's
 * active stacks), for tests of their resources alone: the others' functions are not bundled.
 */
export async function synthesize(options: { only?: string[] } = {}) {
  // SST's project sets SST_STAGE for the process: given back afterwards, since test files share a worker.
  const stage = process.env.SST_STAGE;
  await initProject({ stage: "test" });
  const app = new App({
    mode: "deploy",
    stage: "test",
    name: "market40",
    region: "ap-southeast-1",
    account: "123456789012",
    // SST builds the functions (and sites) of active stacks only; the others are synthesized with placeholder code.
    ...(options.only
      ? { isActiveStack: (name: string) => options.only!.some((s) => name.endsWith(`-${s}`)) }
      : {}),
  } as ConstructorParameters<typeof App>[0]);
  config.stacks(app);
  // SST builds the web app into packages/web/dist-site as it finishes: one synthesis at a time in this checkout, or
  // two test files building at once would each read the other's half-written folder.
  await oneAtATime(() => app.finish());
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
  if (stage === undefined) delete process.env.SST_STAGE;
  else process.env.SST_STAGE = stage;
  return { app, getStack };
}
