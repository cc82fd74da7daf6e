import { rmSync } from "node:fs";
import type { Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import type { CloudAssembly } from "aws-cdk-lib/cx-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiStack } from "../../stacks/ApiStack";
import { SECRETS_OF, TABLE_ACCESS } from "../../stacks/access";
import { dynamoUseByHandler } from "./dynamoActions";
import { synthesize } from "./synth";

/**
 * Payments as they happen, in AWS (docs/contract.md §14): an API Gateway WebSocket API with `$connect` and
 * `$disconnect` functions that keep connections in the table, fed by the callbacks function — which alone may post to
 * connections, and only to this API's.
 */
let api: Template;
let assembly: CloudAssembly;
let all: Template[];

beforeAll(async () => {
  const { app, getStack } = await synthesize();
  api = Template.fromStack(getStack(ApiStack));
  all = app.node.children.filter((c): c is Stack => "templateOptions" in c).map((s) => Template.fromStack(s));
  assembly = app.synth();
}, 120_000);
afterAll(() => rmSync(assembly.directory, { recursive: true, force: true }));

interface Statement {
  Action: string | string[];
  Resource: unknown;
}
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties, read loosely
type Resources = Record<string, { Properties: Record<string, any> }>;
const actionsOf = (st: Statement) => ([] as string[]).concat(st.Action);

const HANDLERS = {
  realtimeConnect: "packages/functions/src/lambda/realtime.connect",
  realtimeDisconnect: "packages/functions/src/lambda/realtime.disconnect",
  callbacks: "packages/functions/src/lambda/callbacks.handler",
  api: "packages/functions/src/lambda/api.handler",
} as const;

function functionOf(handler: string) {
  const fns = Object.values(
    api.findResources("AWS::Lambda::Function", { Properties: { Handler: Match.stringLikeRegexp(handler) } }),
  ) as Resources[string][];
  expect(fns, handler).toHaveLength(1);
  const fn = fns[0]!;
  const role = fn.Properties.Role["Fn::GetAtt"][0] as string;
  const statements = (Object.values(api.findResources("AWS::IAM::Policy")) as Resources[string][])
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${role}"`))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  return { fn, statements };
}

const socketApiId = () => {
  const apis = api.findResources("AWS::ApiGatewayV2::Api", { Properties: { ProtocolType: "WEBSOCKET" } });
  expect(Object.keys(apis)).toHaveLength(1);
  return Object.keys(apis)[0]!;
};

describe("the realtime WebSocket API", () => {
  it("is an API Gateway WebSocket API with $connect and $disconnect, each to its own function, logged", () => {
    const id = socketApiId();
    for (const key of ["$connect", "$disconnect"])
      api.hasResourceProperties("AWS::ApiGatewayV2::Route", { RouteKey: key, ApiId: { Ref: id } });
    api.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      ApiId: { Ref: id },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
    functionOf(HANDLERS.realtimeConnect);
    functionOf(HANDLERS.realtimeDisconnect);
  });

  it.each(["realtimeConnect", "realtimeDisconnect", "callbacks"] as const)(
    "%s: exactly its table actions, on the table and its indexes",
    (name) => {
      const { statements } = functionOf(HANDLERS[name]);
      // The callbacks' DeleteItem is a statement of its own, under dynamodb:LeadingKeys (test/infra/stacks.test.ts).
      const dynamo = statements.filter(
        (st) =>
          actionsOf(st).some((a) => a.startsWith("dynamodb:")) && !(st as { Condition?: unknown }).Condition,
      );
      expect(dynamo).toHaveLength(1);
      const scoped = name === "callbacks" ? ["dynamodb:DeleteItem"] : [];
      expect([...actionsOf(dynamo[0]!), ...scoped].sort()).toEqual([...TABLE_ACCESS[name].actions].sort());
      const indexes = [...JSON.stringify(dynamo[0]!.Resource).matchAll(/\/index\/(\w+)/g)].map((m) => m[1]);
      expect(indexes.sort()).toEqual([...TABLE_ACCESS[name].indexes].sort());
      const ssm = JSON.stringify(statements.filter((st) => actionsOf(st).some((a) => a.startsWith("ssm:"))));
      const secrets = new Set([...ssm.matchAll(/Secret\/(\w+)\/value/g)].map((m) => m[1]));
      expect([...secrets].sort()).toEqual([...SECRETS_OF[name]].sort());
    },
  );

  it("grants the socket functions only what their code can send", async () => {
    const reach = await dynamoUseByHandler(["packages/functions/src/lambda/realtime.ts"]);
    const use = reach.get("packages/functions/src/lambda/realtime.ts")!;
    for (const name of ["realtimeConnect", "realtimeDisconnect"] as const)
      for (const a of TABLE_ACCESS[name].actions) expect(use.actions, `${name}: ${a}`).toContain(a);
    expect(use.actions).not.toContain("dynamodb:<table administration>");
  }, 60_000);

  it("lets the callbacks function alone post to connections, of this API's stage only", () => {
    const id = socketApiId();
    const manage = all.flatMap((t) =>
      (Object.values(t.findResources("AWS::IAM::Policy")) as Resources[string][]).flatMap((p) =>
        (p.Properties.PolicyDocument.Statement as Statement[])
          .filter((st) => actionsOf(st).some((a) => a.startsWith("execute-api:")))
          .map((st) => ({ roles: JSON.stringify(p.Properties.Roles), st })),
      ),
    );
    expect(manage).toHaveLength(1);
    expect(actionsOf(manage[0]!.st)).toEqual(["execute-api:ManageConnections"]);
    const resource = JSON.stringify(manage[0]!.st.Resource);
    expect(resource).toContain(`{"Ref":"${id}"}`);
    // POST a payment, DELETE a connection of a revoked key or beyond its key's few (issue 23); nothing else.
    expect(resource).toContain("/POST/@connections/*");
    expect(resource).toContain("/DELETE/@connections/*");
    expect(resource).not.toMatch(/\/(GET|\*)\/@connections/);
    const { fn } = functionOf(HANDLERS.callbacks);
    expect(manage[0]!.roles).toContain(`"${fn.Properties.Role["Fn::GetAtt"][0]}"`);
  });

  it("tells the API where tickets point and the callbacks where payments go", () => {
    const id = socketApiId();
    const apiEnv = JSON.stringify(functionOf(HANDLERS.api).fn.Properties.Environment.Variables.REALTIME_URL);
    expect(apiEnv).toContain("wss://");
    expect(apiEnv).toContain(id);
    const cbEnv = JSON.stringify(
      functionOf(HANDLERS.callbacks).fn.Properties.Environment.Variables.REALTIME_ENDPOINT,
    );
    expect(cbEnv).toContain("https://");
    expect(cbEnv).toContain(id);
  });

  it("passes cdk-nag", () => {
    const errors = assembly.stacks.flatMap((s) =>
      s.messages.filter((m) => m.level === "error").map((m) => `${s.stackName} ${String(m.entry.data)}`),
    );
    expect(errors).toEqual([]);
  });
});
