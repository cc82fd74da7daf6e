import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROVIDER_API_SECRET_NAMES, PROVIDER_SECRET_NAMES } from "@market40/core/config";
import { EVALUATION_CONCURRENCY, EVALUATION_MAX_RECEIVES } from "@market40/core/evaluation/scheduled";
import { createTableInput } from "@market40/core/store/design";
import { MONEY_STOPS_METRIC } from "@market40/core/sync/moneyStops";
import type { Stack } from "aws-cdk-lib";
import { Stack as CdkStack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { CfnPolicy } from "aws-cdk-lib/aws-iam";
import { AssetManifestArtifact, type CloudAssembly } from "aws-cdk-lib/cx-api";
import { NagRuleCompliance } from "cdk-nag";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_BURST, API_RATE_PER_SECOND, ApiStack } from "../../stacks/ApiStack";
import { SECRETS_OF, TABLE_ACCESS } from "../../stacks/access";
import { FUNCTION_DEFAULTS } from "../../stacks/defaults";
import { EDGE_RATE_LIMITS, EDGE_RATE_WINDOW_SECONDS } from "../../stacks/EdgeFirewall";
import {
  DAILY_SCHEDULE,
  EVALUATION_CONSUMER,
  JobsStack,
  SYNC_SCHEDULE,
  SYNC_TIMEOUT_SECONDS,
} from "../../stacks/JobsStack";
import { MonitoringStack } from "../../stacks/MonitoringStack";
import { publicDeleteScoped } from "../../stacks/nagRules";
import { NAG_SUPPRESSIONS } from "../../stacks/nagSuppressions";
import { StorageStack } from "../../stacks/StorageStack";
import { EDGE_LOG_DAYS, WebStack } from "../../stacks/WebStack";
import { schemaDrift, sstCdkAssets, sstReaderSchemas, writerSchema } from "./cloudAssembly";
import { dynamoUseByHandler } from "./dynamoActions";
import { synthesize } from "./synth";

let storage: Template;
let api: Template;
let jobs: Template;
let web: Template;
let monitoring: Template;
let edge: Template;
let all: Template[];
let assembly: CloudAssembly;

beforeAll(async () => {
  const { app, getStack } = await synthesize();
  storage = Template.fromStack(getStack(StorageStack));
  api = Template.fromStack(getStack(ApiStack));
  jobs = Template.fromStack(getStack(JobsStack));
  web = Template.fromStack(getStack(WebStack));
  monitoring = Template.fromStack(getStack(MonitoringStack));
  const firewall = app.node.children.find((c) => c.node.id.endsWith("-EdgeFirewall")) as Stack;
  edge = Template.fromStack(firewall);
  all = [storage, api, jobs, web, monitoring, edge];
  // The cloud assembly on disk, as `sst deploy` hands it to CDK's deployment code.
  assembly = app.synth();
  // Five functions bundled by esbuild and every stack checked by cdk-nag: over 120 s on a loaded 2-core machine.
}, 300_000);
// CDK writes the assembly to a fresh temporary folder: leave none behind.
afterAll(() => rmSync(assembly.directory, { recursive: true, force: true }));

interface Statement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
}
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties, read loosely by the assertions below
type Resources = Record<string, { Properties: Record<string, any> }>;

/** The function a handler string deploys, its role's statements (every policy attached to the role). */
function functionOf(template: Template, handler: string) {
  const fns = template.findResources("AWS::Lambda::Function", {
    Properties: { Handler: Match.stringLikeRegexp(handler.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) },
  }) as Resources;
  const [fn, ...rest] = Object.values(fns);
  expect(fn, handler).toBeDefined();
  expect(rest).toEqual([]);
  const role = fn!.Properties.Role["Fn::GetAtt"][0] as string;
  const statements = (Object.values(template.findResources("AWS::IAM::Policy")) as Resources[string][])
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${role}"`))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  return { fn: fn!, statements };
}

const actionsOf = (st: Statement) => ([] as string[]).concat(st.Action);
const resourcesOf = (st: Statement) => ([] as unknown[]).concat(st.Resource);

const HANDLERS = {
  api: "packages/functions/src/lambda/api.handler",
  callbacks: "packages/functions/src/lambda/callbacks.handler",
  daily: "packages/functions/src/lambda/daily.handler",
  evaluate: "packages/functions/src/lambda/evaluate.handler",
  sync: "packages/functions/src/lambda/sync.handler",
} as const;
const templateOf = (name: keyof typeof HANDLERS) =>
  name === "daily" || name === "evaluate" || name === "sync" ? jobs : api;

