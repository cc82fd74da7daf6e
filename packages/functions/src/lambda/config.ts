import { systemClock } from "@market40/core/clock";
import {
  type AppConfig,
  logLevelOf,
  PLATFORM_SECRET_NAMES,
  PROVIDER_API_SECRET_NAMES,
  PROVIDER_SECRET_NAMES,
  type ProviderSecrets,
} from "@market40/core/config";
import { createStore } from "@market40/core/store/client";
import type { Deps } from "../api/context";
import { createLogger } from "../log";
import { type Bindings, readBindings } from "./bindings";

/**
 * Lambda's configuration reader: the one place a function reads its environment — SST's bound table and
 * secrets, and what the Lambda runtime sets. Built once per container.
 */
export function readLambdaConfig(bindings: Bindings, env: NodeJS.ProcessEnv = process.env): AppConfig {
  // Each function is bound only to the secrets it needs (stacks/access.ts); SST's `Config` throws on a secret not
  // bound to the function, so an unbound one reads as unset.
  const secret = (name: string) => bindings.Secret?.[name]?.value;
  const tableName = bindings.Table?.Table?.tableName;
  if (!tableName)
    throw new Error("No table is bound to this function (stacks/access.ts binds `Table` to each)");
  const secrets = Object.fromEntries(
    Object.entries(PROVIDER_SECRET_NAMES).map(([field, name]) => [field, secret(name) ?? ""]),
  ) as ProviderSecrets;
  const config: AppConfig = {
    tableName,
    region: env.AWS_REGION,
    stage: env.SST_STAGE ?? "aws",
    logLevel: logLevelOf(env.LOG_LEVEL, "INFO"),
    secrets,
    // Bound to the sync function only: elsewhere each reads as unset.
    apiKeys: Object.fromEntries(
      Object.entries(PROVIDER_API_SECRET_NAMES).map(([provider, name]) => [provider, secret(name) ?? ""]),
    ),
    adminToken: secret(PLATFORM_SECRET_NAMES.adminToken) || undefined,
    payerKey: secret(PLATFORM_SECRET_NAMES.payerKey) ?? "",
    // Poster fonts are copied beside the bundle (stacks/ApiStack.ts).
    fontDir: env.LAMBDA_TASK_ROOT ? `${env.LAMBDA_TASK_ROOT}/fonts` : undefined,
    // The web app's own domain when the stage has one (stacks/ApiStack.ts); else the stage's CloudFront address,
    // read once from the parameter WebStack writes (`resolvePublicUrl`). Never a request header.
    publicUrl: env.WEB_URL || undefined,
    // The WebSocket API (stacks/realtime.ts): tickets point at its URL; callbacks post through its endpoint.
    realtimeUrl: env.REALTIME_URL || undefined,
    realtimeEndpoint: env.REALTIME_ENDPOINT || undefined,
  };
  // Fail the cold start loudly rather than store payer references under an empty key.
  if (!config.payerKey)
    throw new Error("PAYER_HASH_KEY is not set: npx sst secrets set PAYER_HASH_KEY $(openssl rand -hex 32)");
  return config;
}

/**
 * Fills in `config.publicUrl` from the SSM parameter WebStack writes (`WEB_URL_PARAMETER`: the stage's CloudFront
 * address, which the API stack cannot reference without a cycle), once per container. A failed read leaves it unset
 * (routes that need it answer 503) and is retried on the next request.
 */
let publicUrlRead: Promise<void> | undefined;
export function resolvePublicUrl(config: AppConfig, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const name = env.WEB_URL_PARAMETER;
  if (config.publicUrl || !name) return Promise.resolve();
  publicUrlRead ??= import("@aws-sdk/client-ssm")
    .then(async ({ SSMClient, GetParameterCommand }) => {
      const res = await new SSMClient({ maxAttempts: 2 }).send(new GetParameterCommand({ Name: name }));
      const value = res.Parameter?.Value;
      if (value && /^https:\/\/[^/]+\/?$/.test(value)) config.publicUrl = value.replace(/\/+$/, "");
    })
    .catch(() => {
      publicUrlRead = undefined;
    });
  return publicUrlRead;
}

const bindings = await readBindings(process.env);

function fromSst(): Deps {
  const config = readLambdaConfig(bindings);
  return {
    store: createStore(config),
    clock: systemClock,
    config,
    logger: createLogger(config.logLevel ?? "INFO"),
  };
}

export const deps = fromSst();

/** The evaluation queue's URL, bound by SST to the daily cron function only (stacks/JobsStack.ts). */
export function evaluationQueueUrl(): string {
  const url = bindings.Queue?.EvaluationQueue?.queueUrl;
  if (!url) throw new Error("EvaluationQueue is not bound to this function");
  return url;
}
