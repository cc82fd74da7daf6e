import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { SYSTEM } from "@market40/core/audit/audit";
import { systemClock } from "@market40/core/clock";
import type { AppConfig } from "@market40/core/config";
import * as Market from "@market40/core/market/market";
import * as Stall from "@market40/core/stall/stall";
import { createStore, type Store } from "@market40/core/store/client";
import { ensureTable } from "@market40/core/store/table";
import { type DynamoDbLocal, freePort, startDynamoDbLocal } from "@market40/devkit/dynamodbLocal";
import { DONG_VAN, TEST_PAYER_KEY, TEST_SECRETS } from "./harness";

/**
 * A DynamoDB Local on a data folder (not in memory: the crash tests kill it and start it again on the same files),
 * a table on it, Đồng Văn (daily sessions) and `stalls` Agribank stalls whose account numbers are
 * `${accountPrefix}${i}`. The store gives up fast (one attempt, 2 s), as a provider's request would.
 */
export interface CrashRig {
  ddb: DynamoDbLocal;
  port: number;
  config: AppConfig;
  store: Store;
  stallIds: string[];
  /** Every transaction stored for the rig's stalls (id and amount), read from the store itself. */
  stored(): Promise<{ id: string; amount: number }[]>;
}

export async function crashRig(
  dataDir: string,
  table: string,
  stalls: number,
  accountPrefix: string,
): Promise<CrashRig> {
  const port = await freePort();
  const ddb = await startDynamoDbLocal({ dataDir, port });
  const config: AppConfig = {
    tableName: table,
    endpoint: ddb.endpoint,
    secrets: TEST_SECRETS,
    payerKey: TEST_PAYER_KEY,
    stage: "test",
  };
  const store = createStore(config, {
    maxAttempts: 1,
    requestHandler: { requestTimeout: 2000, connectionTimeout: 1000 } as never,
  });
  await ensureTable(store, { stream: false });
  await Market.create(store, systemClock, { ...DONG_VAN, schedule: { kind: "daily" as const } });
  const registered = await Stall.registerMany(
    store,
    systemClock,
    SYSTEM,
    "dong-van",
    Array.from({ length: stalls }, (_, i) => ({
      code: `C-${i}`,
      vendorName: "C",
      bank: { bin: "970405", accountNumber: `${accountPrefix}${i}`, accountName: "C" },
    })),
  );
  const stallIds = registered.flatMap((r) => (r.ok ? [r.stall.id] : []));
  return {
    ddb,
    port,
    config,
    store,
    stallIds,
    async stored() {
      const out: { id: string; amount: number }[] = [];
      for (const stallId of stallIds) {
        let start: Record<string, unknown> | undefined;
        do {
          const res = await store.doc.send(
            new QueryCommand({
              TableName: table,
              IndexName: "gsi1",
              KeyConditionExpression: "gsi1pk = :pk",
              ExpressionAttributeValues: { ":pk": `STALL#${stallId}#TXNS` },
              ExclusiveStartKey: start,
            }),
          );
          out.push(...(res.Items ?? []).map((x) => ({ id: String(x.id), amount: Number(x.amount) })));
          start = res.LastEvaluatedKey;
        } while (start);
      }
      return out;
    },
  };
}