/**
 * Lambda's Node.js runtimes and the day Lambda deprecated (or will deprecate) each, from AWS's runtime page
 * ("Runtime deprecation policy"). A runtime missing here is newer than this list, or not Node.
 */
const NODE_DEPRECATION: Record<string, string> = {
  "nodejs12.x": "2023-03-31",
  "nodejs14.x": "2023-12-04",
  "nodejs16.x": "2024-06-12",
  "nodejs18.x": "2025-09-01",
  "nodejs20.x": "2026-04-30",
  "nodejs22.x": "2027-04-30",
  "nodejs24.x": "2028-04-30",
};

describe("StorageStack", () => {
  it("has the table the local launcher creates: keys, indexes, on-demand, PITR, TTL, stream", () => {
    const local = createTableInput("x");
    storage.hasResourceProperties("AWS::DynamoDB::Table", {
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: local.KeySchema,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
      StreamSpecification: { StreamViewType: "NEW_AND_OLD_IMAGES" },
      GlobalSecondaryIndexes: local.GlobalSecondaryIndexes!.map((g) =>
        Match.objectLike({
          IndexName: g.IndexName,
          KeySchema: g.KeySchema,
          Projection: { ProjectionType: "ALL" },
        }),
      ),
    });
    const table = Object.values(storage.findResources("AWS::DynamoDB::Table"))[0] as {
      Properties: { AttributeDefinitions: unknown[] };
    };
    expect(table.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining(local.AttributeDefinitions!),
    );
  });
});

describe("ApiStack", () => {
  it("routes every /api path to one Hono Lambda", () => {
    api.hasResourceProperties("AWS::ApiGatewayV2::Api", { ProtocolType: "HTTP" });
    api.hasResourceProperties("AWS::ApiGatewayV2::Route", { RouteKey: "ANY /api/{proxy+}" });
    api.hasResourceProperties("AWS::ApiGatewayV2::Route", { RouteKey: "POST /api/callbacks/{provider}" });
  });

  it("caps the whole API's rate at the edge", () => {
    api.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      DefaultRouteSettings: Match.objectLike({
        ThrottlingRateLimit: API_RATE_PER_SECOND,
        ThrottlingBurstLimit: API_BURST,
      }),
    });
  });

  it("gives callbacks their own small function", async () => {
    const { statSync, readdirSync } = await import("node:fs");
    const { join } = await import("node:path");
    const dir = ".sst/artifacts";
    const bundle = readdirSync(dir, { recursive: true })
      .map(String)
      .find((f) => f.endsWith("lambda/callbacks.mjs"));
    expect(bundle).toBeDefined();
    // No PDF, QR-image or CSV code: about half the API bundle (the AWS SDK is in both).
    expect(statSync(join(dir, bundle!)).size).toBeLessThan(2_000_000);
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(join(dir, bundle!), "utf8")).not.toContain("PDFDocument");
  });

  it("runs on the functions' runtime, arm64, with the table's name and exactly its own secrets", () => {
    for (const name of ["api", "callbacks", "daily", "evaluate", "sync"] as const) {
      const { fn } = functionOf(templateOf(name), HANDLERS[name]);
      expect(fn.Properties.Runtime, name).toBe(FUNCTION_DEFAULTS.runtime);
      expect(fn.Properties.Architectures, name).toEqual(["arm64"]);
      const vars = Object.keys(fn.Properties.Environment.Variables);
      expect(vars, name).toContain("SST_Table_tableName_Table");
      const secrets = vars.filter((v) => v.startsWith("SST_Secret_value_")).map((v) => v.slice(17));
      expect(secrets.sort(), name).toEqual([...SECRETS_OF[name]].sort());
    }
    // The API renders PDFs on the request (poster parts, province reports): 1,024 MB buys it twice the CPU of the
    // callbacks function's 512 MB.
    expect(functionOf(api, HANDLERS.api).fn.Properties.MemorySize).toBe(1024);
    expect(functionOf(api, HANDLERS.callbacks).fn.Properties.MemorySize).toBe(512);
    // The callbacks function never holds the admin token; every function holds the payer-reference key.
    expect(SECRETS_OF.callbacks).not.toContain("ADMIN_TOKEN");
    for (const name of ["api", "callbacks", "daily", "evaluate", "sync"] as const)
      expect(SECRETS_OF[name]).toContain("PAYER_HASH_KEY");
  });

  it("writes one access-log line per request, kept three months", () => {
    api.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue(), Format: Match.anyValue() }),
    });
    const groups = api.findResources("AWS::Logs::LogGroup", { Properties: { RetentionInDays: 90 } });
    const [group] = Object.keys(groups);
    expect(group).toBeDefined();
    api.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      AccessLogSettings: Match.objectLike({ DestinationArn: { "Fn::GetAtt": [group, "Arn"] } }),
    });
  });

  it("bundles minified, with the AWS SDK inside (one file to import on a cold start)", async () => {
    const { statSync, readdirSync } = await import("node:fs");
    const { join } = await import("node:path");
    const dir = ".sst/artifacts";
    const bundles = readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".mjs") && f.includes("api"));
    expect(bundles.length).toBeGreaterThan(0);
    // The poster fonts travel beside the API bundle.
    const fonts = readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".ttf"));
    expect(fonts.some((f) => f.endsWith("fonts/BeVietnamPro_400Regular.ttf"))).toBe(true);
    for (const b of bundles) {
      const size = statSync(join(dir, b)).size;
      // Hono, zod, pdf-lib, fontkit, ExcelJS (~1.1 MB, evaluated only when a workbook is asked for) and the AWS
      // SDK clients it uses; the import time this costs a cold start is `npm run bench -- lambda`'s.
      expect(size).toBeLessThan(5_000_000);
      const { readFileSync } = await import("node:fs");
      const code = readFileSync(join(dir, b), "utf8");
      expect(code).toContain("DynamoDBClient");
      expect(code).not.toMatch(/from\s*"@aws-sdk\//);
    }
  });
});

