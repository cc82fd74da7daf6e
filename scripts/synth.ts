import { cpSync, rmSync } from "node:fs";
import { join } from "node:path";
import { synthesize } from "../test/infra/synth";

/** `npm run synth`: writes the CloudFormation templates to `cdk.out/` without an AWS account. */
process.env.NODE_ENV ??= "test";
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const outdir = "cdk.out";
rmSync(outdir, { recursive: true, force: true });
const { app } = await synthesize();
const assembly = app.synth();
cpSync(assembly.directory, outdir, { recursive: true });
for (const stack of assembly.stacks) console.log(`${stack.stackName}: ${join(outdir, stack.templateFile)}`);
