import { Match, Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { MonitoringStack, subscriptionProtocol } from "../../stacks/MonitoringStack";
import { stageParameters } from "../../stacks/parameters";
import { WebStack } from "../../stacks/WebStack";
import { synthesize } from "./synth";

describe("stage parameters", () => {
  it("refuse a prod stage without an alarm subscriber, and half a web domain", () => {
    expect(() => stageParameters("prod", {})).toThrow(/MARKET40_ALARM_SUBSCRIPTION/);
    expect(stageParameters("prod", { MARKET40_ALARM_SUBSCRIPTION: "ops@example.vn" }).alarmSubscription).toBe(
      "ops@example.vn",
    );
    expect(stageParameters("dev", {})).toEqual({ alarmSubscription: undefined, webDomain: undefined });
    expect(() => stageParameters("dev", { MARKET40_WEB_DOMAIN: "cho40.example.vn" })).toThrow(/together/);
  });

  it("subscribe an email, an https URL, an SQS queue or a Lambda function, nothing else", () => {
    expect(subscriptionProtocol("ops@example.vn")).toBe("email");
    expect(subscriptionProtocol("https://hooks.example.vn/alarm")).toBe("https");
    expect(subscriptionProtocol("arn:aws:sqs:ap-southeast-1:123456789012:alarms")).toBe("sqs");
    expect(subscriptionProtocol("arn:aws:lambda:ap-southeast-1:123456789012:function:pager")).toBe("lambda");
    expect(() => subscriptionProtocol("http://plain.example.vn")).toThrow();
  });
});

describe("a stage with its parameters set", () => {
  let web: Template;
  let monitoring: Template;
  beforeAll(async () => {
    // Set for this synthesis only: test files share a worker (vitest.config.ts), and the others synthesize a stage
    // without them.
    vi.stubEnv("MARKET40_ALARM_SUBSCRIPTION", "ops@example.vn");
    vi.stubEnv("MARKET40_WEB_DOMAIN", "cho40.example.vn");
    vi.stubEnv("MARKET40_WEB_CERTIFICATE_ARN", "arn:aws:acm:us-east-1:123456789012:certificate/abc");
    // The API's and jobs' functions are not what this is about: their bundles are left out (stacks.test.ts builds them).
    const { getStack } = await synthesize({ only: ["WebStack", "MonitoringStack"] });
    web = Template.fromStack(getStack(WebStack));
    monitoring = Template.fromStack(getStack(MonitoringStack));
  }, 120_000);
  afterAll(() => vi.unstubAllEnvs());

  it("serves the web app on its domain with TLS policy TLSv1.2_2021", () => {
    web.hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: Match.objectLike({
        Aliases: ["cho40.example.vn"],
        ViewerCertificate: Match.objectLike({
          MinimumProtocolVersion: "TLSv1.2_2021",
          SslSupportMethod: "sni-only",
        }),
      }),
    });
  });

  it("subscribes the alarm endpoint to the alarm topic", () => {
    monitoring.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@example.vn",
    });
  });
});
