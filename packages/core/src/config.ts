/**
 * The app's typed configuration. Built once per process by one reader per runtime — `npm start`'s
 * (`packages/functions/src/local/config.ts`, from the environment and `$DATA_DIR`) and Lambda's
 * (`packages/functions/src/lambda/config.ts`, from SST `Config`) — and passed down; nothing else reads
 * `process.env` (a test checks).
 */
export type Provider = keyof ProviderSecrets;

export interface ProviderSecrets {
  /** The platform's own scheme; several comma-separated values are all accepted (rotation). */
  generic: string;
  payos: string;
  sepay: string;
  casso: string;
}

/**
 * Each provider's secret and the name it has in the environment (`npm start`) and among SST secrets (AWS).
 * Adding a provider's secret is one entry here, read by both runtimes and declared by `stacks/ApiStack.ts`.
 */
export const PROVIDER_SECRET_NAMES: Record<keyof ProviderSecrets, string> = {
  generic: "GENERIC_WEBHOOK_SECRET",
  payos: "PAYOS_CHECKSUM_KEY",
  sepay: "SEPAY_API_KEY",
  casso: "CASSO_WEBHOOK_SECRET",
};

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
  /** The HMAC key for stored payer references (see `payerHash`). Secret; changing it restarts payer counting. */
  payerKey: string;
  /** When set, an admin key with exactly this token is ensured at start-up. */
  adminToken?: string;
  /** Where the poster fonts are when not in node_modules (a Lambda bundle's `fonts/`). */
  fontDir?: string;
  /** Where the app runs, for logs. */
  stage: string;
  logLevel?: LogLevel;
  /** Per minute: failed sign-ins from one address, and requests on one key. Defaults 30 and 1,200. */
  rateLimits?: { failedAuthPerIp: number; requestsPerKey: number };
}

/** A log level from its name in any case; anything else is `fallback`. */
export function logLevelOf(value: string | undefined, fallback: LogLevel): LogLevel {
  const upper = value?.toUpperCase();
  return (LOG_LEVELS as readonly string[]).includes(upper ?? "") ? (upper as LogLevel) : fallback;
}
