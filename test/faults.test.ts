import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import * as ApiKeys from "@market40/core/auth/keys";
import { systemClock } from "@market40/core/clock";
import type { AppConfig } from "@market40/core/config";
import * as Market from "@market40/core/market/market";
import * as Rollups from "@market40/core/rollup/rollups";
import * as Stall from "@market40/core/stall/stall";
import { createStore } from "@market40/core/store/client";
import { ensureTable } from "@market40/core/store/table";
import { afterAll, describe, expect, it } from "vitest";
import { createApp } from "../packages/functions/src/api/app";
import {
  type DynamoDbLocal,
  freePort,
  startDynamoDbLocal,
} from "../packages/functions/src/local/dynamodbLocal";
import { ProviderClients } from "../packages/functions/src/local/providerClients";
import { DONG_VAN, TEST_PAYER_KEY, TEST_SECRETS } from "./support/harness";

/**
 * DynamoDB goes away in the middle of a stream of callbacks and comes back. Providers retry whatever was not
 * answered 200. Afterwards every acknowledged callback is stored exactly once and the rollups equal a recount.
 */
const dataDir = mkdtempSync(join(tmpdir(), "m40-faults-"));
let ddb: DynamoDbLocal | undefined;
afterAll(async () => {
  await ddb?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("store outage during a callback stream", () => {
  it("answers 503 while down, loses nothing acknowledged, counts nothing twice after retries", async () => {
    const port = await freePort();
    ddb = await startDynamoDbLocal({ dataDir, port });
    const config: AppConfig = {
      tableName: "faults",
      endpoint: ddb.endpoint,
      secrets: TEST_SECRETS,
      payerKey: TEST_PAYER_KEY,
      stage: "test",
    };
    const store = createStore(config, {
      maxAttempts: 1,
      requestHandler: { requestTimeout: 2000, connectionTimeout: 1000 } as never,
    });
    await ensureTable(store);
    await Market.create(store, systemClock, { ...DONG_VAN, schedule: { kind: "daily" as const } });
    const stalls = await Stall.registerMany(
      store,
      systemClock,
      "dong-van",
      Array.from({ length: 10 }, (_, i) => ({
        code: `F-${i}`,
        vendorName: "F",
        bank: { bin: "970405", accountNumber: `${4400 + i}`, accountName: "F" },
      })),
    );
    await ApiKeys.create(store, systemClock, { role: "admin" });
    const quiet = { info() {}, warn() {}, error() {}, debug() {} };
    const app = createApp({ store, clock: systemClock, config, logger: quiet });

    const payments = Array.from({ length: 120 }, (_, i) => ({
      id: `FAULT-${i}`,
      bin: "970405",
      accountNumber: `${4400 + (i % 10)}`,
      bankShortName: "Agribank",
      amount: 1000 * (1 + (i % 7)),
      paidAt: new Date(),
      description: "f",
    }));
    const statuses = new Map<string, number[]>();
    const deliver = async (i: number) => {
      const now = new Date();
      const req = ProviderClients.generic(payments[i]!, TEST_SECRETS, now);
      const res = await app.request("/api/callbacks/generic", {
        method: "POST",
        body: req.body,
        headers: req.headers,
      });
      statuses.set(payments[i]!.id, [...(statuses.get(payments[i]!.id) ?? []), res.status]);
      return res.status;
    };

    // First 40 while up; then the store dies; 40 more are refused; it comes back; everyone retries.
    for (let i = 0; i < 40; i++) expect(await deliver(i)).toBe(200);
    await ddb.stop();
    const whileDown = [];
    for (let i = 40; i < 80; i++) whileDown.push(await deliver(i));
    expect(whileDown.every((s) => s === 503)).toBe(true);
    ddb = await startDynamoDbLocal({ dataDir, port });
    for (let attempt = 0; attempt < 3; attempt++) {
      for (let i = 0; i < 120; i++) {
        const seen = statuses.get(payments[i]!.id) ?? [];
        if (!seen.includes(200) || attempt === 0) await deliver(i); // providers also redeliver some acknowledged ones
      }
    }
    for (const p of payments) expect(statuses.get(p.id)).toContain(200);

    // Every payment stored once; rollups equal a recount of the records.
    let total = 0;
    let value = 0;
    for (const s of stalls) {
      if (!s.ok) continue;
      const res = await store.doc.send(
        new QueryCommand({
          TableName: "faults",
          IndexName: "gsi1",
          KeyConditionExpression: "gsi1pk = :pk",
          ExpressionAttributeValues: { ":pk": `STALL#${s.stall.id}#TXNS` },
        }),
      );
      total += res.Items!.length;
      value += res.Items!.reduce((sum, x) => sum + Number(x.amount), 0);
    }
    expect(total).toBe(120);
    expect(value).toBe(payments.reduce((s, p) => s + p.amount, 0));
    const days = await Rollups.marketDays(store, "dong-van", "2000-01-01", "2100-01-01");
    const counted = [...days.values()].reduce(
      (s, d) => ({ count: s.count + d.count, value: s.value + d.value }),
      { count: 0, value: 0 },
    );
    expect(counted).toEqual({ count: 120, value });
  }, 120_000);
});
