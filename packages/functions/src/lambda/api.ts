import * as ApiKeys from "@market40/core/auth/keys";
import { handle } from "hono/aws-lambda";
import { createApp } from "../api/app";
import { deps, resolvePublicUrl } from "./config";

const app = createApp(deps);
const lambdaHandler = handle(app);
let adminEnsured: Promise<unknown> | undefined;

/** API Gateway → Hono. The configured ADMIN_TOKEN's key is ensured, and the public address read, once per container. */
export const handler: ReturnType<typeof handle> = async (event, context) => {
  if (deps.config.adminToken && !adminEnsured)
    adminEnsured = ApiKeys.ensure(deps.store, deps.clock, deps.config.adminToken, {
      role: "admin",
      label: "ADMIN_TOKEN",
    }).catch(() => (adminEnsured = undefined));
  await Promise.all([adminEnsured, resolvePublicUrl(deps.config)]);
  return lambdaHandler(event, context);
};