describe("JobsStack", () => {
  it("runs the daily job at 00:30 Vietnam time (17:30 UTC)", () => {
    expect(DAILY_SCHEDULE).toBe("cron(30 17 * * ? *)");
    jobs.hasResourceProperties("AWS::Events::Rule", { ScheduleExpression: DAILY_SCHEDULE });
    jobs.hasResourceProperties("AWS::Lambda::Function", {
      Timeout: 900,
      Runtime: FUNCTION_DEFAULTS.runtime,
      Architectures: ["arm64"],
    });
  });

  it("runs the pull sync every 5 minutes, with only the providers' API keys among provider secrets", () => {
    expect(SYNC_SCHEDULE).toBe("rate(5 minutes)");
    jobs.hasResourceProperties("AWS::Events::Rule", { ScheduleExpression: SYNC_SCHEDULE });
    const { fn, statements } = functionOf(jobs, HANDLERS.sync);
    expect(fn.Properties.Timeout).toBe(SYNC_TIMEOUT_SECONDS);
    expect([...SECRETS_OF.sync].sort()).toEqual(
      [...Object.values(PROVIDER_API_SECRET_NAMES), "PAYER_HASH_KEY"].sort(),
    );
    // No webhook secret, no admin token; no queue, no socket endpoint.
    for (const name of Object.values(PROVIDER_SECRET_NAMES)) expect(SECRETS_OF.sync).not.toContain(name);
    for (const name of Object.values(PROVIDER_API_SECRET_NAMES)) {
      expect(SECRETS_OF.callbacks).not.toContain(name);
      expect(SECRETS_OF.api).not.toContain(name);
    }
    // Beyond X-Ray tracing (every function's), only the table and its secrets.
    expect(
      statements
        .flatMap(actionsOf)
        .filter((a) => !a.startsWith("dynamodb:") && !a.startsWith("ssm:") && !a.startsWith("xray:")),
    ).toEqual([]);
  });

  /** The logical id of the one queue whose properties match. */
  const queueId = (props: Record<string, unknown>) => {
    const found = Object.keys(jobs.findResources("AWS::SQS::Queue", { Properties: props }));
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it("fans the evaluations out: one queue, its dead-letter queue, a consumer with a maximum concurrency", () => {
    expect(Object.keys(jobs.findResources("AWS::SQS::Queue"))).toHaveLength(2);
    const dlq = queueId({ MessageRetentionPeriod: 14 * 24 * 3600 });
    const main = queueId({
      VisibilityTimeout: EVALUATION_CONSUMER.visibilitySeconds,
      RedrivePolicy: {
        deadLetterTargetArn: { "Fn::GetAtt": [dlq, "Arn"] },
        maxReceiveCount: EVALUATION_MAX_RECEIVES,
      },
    });
    // Both encrypted, both refusing plain HTTP.
    for (const id of [dlq, main]) {
      expect((jobs.findResources("AWS::SQS::Queue") as Resources)[id]!.Properties.SqsManagedSseEnabled).toBe(
        true,
      );
      jobs.hasResourceProperties("AWS::SQS::QueuePolicy", {
        Queues: [{ Ref: id }],
        PolicyDocument: Match.objectLike({
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
          ]),
        }),
      });
    }
    const consumer = functionOf(jobs, HANDLERS.evaluate);
    expect(consumer.fn.Properties.Timeout).toBe(EVALUATION_CONSUMER.timeoutSeconds);
    // Six times the consumer's timeout: a batch still running is never delivered to a second consumer.
    expect(EVALUATION_CONSUMER.visibilitySeconds).toBeGreaterThanOrEqual(
      6 * EVALUATION_CONSUMER.timeoutSeconds,
    );
    jobs.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: { "Fn::GetAtt": [main, "Arn"] },
      BatchSize: EVALUATION_CONSUMER.batchSize,
      ScalingConfig: { MaximumConcurrency: EVALUATION_CONCURRENCY },
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
    expect(EVALUATION_CONCURRENCY).toBeGreaterThanOrEqual(2); // the least SQS event sources accept
    // The cron function may only send to the queue; the consumer only receive from it.
    const daily = functionOf(jobs, HANDLERS.daily);
    const sqs = (st: Statement[]) => st.filter((x) => actionsOf(x).some((a) => a.startsWith("sqs:")));
    expect(sqs(daily.statements).map(actionsOf)).toEqual([["sqs:SendMessage"]]);
    expect(JSON.stringify(sqs(daily.statements).map(resourcesOf))).toBe(
      JSON.stringify([[{ "Fn::GetAtt": [main, "Arn"] }]]),
    );
    expect(daily.fn.Properties.Environment.Variables.SST_Queue_queueUrl_EvaluationQueue).toEqual({
      Ref: main,
    });
    const consumed = sqs(consumer.statements).flatMap(actionsOf);
    expect(consumed).toEqual(expect.arrayContaining(["sqs:ReceiveMessage", "sqs:DeleteMessage"]));
    expect(consumed).not.toContain("sqs:SendMessage");
    expect(consumed).not.toContain("sqs:*");
  });

  it("alarms when a job is dead-lettered or the queue backs up", () => {
    const dlq = queueId({ MessageRetentionPeriod: 14 * 24 * 3600 });
    const onQueue = (metric: string) =>
      Object.values(
        monitoring.findResources("AWS::CloudWatch::Alarm", {
          Properties: { MetricName: metric, Namespace: "AWS/SQS" },
        }),
      ) as Resources[string][];
    const [dead] = onQueue("ApproximateNumberOfMessagesVisible");
    expect(dead?.Properties.Threshold).toBe(1);
    expect(JSON.stringify(dead?.Properties.Dimensions)).toContain(dlq.replace(/[A-F0-9]{8}$/, ""));
    expect(dead?.Properties.AlarmActions).toHaveLength(1);
    expect(onQueue("ApproximateAgeOfOldestMessage")[0]?.Properties.Threshold).toBe(3600);
  });
});

