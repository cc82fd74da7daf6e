import { systemClock } from "@market40/core/clock";
import type { AppConfig } from "@market40/core/config";
import { createStore } from "@market40/core/store/client";
import { Config } from "sst/node/config";
import { Table } from "sst/node/table";
import type { Deps } from "../api/context";
import { logger } from "../log";

/** Lambda's dependencies, built once per container from SST's bound table and secrets. */
function fromSst(): Deps {
  const secret = Config as unknown as Record<string, string | undefined>;
  const table = (Table as unknown as Record<string, { tableName: string }>).Table!;
  const config: AppConfig = {
    tableName: table.tableName,
    stage: process.env.SST_STAGE ?? "aws",
    secrets: {
      generic: secret.GENERIC_WEBHOOK_SECRET ?? "",
      payos: secret.PAYOS_CHECKSUM_KEY ?? "",
      sepay: secret.SEPAY_API_KEY ?? "",
      casso: secret.CASSO_WEBHOOK_SECRET ?? "",
    },
    adminToken: secret.ADMIN_TOKEN || undefined,
    payerKey: secret.PAYER_HASH_KEY ?? "",
  };
  // Fail the cold start loudly rather than store payer references under an empty key.
  if (!config.payerKey)
    throw new Error("PAYER_HASH_KEY is not set: npx sst secrets set PAYER_HASH_KEY $(openssl rand -hex 32)");
  return { store: createStore(config), clock: systemClock, config, logger };
}

export const deps = fromSst();
