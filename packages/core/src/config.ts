/**
 * The app's typed configuration. Built once per process by one reader per runtime — `npm start`'s
 * (`packages/functions/src/local/config.ts`, from the environment and `$DATA_DIR`) and Lambda's
 * (`packages/functions/src/lambda/config.ts`, from SST `Config`) — and passed down; nothing else reads
 * `process.env` (a test checks).
 */
export type { Provider } from "./callback/types";

/**
 * Every provider secret, the one table of them: its field in `ProviderSecrets` (what the adapters in
 * `callback/providers/` read) and its name in the environment (`npm start`) and among SST secrets (AWS). Both
 * configuration readers iterate it, `npm start` generates and prints any that is missing, and `stacks/ApiStack.ts`
 * declares every name. Adding a secret is an entry here, the adapter that reads it and its tests. Each value may be
 * a comma-separated list, all accepted (rotation); an empty value accepts nothing.
 */
export const PROVIDER_SECRET_NAMES = {
  /** The platform's own scheme (`X-Signature`). */
  generic: "GENERIC_WEBHOOK_SECRET",
  /** payOS's checksum key (the body's `signature`). */
  payos: "PAYOS_CHECKSUM_KEY",
  /** SePay's API-key mode (`Authorization: Apikey …`). */
  sepay: "SEPAY_API_KEY",
  /** SePay's HMAC-SHA256 mode (`X-SePay-Signature`). */
  sepayWebhookSecret: "SEPAY_WEBHOOK_SECRET",
  /** Casso webhook v2 (`X-Casso-Signature`). */
  casso: "CASSO_WEBHOOK_SECRET",
  /** Casso's legacy webhooks (`secure-token`). */
  cassoSecureToken: "CASSO_SECURE_TOKEN",
} as const;

export type ProviderSecrets = Record<keyof typeof PROVIDER_SECRET_NAMES, string>;

/**
 * Provider API credentials for the pull sync (docs/contract.md §16), the one table of them: each provider's key to
 * its transaction API, by its name in the environment (`npm start`) and among SST secrets (AWS, bound only to the
 * sync function: stacks/access.ts). Issued by the provider, so never generated: a provider whose key is unset or
 * empty is simply not pulled (the sync says so once in its log).
 */
export const PROVIDER_API_SECRET_NAMES = {
  /** SePay's API token (`Authorization: Bearer …`, https://developer.sepay.vn/en/sepay-api/v2/xac-thuc). */
  sepay: "SEPAY_API_TOKEN",
  /** Casso's API key (`Authorization: Apikey …`, https://developer.casso.vn/casso-api/chung-thuc/tao-api-key-thu-cong). */
  casso: "CASSO_API_KEY",
} as const;

export type PulledProvider = keyof typeof PROVIDER_API_SECRET_NAMES;
export type ProviderApiKeys = Partial<Record<PulledProvider, string>>;

/** The platform's own secrets, by the same names. */
export const PLATFORM_SECRET_NAMES = {
  adminToken: "ADMIN_TOKEN",
  payerKey: "PAYER_HASH_KEY",
} as const;

export const LOG_LEVELS = ["DEBUG", "INFO", "WARN", "ERROR", "SILENT"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface AppConfig {
  tableName: string;
  /** DynamoDB endpoint override (DynamoDB Local); absent in AWS. */
  endpoint?: string;
  /** The AWS region of the table (Lambda's own); locally irrelevant. */
  region?: string;
  secrets: ProviderSecrets;
  /** Provider API keys for the pull sync; a provider absent or empty here is not pulled. */
  apiKeys?: ProviderApiKeys;
  /** Where each provider's API is, when not its public address (locally: the devkit stand-in). */
  apiBaseUrls?: Partial<Record<PulledProvider, string>>;
  /** The HMAC key for stored payer references (see `payerHash`). Secret; changing it restarts payer counting. */
  payerKey: string;
  /** When set, an admin key with exactly this token is ensured at start-up. */
  adminToken?: string;
  /** Where the poster fonts are when not in node_modules (a Lambda bundle's `fonts/`). */
  fontDir?: string;
  /**
   * The web app's public address (`https://…`): invitation and card URLs point there (§13), and locally the realtime
   * socket URL too. Configuration only — `PUBLIC_URL` on `npm start` (default `http://<HOST>:<PORT>`), the stage's
   * web address in AWS — never a request header (`Host`, `Origin`, `X-Forwarded-Host` are the caller's to forge).
   * Unset, nothing that needs it is answered (503).
   */
  publicUrl?: string;
  /** Where the app runs, for logs. */
  stage: string;
  logLevel?: LogLevel;
  /** Per minute: failed sign-ins from one address, and requests on one key. Defaults 30 and 1,200. */
  rateLimits?: { failedAuthPerIp: number; requestsPerKey: number };
  /**
   * The WebSocket URL realtime tickets point at (API Gateway's `wss://…` in AWS). Absent: the server that answered
   * the ticket request serves the socket itself, at `/api/realtime/socket` (the local server).
   */
  realtimeUrl?: string;
  /** API Gateway's management endpoint for that WebSocket API (`https://…/<stage>`), where payments are posted. */
  realtimeEndpoint?: string;
}

/** A log level from its name in any case; anything else is `fallback`. */
export function logLevelOf(value: string | undefined, fallback: LogLevel): LogLevel {
  const upper = value?.toUpperCase();
  return (LOG_LEVELS as readonly string[]).includes(upper ?? "") ? (upper as LogLevel) : fallback;
}
