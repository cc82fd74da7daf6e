import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { newToken } from "@market40/core/auth/keys";
import {
  type AppConfig,
  type LogLevel,
  logLevelOf,
  PLATFORM_SECRET_NAMES,
  PROVIDER_API_SECRET_NAMES,
  PROVIDER_SECRET_NAMES,
  type ProviderSecrets,
  type PulledProvider,
} from "@market40/core/config";

/**
 * `npm start`'s configuration reader: the one place the local runtime reads the environment (docs/contract.md §1).
 */
export interface LocalSettings {
  port: number;
  dataDir: string;
  seed: boolean;
  simulate: boolean;
  dynamodbPort: number;
  host: string;
  logLevel: LogLevel;
  /** `PUBLIC_URL`: where phones reach this server (invitation cards, §13); unset: `http://<HOST>:<PORT>`. */
  publicUrl?: string;
}

/** A public address is an http(s) origin, optionally with a path; never read from a request. */
function publicUrl(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new Error(`PUBLIC_URL must be an http(s) address, e.g. http://192.168.1.20:3000, got '${value}'`);
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.search || url.hash || url.username)
    throw new Error(`PUBLIC_URL must be an http(s) address without query or credentials, got '${value}'`);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === "") return fallback;
  return !["0", "false", "no", "off"].includes(value.toLowerCase());
}

function port(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`${name} must be a port number, got '${value}'`);
  return n;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): LocalSettings {
  return {
    port: port(env.PORT, 3000, "PORT"),
    dataDir: env.DATA_DIR || ".data",
    seed: flag(env.SEED, true),
    simulate: flag(env.SIMULATE, true),
    dynamodbPort: port(env.DYNAMODB_PORT, 0, "DYNAMODB_PORT"),
    host: env.HOST || "127.0.0.1",
    logLevel: logLevelOf(env.LOG_LEVEL, env.NODE_ENV === "test" ? "SILENT" : "INFO"),
    publicUrl: publicUrl(env.PUBLIC_URL),
  };
}

interface StoredSecrets extends ProviderSecrets {
  adminToken: string;
  payerKey: string;
}

const ENV_NAMES = PROVIDER_SECRET_NAMES;

/**
 * Secrets: from the environment when set, else generated once and kept in `$DATA_DIR/secrets.json`
 * (mode 0600) so a restart keeps the same keys. `generated` lists what was made now, to print once.
 */
export function loadSecrets(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): {
  config: Pick<AppConfig, "secrets" | "adminToken" | "payerKey" | "apiKeys" | "apiBaseUrls">;
  generated: string[];
  file: string;
} {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, "secrets.json");
  const stored: Partial<StoredSecrets> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  const generated: string[] = [];
  const make = (name: keyof StoredSecrets, value: () => string) => {
    if (!stored[name]) {
      stored[name] = value();
      generated.push(name);
    }
  };
  make("adminToken", newToken);
  make("payerKey", () => randomBytes(32).toString("hex"));
  // Every provider secret in core's table; the format is ours (providers issue their own in production).
  const fields = Object.keys(ENV_NAMES) as (keyof ProviderSecrets)[];
  for (const field of fields) make(field, () => randomBytes(32).toString("hex"));
  if (generated.length > 0) {
    writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  const secrets = Object.fromEntries(
    fields.map((field) => [field, env[ENV_NAMES[field]] || stored[field]!]),
  ) as ProviderSecrets;
  return {
    config: {
      secrets,
      ...providerApis(env),
      adminToken: env[PLATFORM_SECRET_NAMES.adminToken] || stored.adminToken!,
      payerKey: env[PLATFORM_SECRET_NAMES.payerKey] || stored.payerKey!,
    },
    // What to print once: the admin token and provider secrets (never the payer key: nobody outside needs it).
    generated: generated.filter((g) =>
      g === "adminToken"
        ? !env[PLATFORM_SECRET_NAMES.adminToken]
        : g !== "payerKey" && !env[ENV_NAMES[g as keyof ProviderSecrets]],
    ),
    file,
  };
}

/**
 * The pull sync's provider API keys (`SEPAY_API_TOKEN`, …) and, to point a provider at the devkit stand-in, its
 * API's address (`SEPAY_API_URL`, …): from the environment only. Providers issue the keys, so none is generated;
 * an unset one leaves that provider unpulled.
 */
export function providerApis(
  env: NodeJS.ProcessEnv = process.env,
): Pick<AppConfig, "apiKeys" | "apiBaseUrls"> {
  const providers = Object.keys(PROVIDER_API_SECRET_NAMES) as PulledProvider[];
  const apiKeys = Object.fromEntries(
    providers.map((p) => [p, env[PROVIDER_API_SECRET_NAMES[p]]?.trim() ?? ""]),
  );
  const apiBaseUrls: Partial<Record<PulledProvider, string>> = {};
  for (const p of providers) {
    const value = env[`${p.toUpperCase()}_API_URL`]?.trim();
    if (!value) continue;
    if (!/^https?:\/\/[^\s/]+/.test(value))
      throw new Error(`${p.toUpperCase()}_API_URL must be an http(s) address, got '${value}'`);
    apiBaseUrls[p] = value.replace(/\/+$/, "");
  }
  return { apiKeys, apiBaseUrls };
}

export { ENV_NAMES };
