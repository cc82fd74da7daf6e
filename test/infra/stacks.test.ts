import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTableInput } from "@market40/core/store/design";
import { Match, Template } from "aws-cdk-lib/assertions";
import { AssetManifestArtifact, type CloudAssembly } from "aws-cdk-lib/cx-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_BURST, API_RATE_PER_SECOND, ApiStack, SECRET_NAMES } from "../../stacks/ApiStack";
import { DAILY_SCHEDULE, JobsStack } from "../../stacks/JobsStack";
import { StorageStack } from "../../stacks/StorageStack";
import { WebStack } from "../../stacks/WebStack";
import { schemaDrift, sstCdkAssets, sstReaderSchemas, writerSchema } from "./cloudAssembly";
import { synthesize } from "./synth";

let storage: Template;
let api: Template;
let jobs: Template;
let web: Template;
let assembly: CloudAssembly;

beforeAll(async () => {
  const { app, getStack } = await synthesize();
  // The cloud assembly on disk, as `sst deploy` hands it to CDK's deployment code.
  assembly = app.synth();
  storage = Template.fromStack(getStack(StorageStack));
  api = Template.fromStack(getStack(ApiStack));
  jobs = Template.fromStack(getStack(JobsStack));
  web = Template.fromStack(getStack(WebStack));
}, 120_000);
// CDK writes the assembly to a fresh temporary folder: leave none behind.
afterAll(() => rmSync(assembly.directory, { recursive: true, force: true }));

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

  it("runs on a current Node runtime, arm64, with the table and every secret bound", () => {
    api.hasResourceProperties("AWS::Lambda::Function", {
      Runtime: "nodejs20.x",
      Architectures: ["arm64"],
      Environment: {
        Variables: Match.objectLike({
          SST_Table_tableName_Table: Match.anyValue(),
          ...Object.fromEntries(SECRET_NAMES.map((name) => [`SST_Secret_value_${name}`, Match.anyValue()])),
        }),
      },
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
      // Hono, zod, pdf-lib, fontkit and the AWS SDK clients it uses.
      expect(size).toBeLessThan(4_000_000);
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
      Runtime: "nodejs20.x",
      Architectures: ["arm64"],
    });
  });
});

describe("least privilege", () => {
  it("no function gets dynamodb:* on *", () => {
    let dynamoStatements = 0;
    for (const template of [api, jobs]) {
      for (const policy of Object.values(template.findResources("AWS::IAM::Policy")) as {
        Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } };
      }[]) {
        for (const st of policy.Properties.PolicyDocument.Statement) {
          const actions = ([] as string[]).concat(st.Action);
          const resources = ([] as unknown[]).concat(st.Resource);
          if (actions.some((a) => a.startsWith("dynamodb:"))) dynamoStatements++;
          if (actions.some((a) => a === "dynamodb:*" || a === "*")) expect(resources).not.toContain("*");
        }
      }
    }
    expect(dynamoStatements).toBeGreaterThanOrEqual(2);
  });
});

describe("WebStack", () => {
  it("serves the web app from S3 behind CloudFront", () => {
    web.resourceCountIs("AWS::CloudFront::Distribution", 1);
    web.resourceCountIs("AWS::S3::Bucket", 1);
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
