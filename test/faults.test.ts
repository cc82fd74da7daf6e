import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ApiKeys from "@market40/core/auth/keys";
import { systemClock } from "@market40/core/clock";
import * as Rollups from "@market40/core/rollup/rollups";
import { openWriteJournal, replayWrites } from "@market40/core/store/writeJournal";
import { type DynamoDbLocal, startDynamoDbLocal } from "@market40/devkit/dynamodbLocal";
import { ProviderClients } from "@market40/devkit/providerClients";
import { createApp } from "@market40/functions/api/app";
import { silentLogger } from "@market40/functions/log";
import { afterAll, describe, expect, it } from "vitest";
import { crashRig } from "./support/crashRig";
import { TEST_SECRETS } from "./support/harness";

/**
 * DynamoDB goes away in the middle of a stream of callbacks (8 in flight) and comes back on the same data. Providers
 * retry whatever was not answered 200, and redeliver some that were. Afterwards every payment is stored exactly
 * once and the rollups equal a recount.
 */
const dataDir = mkdtempSync(join(tmpdir(), "m40-faults-"));
let ddb: DynamoDbLocal | undefined;
let tables = 0;
let TABLE = "faults";
afterAll(async () => {
  await ddb?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function outage(how: "stop" | "crash") {
  TABLE = `faults${++tables}`;
  await ddb?.stop();
  const rig = await crashRig(dataDir, TABLE, 10, "44");
  ddb = rig.ddb;
  const { config, store: raw, port } = rig;
  await ApiKeys.create(raw, systemClock, { role: "admin" });
  // As `npm start` runs it: every write journalled (fsync'ed) before it is sent (core/store/writeJournal.ts).
  const journalFile = join(dataDir, `${TABLE}.journal`);
  let journal = openWriteJournal(journalFile);
  let store = journal.wrap(raw);
  let app = createApp({ store, clock: systemClock, config, logger: silentLogger });

  const N = 200;
  const payments = Array.from({ length: N }, (_, i) => ({
    id: `FAULT-${i}`,
    bin: "970405",
    accountNumber: `44${i % 10}`,
    bankShortName: "Agribank",
    amount: 1000 * (1 + (i % 7)),
    paidAt: new Date(),
    description: "f",
  }));
  const statuses = new Map<string, number[]>();
  const replies = new Map<string, string[]>();
  const deliver = async (i: number) => {
    const now = new Date();
    const req = ProviderClients.generic(payments[i]!, TEST_SECRETS, now);
    const res = await app.request("/api/callbacks/generic", {
      method: "POST",
      body: req.body,
      headers: req.headers,
    });
    const id = payments[i]!.id;
    statuses.set(id, [...(statuses.get(id) ?? []), res.status]);
    const body = (await res.json()) as { status?: string };
    replies.set(id, [...(replies.get(id) ?? []), body.status ?? "error"]);
    return res.status;
  };

  // A stream 8 in flight; after 60 answers DynamoDB Local is killed (SIGKILL, requests in flight) and the stream
  // goes on against the dead store; then it comes back on the same data and every provider retries.
  let next = 0;
  let answered = 0;
  let killed: Promise<unknown> | undefined;
  const running = ddb;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < N) {
        const i = next++;
        await deliver(i);
        if (++answered === 60) killed = how === "crash" ? running.kill() : running.stop();
      }
    }),
  );
  await killed;
  const answers = [...statuses.values()].map((s) => s[0]);
  expect(answers.filter((s) => s === 200).length).toBeGreaterThanOrEqual(60);
  expect(answers.filter((s) => s === 503).length).toBeGreaterThan(50);
  expect(answers.every((s) => s === 200 || s === 503)).toBe(true);
  const acknowledgedBefore = payments.filter((p) => statuses.get(p.id)![0] === 200).map((p) => p.id);
  const repliesBefore = new Map([...replies].map(([id, r]) => [id, r.length]));

  ddb = await startDynamoDbLocal({ dataDir, port });
  // What `npm start` does on start: the journal replayed (each write once), then a journal reopened for new writes.
  await journal.close();
  expect((await replayWrites(raw, journalFile)).lostAcknowledged).toEqual([]);
  journal = openWriteJournal(journalFile);
  store = journal.wrap(raw);
  app = createApp({ store, clock: systemClock, config, logger: silentLogger });
  for (let attempt = 0; attempt < 3; attempt++) {
    for (let i = 0; i < N; i++) {
      const seen = statuses.get(payments[i]!.id) ?? [];
      if (!seen.includes(200) || attempt === 0) await deliver(i); // providers also redeliver acknowledged ones
    }
  }
  for (const p of payments) expect(statuses.get(p.id)).toContain(200);
  // What was acknowledged before the crash survived it: after the restart it is only ever a duplicate.
  // An acknowledged payment the store kept is only ever a duplicate after the restart; one it lost comes back
  // as new — which only the crash may cause (see below).
  const lost = acknowledgedBefore.filter(
    (id) => replies.get(id)!.slice(repliesBefore.get(id))[0] !== "duplicate",
  );

  // Every payment stored once; rollups equal a recount of the records.
  const stored = await rig.stored();
  const total = stored.length;
  const value = stored.reduce((sum, t) => sum + t.amount, 0);
  expect(total).toBe(N);
  expect(value).toBe(payments.reduce((s, p) => s + p.amount, 0));
  const days = await Rollups.marketDays(store, "dong-van", "2000-01-01", "2100-01-01");
  const counted = [...days.values()].reduce(
    (s, d) => ({ count: s.count + d.count, value: s.value + d.value }),
    { count: 0, value: 0 },
  );
  expect(counted).toEqual({ count: N, value });
  await journal.close();
  return { lost, acknowledgedBefore };
}

describe("store outage during a callback stream", () => {
  it("stopped: answers 503 while down, loses nothing acknowledged, counts nothing twice after retries", async () => {
    const { lost, acknowledgedBefore } = await outage("stop");
    expect(acknowledgedBefore.length).toBeGreaterThanOrEqual(60);
    expect(lost).toEqual([]);
  }, 120_000);

  it("killed (SIGKILL): the same — nothing acknowledged is lost", async () => {
    // DynamoDB Local is not crash-durable: it can acknowledge a write and lose it if the JVM dies within
    // milliseconds (seen in 3 runs of 8 before the journal). The local runtime's journal (local/journal.ts) holds
    // every acknowledged callback and the restart ingests it again, so the loss is zero.
    const { lost, acknowledgedBefore } = await outage("crash");
    expect(acknowledgedBefore.length).toBeGreaterThanOrEqual(60);
    expect(lost).toEqual([]);
  }, 120_000);
});
