/**
 * cdk-nag AwsSolutions findings accepted on purpose, each with its reason. test/infra/synth.ts applies them to the
 * stacks named here before the checks run (and the stack test fails on any other error); docs/security.md lists
 * them, and test/docs.test.ts checks that list against this one.
 */
export interface NagSuppression {
  id: string;
  /** The stacks it applies to, by their id in sst.config.ts. */
  stacks: string[];
  reason: string;
  /** Only these findings of the rule, when not all of them are accepted. */
  appliesTo?: (string | { regex: string })[];
}

const SST_STACKS = ["StorageStack", "ApiStack", "JobsStack", "MonitoringStack", "WebStack"];

export const NAG_SUPPRESSIONS: NagSuppression[] = [
  {
    id: "AwsSolutions-IAM4",
    stacks: SST_STACKS,
    appliesTo: ["Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
    reason:
      "AWSLambdaBasicExecutionRole grants only logs:CreateLogGroup, CreateLogStream and PutLogEvents: what every function (ours, SST's custom-resource handler, CDK's log-retention handler) needs to write its own logs; no data access",
  },
  {
    id: "AwsSolutions-IAM5",
    stacks: ["ApiStack", "JobsStack"],
    appliesTo: ["Resource::*"],
    reason:
      "Two actions that IAM cannot scope to a resource: xray:PutTraceSegments/PutTelemetryRecords (SST turns on X-Ray tracing for every function) and logs:PutRetentionPolicy/DeleteRetentionPolicy of CDK's log-retention handler (it sets the three-month retention of log groups that exist only after deploy). DynamoDB and SSM statements name their resources (asserted in test/infra/stacks.test.ts)",
  },
  {
    id: "AwsSolutions-IAM5",
    stacks: ["WebStack"],
    appliesTo: [
      "Resource::<WebBucket12880F5B.Arn>/*",
      { regex: "/^Resource::arn:<AWS::Partition>:s3:::cdk-[a-z0-9]+-assets-\\d+-[a-z0-9-]+/\\*$/" },
    ],
    reason:
      "SST's StaticSite uploader copies the built web app, object by object, from the CDK assets bucket into the web bucket at deploy time: object ARNs (bucket/*) of exactly those two buckets",
  },
  {
    id: "AwsSolutions-IAM5",
    stacks: ["ApiStack"],
    appliesTo: [
      {
        regex:
          "/^Resource::arn:<AWS::Partition>:execute-api:.*:<RealtimeApi[A-Z0-9]+>/.+/(POST|DELETE)/@connections/\\*$/",
      },
    ],
    reason:
      "API Gateway's connection ids are made per connection at run time, so the callbacks function's execute-api:ManageConnections names this WebSocket API and stage, the POST and DELETE methods and the @connections path, and only the connection id is a wildcard (asserted in test/infra/realtime.test.ts)",
  },
  {
    id: "AwsSolutions-L1",
    stacks: SST_STACKS,
    reason:
      "Flags SST's own custom-resource handler (nodejs22.x, chosen by SST 2.49.8, supported by Lambda until 2027). Every function of ours runs FUNCTION_DEFAULTS.runtime (nodejs24.x), and the stack test fails on any function, SST's included, whose runtime Lambda has deprecated",
  },
  {
    id: "AwsSolutions-APIG4",
    stacks: ["ApiStack"],
    reason:
      "Authorization is the application's, per route: API keys (256-bit bearer tokens, SHA-256 lookup, role and market checks) in the API function, provider signatures in the callbacks function (public by nature). An API Gateway authorizer would duplicate the key lookup and add a Lambda invocation per request",
  },
  {
    id: "AwsSolutions-CFR4",
    stacks: ["WebStack"],
    reason:
      "Both distributions ask for TLSv1.2_2021, but CloudFront applies a security policy only with a certificate of one's own; on the default *.cloudfront.net certificate it accepts TLS 1.0. Set MARKET40_WEB_DOMAIN and MARKET40_WEB_CERTIFICATE_ARN for the web app (README, Deploy); the API's distribution needs the same once the platform has a domain",
  },
  {
    id: "AwsSolutions-CFR1",
    stacks: ["WebStack"],
    reason:
      "No geo restriction: payment providers deliver callbacks from servers abroad and officials use the web app while travelling; per-address rate limits (WAF) and API keys are the controls",
  },
];