describe("runtimes", () => {
  it("no function, ours or SST's and CDK's helpers, runs a runtime Lambda has deprecated", () => {
    const today = new Date().toISOString().slice(0, 10);
    const runtimes = all.flatMap((t) =>
      Object.values(t.findResources("AWS::Lambda::Function") as Resources).map((f) => f.Properties.Runtime),
    );
    expect(runtimes.length).toBeGreaterThanOrEqual(5);
    for (const runtime of runtimes) {
      expect(runtime, "a Node.js runtime").toMatch(/^nodejs\d+\.x$/);
      const deprecated = NODE_DEPRECATION[runtime];
      // Not in the list: newer than it, unless older than the oldest listed.
      if (!deprecated) expect(Number(/\d+/.exec(runtime)![0])).toBeGreaterThan(24);
      else expect(deprecated > today, `${runtime} deprecated on ${deprecated}`).toBe(true);
    }
  });

  it("ours are on Node 24 or newer, bundled by esbuild for that Node", () => {
    const major = Number(/^nodejs(\d+)\.x$/.exec(FUNCTION_DEFAULTS.runtime)?.[1]);
    expect(major).toBeGreaterThanOrEqual(24);
    expect(FUNCTION_DEFAULTS.nodejs.esbuild.target).toBe(`node${major}`);
  });
});

