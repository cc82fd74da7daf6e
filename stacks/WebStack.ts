import { type StackContext, StaticSite, use } from "sst/constructs";
import { ApiStack } from "./ApiStack";

/** The web app as a static site (S3 + CloudFront); it talks to the API by its URL. */
export function WebStack({ stack }: StackContext) {
  const { api } = use(ApiStack);
  const site = new StaticSite(stack, "Web", {
    path: "packages/web",
    buildCommand: "npx vite build",
    buildOutput: "dist",
    environment: { VITE_API_URL: api.url },
    errorPage: "redirect_to_index_page",
  });
  stack.addOutputs({ WebUrl: site.url });
  return { site };
}
