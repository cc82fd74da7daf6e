/**
 * The app's typed configuration. Built once per process — from env and `$DATA_DIR` locally
 * (`packages/functions/src/local/config.ts`), from SST `Config` in Lambda — and passed down;
 * nothing else in core reads `process.env`.
 */
export type Provider = keyof ProviderSecrets;

export interface ProviderSecrets {
  /** The platform's own scheme; several comma-separated values are all accepted (rotation). */
  generic: string;
  payos: string;
  sepay: string;
  casso: string;
}

export interface AppConfig {
  tableName: string;
  /** DynamoDB endpoint override (DynamoDB Local); absent in AWS. */
  endpoint?: string;
  secrets: ProviderSecrets;
  /** The HMAC key for stored payer references (see `payerHash`). Secret; changing it restarts payer counting. */
  payerKey: string;
  /** When set, an admin key with exactly this token is ensured at start-up. */
  adminToken?: string;
  /** Where the poster fonts are when not in node_modules (a Lambda bundle's `fonts/`). */
  fontDir?: string;
  /** Where the app runs, for logs. */
  stage: string;
  /** Per minute: failed sign-ins from one address, and requests on one key. Defaults 30 and 1,200. */
  rateLimits?: { failedAuthPerIp: number; requestsPerKey: number };
}