describe("least privilege", () => {
  it("no statement anywhere grants dynamodb:* or a DynamoDB action on *, or changes the table itself", () => {
    let dynamoStatements = 0;
    for (const template of all)
      for (const policy of Object.values(template.findResources("AWS::IAM::Policy")) as Resources[string][])
        for (const st of policy.Properties.PolicyDocument.Statement as Statement[]) {
          const actions = actionsOf(st);
          if (!actions.some((a) => a.startsWith("dynamodb:") || a === "*")) continue;
          dynamoStatements++;
          expect(actions).not.toContain("dynamodb:*");
          expect(actions).not.toContain("*");
          expect(resourcesOf(st)).not.toContain("*");
          for (const a of actions)
            expect(a, "item-level actions only").toMatch(
              /^dynamodb:(GetItem|BatchGetItem|Query|PutItem|UpdateItem|DeleteItem|BatchWriteItem|ConditionCheckItem)$/,
            );
        }
    // api, callbacks (two: its DeleteItem apart, scoped to connection items), daily, evaluate, sync, and the
    // WebSocket API's $connect and $disconnect (test/infra/realtime.test.ts).
    expect(dynamoStatements).toBe(8);
  });

  it.each(["api", "callbacks", "daily", "evaluate", "sync"] as const)(
    "%s: exactly its table actions, on the table and its indexes",
    (name) => {
      const { statements } = functionOf(templateOf(name), HANDLERS[name]);
      const dynamo = statements.filter(
        (st) =>
          actionsOf(st).some((a) => a.startsWith("dynamodb:")) && !(st as { Condition?: unknown }).Condition,
      );
      expect(dynamo).toHaveLength(1);
      const scopedDelete = name === "callbacks" ? ["dynamodb:DeleteItem"] : [];
      expect([...actionsOf(dynamo[0]!), ...scopedDelete].sort()).toEqual(
        [...TABLE_ACCESS[name].actions].sort(),
      );
      const resources = JSON.stringify(resourcesOf(dynamo[0]!));
      const indexes = [...resources.matchAll(/\/index\/(\w+)/g)].map((m) => m[1]);
      expect(indexes.sort()).toEqual([...TABLE_ACCESS[name].indexes].sort());
      expect(resources).not.toContain("/index/*");
      expect(resourcesOf(dynamo[0]!)).toHaveLength(1 + TABLE_ACCESS[name].indexes.length);
    },
  );

  it("the public callbacks role deletes only connection items: DeleteItem under dynamodb:LeadingKeys CONN#*", () => {
    const { statements } = functionOf(templateOf("callbacks"), HANDLERS.callbacks);
    const deletes = statements.filter((st) => actionsOf(st).includes("dynamodb:DeleteItem"));
    expect(deletes).toHaveLength(1);
    expect(actionsOf(deletes[0]!)).toEqual(["dynamodb:DeleteItem"]);
    expect((deletes[0] as { Condition?: unknown }).Condition).toEqual({
      "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["CONN#*"] },
    });
    // cdk-nag checks it too (stacks/nagRules.ts): an unscoped DeleteItem on this role would be an error.
    expect(
      publicDeleteScoped(
        new CfnPolicy(new CdkStack(), "P", {
          policyName: "p",
          policyDocument: {
            Statement: [
              { Effect: "Allow", Action: "execute-api:ManageConnections", Resource: "*" },
              { Effect: "Allow", Action: ["dynamodb:DeleteItem"], Resource: "arn:aws:dynamodb:::table/t" },
            ],
          },
        }),
      ),
    ).toBe(NagRuleCompliance.NON_COMPLIANT);
    const nagged = assembly.stacks.flatMap((s) => JSON.stringify(s.template.Metadata ?? {}));
    expect(nagged.join()).not.toContain("Market40-DDB1");
  });

  it.each(["api", "callbacks", "daily", "evaluate", "sync"] as const)(
    "%s: reads only its own secrets",
    (name) => {
      const { statements } = functionOf(templateOf(name), HANDLERS[name]);
      const all = statements.filter((st) => actionsOf(st).some((a) => a.startsWith("ssm:")));
      // The API also reads the stage's web address (one parameter, not a secret: stacks/parameters.ts).
      const webUrl = all.filter((st) => JSON.stringify(resourcesOf(st)).includes("/web-url"));
      expect(webUrl.map(actionsOf)).toEqual(name === "api" ? [["ssm:GetParameter"]] : []);
      const ssm = all.filter((st) => !webUrl.includes(st));
      for (const st of ssm) expect(actionsOf(st)).toEqual(["ssm:GetParameters"]);
      const names = new Set(
        [...JSON.stringify(ssm.map(resourcesOf)).matchAll(/Secret\/(\w+)\/value/g)].map((m) => m[1]),
      );
      expect([...names].sort()).toEqual([...SECRETS_OF[name]].sort());
    },
  );

  it("grants no table action and reaches no index the function's code cannot reach", async () => {
    const handlers = Object.values(HANDLERS).map((h) => h.replace(/\.handler$/, ".ts"));
    const reach = await dynamoUseByHandler(handlers);
    for (const [name, handler] of Object.entries(HANDLERS) as [keyof typeof HANDLERS, string][]) {
      const use = reach.get(handler.replace(/\.handler$/, ".ts"))!;
      expect(use.actions, `${name} reaches no table administration`).not.toContain(
        "dynamodb:<table administration>",
      );
      for (const a of TABLE_ACCESS[name].actions) expect(use.actions, `${name}: ${a}`).toContain(a);
      for (const i of TABLE_ACCESS[name].indexes) expect(use.indexes, `${name}: ${i}`).toContain(i);
    }
    // The API and the jobs get everything their modules can send (they share most of core). The sync's grant, like
    // the callbacks', is what a run records sending (test/infra/callbacksAccess.test.ts): narrower than its modules.
    for (const name of ["api", "daily", "evaluate"] as const) {
      const use = reach.get(HANDLERS[name].replace(/\.handler$/, ".ts"))!;
      expect([...TABLE_ACCESS[name].actions].sort(), name).toEqual(use.actions);
      expect([...TABLE_ACCESS[name].indexes].sort(), name).toEqual(use.indexes);
    }
  }, 60_000);
});

