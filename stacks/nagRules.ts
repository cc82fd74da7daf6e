import { type CfnResource, Stack } from "aws-cdk-lib";
import { CfnPolicy } from "aws-cdk-lib/aws-iam";
import { NagMessageLevel, NagPack, type NagPackProps, NagRuleCompliance } from "cdk-nag";
import type { IConstruct } from "constructs";

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const actions = (st: Statement) => (Array.isArray(st.Action) ? st.Action : st.Action ? [st.Action] : []);

/**
 * The callbacks role is the only one that may post to WebSocket connections (`execute-api:ManageConnections`), and
 * it serves the public internet: every `dynamodb:DeleteItem` it is granted must carry a `dynamodb:LeadingKeys`
 * condition (stacks/access.ts: only `CONN#` connection items). Non-compliant: a policy granting ManageConnections
 * and an unconditioned DeleteItem.
 */
export function publicDeleteScoped(node: CfnResource): NagRuleCompliance {
  if (!(node instanceof CfnPolicy)) return NagRuleCompliance.NOT_APPLICABLE;
  const doc = Stack.of(node).resolve(node.policyDocument) as { Statement?: Statement[] };
  const statements = (doc.Statement ?? []).filter((st) => st.Effect === "Allow");
  if (!statements.some((st) => actions(st).includes("execute-api:ManageConnections")))
    return NagRuleCompliance.NOT_APPLICABLE;
  const unscoped = statements.some(
    (st) =>
      actions(st).some((a) => a === "dynamodb:DeleteItem" || a === "dynamodb:*" || a === "*") &&
      !Object.values(st.Condition ?? {}).some((c) => c && "dynamodb:LeadingKeys" in c),
  );
  return unscoped ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}

/** market40's own cdk-nag rules, run beside AwsSolutions (test/infra/synth.ts). */
export class Market40Checks extends NagPack {
  constructor(props?: NagPackProps) {
    super(props);
    this.packName = "Market40";
  }

  visit(node: IConstruct): void {
    if (!(node as CfnResource).cfnResourceType) return;
    this.applyRule({
      ruleSuffixOverride: "DDB1",
      info: "The public callbacks role may delete table items without a dynamodb:LeadingKeys condition.",
      explanation:
        "The callbacks function answers the internet; it deletes only stale WebSocket connection items (CONN#…), so its DeleteItem is scoped to those keys and a flaw in it cannot delete money records.",
      level: NagMessageLevel.ERROR,
      rule: publicDeleteScoped,
      node: node as CfnResource,
    });
  }
}
