import { Stack, type StackProps } from "aws-cdk-lib";
import { CfnWebACL } from "aws-cdk-lib/aws-wafv2";
import type { Construct } from "constructs";

/**
 * Per-address request limits that hold across Lambda containers, enforced by AWS WAF at CloudFront's edge, before a
 * request reaches API Gateway or a Lambda. A window of 5 minutes, counted per client IP (WAF's rate-based rules).
 * Sized in docs/security.md: far above what one person or one provider sends, low enough to stop one address
 * guessing keys or flooding.
 */
export const EDGE_RATE_LIMITS = {
  /** Any `/api/*` request except provider callbacks, per address per 5 minutes (5/s sustained). */
  api: 1500,
  /** `/api/callbacks/*` per address per 5 minutes (500/s): one provider's delivery IP at half the design point. */
  callbacks: 150_000,
} as const;

/** The window WAF counts requests in, in seconds. */
export const EDGE_RATE_WINDOW_SECONDS = 300;

/**
 * A CloudFront-scoped WAF web ACL. WAF requires CloudFront web ACLs to be created in us-east-1, and SST v2 puts
 * every `sst/constructs` stack in the app's region, so this is a plain CDK stack in us-east-1 whose ARN the
 * distributions in WebStack read through CDK's cross-region references.
 */
export class EdgeFirewall extends Stack {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, { ...props, crossRegionReferences: true });
    const visibility = (name: string) => ({
      cloudWatchMetricsEnabled: true,
      metricName: name,
      sampledRequestsEnabled: true,
    });
    const path = (prefix: string) => ({
      byteMatchStatement: {
        fieldToMatch: { uriPath: {} },
        positionalConstraint: "STARTS_WITH",
        searchString: prefix,
        textTransformations: [{ priority: 0, type: "NONE" }],
      },
    });
    this.webAcl = new CfnWebACL(this, "WebAcl", {
      scope: "CLOUDFRONT",
      defaultAction: { allow: {} },
      visibilityConfig: visibility("market40-edge"),
      rules: [
        {
          name: "PerAddressCallbacks",
          priority: 0,
          action: { block: { customResponse: { responseCode: 429 } } },
          visibilityConfig: visibility("market40-per-address-callbacks"),
          statement: {
            rateBasedStatement: {
              aggregateKeyType: "IP",
              limit: EDGE_RATE_LIMITS.callbacks,
              evaluationWindowSec: EDGE_RATE_WINDOW_SECONDS,
              scopeDownStatement: path("/api/callbacks/"),
            },
          },
        },
        {
          name: "PerAddressApi",
          priority: 1,
          action: { block: { customResponse: { responseCode: 429 } } },
          visibilityConfig: visibility("market40-per-address-api"),
          statement: {
            rateBasedStatement: {
              aggregateKeyType: "IP",
              limit: EDGE_RATE_LIMITS.api,
              evaluationWindowSec: EDGE_RATE_WINDOW_SECONDS,
              scopeDownStatement: {
                andStatement: {
                  statements: [path("/api/"), { notStatement: { statement: path("/api/callbacks/") } }],
                },
              },
            },
          },
        },
      ],
    });
  }
}