describe("StorageStack protection", () => {
  it("keeps point-in-time recovery and refuses deletion", () => {
    storage.hasResourceProperties("AWS::DynamoDB::Table", {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });
});

describe("MonitoringStack", () => {
  it("alarms on API 5xx, callback errors and throttles, evaluation failures, dead-lettered or stuck evaluation jobs, DynamoDB throttles and money stopping at a market, into one encrypted topic", () => {
    const [topicId] = Object.keys(monitoring.findResources("AWS::SNS::Topic"));
    expect(topicId).toBeDefined();
    monitoring.hasResourceProperties("AWS::SNS::Topic", { KmsMasterKeyId: Match.anyValue() });
    monitoring.hasResourceProperties("AWS::SNS::TopicPolicy", {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      }),
    });
    const alarms = monitoring.findResources("AWS::CloudWatch::Alarm") as Resources;
    const byId = (prefix: string) => Object.entries(alarms).find(([id]) => id.startsWith(prefix))?.[1];
    const metricName = (a: Resources[string] | undefined) =>
      JSON.stringify(a?.Properties.MetricName ?? a?.Properties.Metrics);
    expect(metricName(byId("Api5xx"))).toContain("5xx");
    expect(metricName(byId("CallbackErrors"))).toContain("Errors");
    expect(metricName(byId("CallbackThrottles"))).toContain("Throttles");
    expect(metricName(byId("EvaluationFailures"))).toContain("Errors");
    expect(metricName(byId("TableThrottles"))).toContain("WriteThrottleEvents");
    expect(metricName(byId("TableThrottles"))).toContain("ReadThrottleEvents");
    expect(metricName(byId("EvaluationDeadLetters"))).toContain("ApproximateNumberOfMessagesVisible");
    expect(metricName(byId("EvaluationBacklog"))).toContain("ApproximateAgeOfOldestMessage");
    // The sync's Embedded Metric Format line (packages/functions/src/jobs/sync.ts) is the metric: any count alarms.
    expect(byId("PaymentsStopped")?.Properties).toMatchObject({
      Namespace: MONEY_STOPS_METRIC.namespace,
      MetricName: MONEY_STOPS_METRIC.name,
      Statistic: "Sum",
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
    });
    expect(Object.keys(alarms)).toHaveLength(8);
    for (const alarm of Object.values(alarms))
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
  });
});

