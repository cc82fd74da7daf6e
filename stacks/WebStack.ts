import { webContentSecurityPolicy } from "@market40/web/securityPolicy";
import { Duration, Fn } from "aws-cdk-lib";
import { Certificate } from "aws-cdk-lib/aws-certificatemanager";
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from "aws-cdk-lib/aws-cloudfront";
import { HttpOrigin, S3BucketOrigin } from "aws-cdk-lib/aws-cloudfront-origins";
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from "aws-cdk-lib/aws-s3";
import { StringParameter } from "aws-cdk-lib/aws-ssm";
import { type StackContext, StaticSite, use } from "sst/constructs";
import { ApiStack } from "./ApiStack";
import { EdgeFirewall } from "./EdgeFirewall";
import { stageParameters, webUrlParameterName } from "./parameters";

/** Days CloudFront and S3 access logs are kept. */
export const EDGE_LOG_DAYS = 90;

/**
 * The edge: the web app as a static site (S3 + CloudFront, origin access control) and a CloudFront distribution in
 * front of the HTTP API, both behind one WAF web ACL (per-address rate limits, `EdgeFirewall`), both logging to one
 * encrypted log bucket. Providers and scripts are given the API distribution's URL. The web app calls the API on its
 * own address (`/api/*`, a behaviour of its distribution with the API as origin): a person's `SameSite=Strict`
 * session cookie is only ever sent there (docs/contract.md §19, docs/security.md).
 */
export function WebStack({ app, stack }: StackContext) {
  const { api, realtimeUrl } = use(ApiStack);
  const { webDomain } = stageParameters(stack.stage);
  const firewall = new EdgeFirewall(app, `${stack.stage}-${app.name}-EdgeFirewall`, {
    env: { account: app.account, region: "us-east-1" },
  });
  const webAclId = firewall.webAcl.attrArn;

  const logs = new Bucket(stack, "EdgeLogs", {
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    // CloudFront's standard logs are written with ACLs.
    objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
    lifecycleRules: [{ expiration: Duration.days(EDGE_LOG_DAYS) }],
  });

  // The API behind CloudFront: nothing cached, every method, every header but Host passed on, WAF in front.
  const apiDomain = Fn.select(2, Fn.split("/", api.url));
  const apiBehavior = {
    origin: new HttpOrigin(apiDomain, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
    allowedMethods: AllowedMethods.ALLOW_ALL,
    cachePolicy: CachePolicy.CACHING_DISABLED,
    originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
  };
  const apiEdge = new Distribution(stack, "ApiEdge", {
    comment: `${app.name} ${stack.stage} API`,
    defaultBehavior: apiBehavior,
    webAclId,
    enableLogging: true,
    logBucket: logs,
    logFilePrefix: "cloudfront/api/",
    minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
  });
  const apiUrl = `https://${apiEdge.distributionDomainName}`;

  // The payment speaker's WebSocket API (stacks/realtime.ts): the page opens its sockets there.
  const realtimeOrigin = `wss://${Fn.select(2, Fn.split("/", realtimeUrl))}`;
  // The same Content-Security-Policy the local server sends, allowing API calls to the API's own origin.
  const headers = new ResponseHeadersPolicy(stack, "WebHeaders", {
    securityHeadersBehavior: {
      contentSecurityPolicy: {
        contentSecurityPolicy: webContentSecurityPolicy(apiUrl, realtimeOrigin),
        override: true,
      },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      strictTransportSecurity: {
        accessControlMaxAge: Duration.days(365),
        includeSubdomains: true,
        override: true,
      },
    },
  });
  const bucket = new Bucket(stack, "WebBucket", {
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    serverAccessLogsBucket: logs,
    serverAccessLogsPrefix: "s3/web/",
  });
  const site = new StaticSite(stack, "Web", {
    path: "packages/web",
    // Its own output folder: synthesizing (in tests too) never rewrites the dist/ the local server serves.
    buildCommand: "npx vite build --outDir dist-site",
    buildOutput: "dist-site",
    // The API on the web app's own address (the `/api/*` behaviour below): same origin, so no CORS and the session
    // cookie goes with every call.
    environment: { VITE_API_URL: "" },
    errorPage: "redirect_to_index_page",
    customDomain: webDomain
      ? {
          domainName: webDomain.domainName,
          isExternalDomain: true,
          cdk: {
            certificate: Certificate.fromCertificateArn(stack, "WebCertificate", webDomain.certificateArn),
          },
        }
      : undefined,
    cdk: {
      bucket,
      distribution: {
        webAclId,
        enableLogging: true,
        logBucket: logs,
        logFilePrefix: "cloudfront/web/",
        minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
        defaultBehavior: {
          // Origin access control (SigV4-signed requests), not the legacy origin access identity.
          origin: S3BucketOrigin.withOriginAccessControl(bucket),
          responseHeadersPolicy: headers,
        },
        additionalBehaviors: { "/api/*": apiBehavior },
      },
    },
  });
  // The stage's web address for the API's invitation URLs (stacks/parameters.ts), when it has no domain of its own.
  if (!webDomain)
    new StringParameter(stack, "WebUrlParameter", {
      parameterName: webUrlParameterName(app.name, stack.stage),
      stringValue: `https://${site.cdk!.distribution.distributionDomainName}`,
      description: "market40: the web app's address, where invitation cards point (docs/contract.md §13)",
    });
  stack.addOutputs({ WebUrl: site.url, ApiEdgeUrl: apiUrl });
  return { site, apiEdge, apiUrl, firewall, logs };
}
