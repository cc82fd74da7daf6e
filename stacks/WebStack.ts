import { webContentSecurityPolicy } from "@market40/web/securityPolicy";
import { Duration, Fn } from "aws-cdk-lib";
import { HeadersFrameOption, HeadersReferrerPolicy, ResponseHeadersPolicy } from "aws-cdk-lib/aws-cloudfront";
import { type StackContext, StaticSite, use } from "sst/constructs";
import { ApiStack } from "./ApiStack";

/** The web app as a static site (S3 + CloudFront); it talks to the API by its URL. */
export function WebStack({ stack }: StackContext) {
  const { api } = use(ApiStack);
  // The same Content-Security-Policy the local server sends, allowing API calls to the API's own origin.
  const apiOrigin = Fn.join("", ["https://", Fn.select(2, Fn.split("/", api.url))]);
  const headers = new ResponseHeadersPolicy(stack, "WebHeaders", {
    securityHeadersBehavior: {
      contentSecurityPolicy: { contentSecurityPolicy: webContentSecurityPolicy(apiOrigin), override: true },
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
  const site = new StaticSite(stack, "Web", {
    path: "packages/web",
    // Its own output folder: synthesizing (in tests too) never rewrites the dist/ the local server serves.
    buildCommand: "npx vite build --outDir dist-site",
    buildOutput: "dist-site",
    environment: { VITE_API_URL: api.url },
    errorPage: "redirect_to_index_page",
    cdk: { distribution: { defaultBehavior: { responseHeadersPolicy: headers } } },
  });
  stack.addOutputs({ WebUrl: site.url });
  return { site };
}