describe("edge: WAF rate limits per address", () => {
  it("a CloudFront-scoped web ACL in us-east-1 with rate-based rules for callbacks and for the rest of the API", () => {
    const artifact = assembly.stacks.find((s) => s.stackName.endsWith("-EdgeFirewall"))!;
    expect(artifact.environment.region).toBe("us-east-1");
    edge.hasResourceProperties("AWS::WAFv2::WebACL", {
      Scope: "CLOUDFRONT",
      DefaultAction: { Allow: {} },
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: "PerAddressCallbacks",
          Action: { Block: Match.objectLike({ CustomResponse: { ResponseCode: 429 } }) },
          Statement: {
            RateBasedStatement: Match.objectLike({
              AggregateKeyType: "IP",
              Limit: EDGE_RATE_LIMITS.callbacks,
              EvaluationWindowSec: EDGE_RATE_WINDOW_SECONDS,
            }),
          },
        }),
        Match.objectLike({
          Name: "PerAddressApi",
          Statement: {
            RateBasedStatement: Match.objectLike({
              AggregateKeyType: "IP",
              Limit: EDGE_RATE_LIMITS.api,
              EvaluationWindowSec: EDGE_RATE_WINDOW_SECONDS,
            }),
          },
        }),
      ]),
    });
  });

  it("both distributions (the API's, the web app's) sit behind it and write access logs", () => {
    const dists = Object.values(web.findResources("AWS::CloudFront::Distribution")) as Resources[string][];
    expect(dists).toHaveLength(2);
    for (const d of dists) {
      const config = d.Properties.DistributionConfig;
      expect(config.WebACLId, "web ACL").toBeDefined();
      expect(JSON.stringify(config.WebACLId)).not.toBe("{}");
      expect(config.Logging?.Bucket, "access logs").toBeDefined();
    }
    const apiDist =
      dists.find((d) => JSON.stringify(d).includes("execute-api") || JSON.stringify(d).includes("ApiUrl")) ??
      dists.find((d) => d.Properties.DistributionConfig.Origins[0].CustomOriginConfig);
    expect(apiDist!.Properties.DistributionConfig.DefaultCacheBehavior.AllowedMethods).toContain("POST");
    // The web app reaches the API on its own address, so a person's SameSite=Strict session cookie goes with its
    // calls (docs/contract.md §19): `/api/*` on the web distribution, to the API, uncached, every method and cookie.
    const webDist = dists.find((d) => d !== apiDist)!;
    const apiPath = (webDist.Properties.DistributionConfig.CacheBehaviors ?? []).find(
      (b: { PathPattern: string }) => b.PathPattern === "/api/*",
    );
    expect(apiPath, "/api/* on the web app's distribution").toBeDefined();
    expect(apiPath.AllowedMethods).toEqual(expect.arrayContaining(["POST", "PUT", "PATCH", "DELETE"]));
    expect(apiPath.CachePolicyId).toBe(
      apiDist!.Properties.DistributionConfig.DefaultCacheBehavior.CachePolicyId,
    );
    expect(apiPath.OriginRequestPolicyId).toBe(
      apiDist!.Properties.DistributionConfig.DefaultCacheBehavior.OriginRequestPolicyId,
    );
    const origin = webDist.Properties.DistributionConfig.Origins.find(
      (o: { Id: string }) => o.Id === apiPath.TargetOriginId,
    );
    expect(JSON.stringify(origin.DomainName)).toContain("Api");
  });
});

describe("cdk-nag AwsSolutions", () => {
  it("finds no error that is not suppressed with a reason", () => {
    const errors = assembly.stacks.flatMap((s) =>
      s.messages
        .filter((m) => m.level === "error")
        .map((m) => `${s.stackName} ${m.id} ${String(m.entry.data).split(":")[0]}`),
    );
    expect(errors).toEqual([]);
    // The pack ran: its suppressions were recorded on the stacks they name.
    for (const s of NAG_SUPPRESSIONS) {
      expect(s.reason.length, `${s.id}: a reason a reviewer can judge`).toBeGreaterThan(60);
      for (const name of s.stacks) {
        const artifact = assembly.stacks.find((a) => a.stackName === `test-market40-${name}`)!;
        expect(JSON.stringify(artifact.template.Metadata?.cdk_nag ?? {}), `${s.id} on ${name}`).toContain(
          s.id,
        );
      }
    }
  });
});

describe("WebStack", () => {
  it("serves the web app from S3 behind CloudFront with origin access control, TLS-only buckets, logs kept 90 days", () => {
    web.resourceCountIs("AWS::CloudFront::Distribution", 2);
    web.resourceCountIs("AWS::CloudFront::CloudFrontOriginAccessIdentity", 0);
    web.resourceCountIs("AWS::CloudFront::OriginAccessControl", 1);
    web.hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: Match.objectLike({
        Origins: Match.arrayWith([Match.objectLike({ OriginAccessControlId: Match.anyValue() })]),
      }),
    });
    const buckets = web.findResources("AWS::S3::Bucket") as Resources;
    expect(Object.keys(buckets)).toHaveLength(2);
    for (const b of Object.values(buckets)) expect(b.Properties.BucketEncryption, "encrypted").toBeDefined();
    const policies = Object.values(web.findResources("AWS::S3::BucketPolicy")) as Resources[string][];
    for (const id of Object.keys(buckets)) {
      const policy = policies.find((p) => JSON.stringify(p.Properties.Bucket).includes(id));
      expect(JSON.stringify(policy?.Properties.PolicyDocument), `${id} refuses plain HTTP`).toContain(
        '"aws:SecureTransport":"false"',
      );
    }
    web.hasResourceProperties("AWS::S3::Bucket", {
      LifecycleConfiguration: {
        Rules: [Match.objectLike({ ExpirationInDays: EDGE_LOG_DAYS, Status: "Enabled" })],
      },
    });
  });

  it("sends the Content-Security-Policy and security headers on every page", () => {
    const policies = web.findResources("AWS::CloudFront::ResponseHeadersPolicy");
    const [policy] = Object.values(policies) as {
      Properties: {
        ResponseHeadersPolicyConfig: { SecurityHeadersConfig: Record<string, Record<string, unknown>> };
      };
    }[];
    const config = policy!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = JSON.stringify(config.ContentSecurityPolicy);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self' https://");
    expect(config.FrameOptions).toMatchObject({ FrameOption: "DENY" });
    expect(config.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 31536000 });
    const [logicalId] = Object.keys(policies);
    web.hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({ ResponseHeadersPolicyId: { Ref: logicalId } }),
      }),
    });
  });
});

describe("deployability (what `sst bootstrap` and `sst deploy` read, offline)", () => {
  /** Every stack's asset manifest, found as `sst deploy` finds them (`buildAndPublishAssets`). */
  const assetManifests = () =>
    assembly.stacks.flatMap((stack) =>
      stack.dependencies.filter(AssetManifestArtifact.isAssetManifestArtifact).map((a) => a.file),
    );

  it("loads every synthesized asset manifest with the cdk-assets SST itself resolves", () => {
    const { AssetManifest } = sstCdkAssets();
    const files = assetManifests();
    expect(files.length).toBe(assembly.stacks.length);
    for (const file of files) {
      const manifest = AssetManifest.fromFile(file);
      // Each stack publishes at least its own template.
      expect(manifest.entries.length, file).toBeGreaterThan(0);
    }
  });

  it("writes and reads the cloud assembly with one schema revision, and every reader accepts every manifest", () => {
    const writer = writerSchema();
    const readers = sstReaderSchemas();
    expect(schemaDrift(writer, readers)).toEqual([]);
    const written = JSON.parse(readFileSync(join(assembly.directory, "manifest.json"), "utf8")).version;
    expect(written).toBe(writer.schemaVersion);
    for (const reader of readers) {
      expect(
        () => reader.Manifest.loadAssemblyManifest(join(assembly.directory, "manifest.json")),
        reader.via,
      ).not.toThrow();
      for (const file of assetManifests())
        expect(() => reader.Manifest.loadAssetManifest(file), `${reader.via}: ${file}`).not.toThrow();
    }
  });

  it("would fail on drift: a reader at another revision is reported, and cdk-assets refuses a newer manifest", () => {
    const writer = writerSchema();
    const older = {
      ...writer,
      via: "a lock file's cdk-assets → @aws-cdk/cloud-assembly-schema",
      schemaVersion: "44.0.0",
    };
    expect(schemaDrift(writer, [older])).toEqual([expect.stringContaining("reads schema 44.0.0")]);
    // What an older reader meets, seen from the other side: a manifest of the next revision, which the cdk-assets SST
    // resolves refuses with CDK's own version-mismatch error.
    const dir = mkdtempSync(join(tmpdir(), "m40-assets-"));
    try {
      const [file] = assetManifests();
      const next = `${Number(writer.schemaVersion.split(".")[0]) + 1}.0.0`;
      const copy = join(dir, "next.assets.json");
      copyFileSync(file!, copy);
      writeFileSync(copy, JSON.stringify({ ...JSON.parse(readFileSync(copy, "utf8")), version: next }));
      expect(() => sstCdkAssets().AssetManifest.fromFile(copy)).toThrow(/schema version mismatch/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
