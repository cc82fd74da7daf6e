import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "@market40/core/clock";
import { openWriteJournal, replayWrites, WRITE_JOURNAL_FILE } from "@market40/core/store/writeJournal";
import { type DynamoDbLocal, startDynamoDbLocal } from "@market40/devkit/dynamodbLocal";
import { ProviderClients } from "@market40/devkit/providerClients";
import { createApp } from "@market40/functions/api/app";
import { silentLogger } from "@market40/functions/log";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { crashRig } from "./support/crashRig";
import { TEST_SECRETS } from "./support/harness";

/**
 * Local durability (docs/contract.md §12): DynamoDB Local is killed with SIGKILL at a random moment while a few
 * callbacks are in flight, and the server with it (its unanswered requests dropped, its write journal reopened as a
 * new process would); after the restart the journal is replayed and providers retry what was not answered 200. Over many
 * runs, every payment answered 200 is stored, and every payment exactly once. `npm run durability` runs 200.
 */
const RUNS = Number(process.env.DURABILITY_RUNS ?? 30);
/** Payment `i` of a run, to one of the rig's three stalls; the same on its first delivery and on every retry. */
const paymentOf = (id: string, i: number) => ({
  id,
  bin: "970405",
  accountNumber: `5500${i % 3}`,
  bankShortName: "Agribank",
  amount: 1000 * (1 + (i % 5)),
  paidAt: new Date(),
  description: "durable",
});
const dataDir = mkdtempSync(join(tmpdir(), "m40-durable-"));
let ddb: DynamoDbLocal | undefined;
afterAll(async () => {
  await ddb?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("kill -9 at any moment", () => {
  it(`loses no acknowledged callback and stores each once (${RUNS} random kills)`, async () => {
    const rig = await crashRig(dataDir, "durable", 3, "5500");
    ddb = rig.ddb;
    const { config, store: raw, port } = rig;
    const journalFile = join(dataDir, WRITE_JOURNAL_FILE);
    const everyPayment: string[] = [];
    const acknowledged = new Set<string>();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 80 }),
        fc.integer({ min: 1, max: 8 }),
        fc.boolean(),
        async (killAfterMs, inFlight, alsoDropAnswers) => {
          run++;
          // As `npm start` runs it: every write journalled (fsync'ed) before it is sent (core/store/writeJournal.ts).
          const journal = openWriteJournal(journalFile);
          const store = journal.wrap(raw);
          const app = createApp({ store, clock: systemClock, config, logger: silentLogger });
          let serverAlive = true;
          const deliver = async (id: string, i: number) => {
            const payment = paymentOf(id, i);
            const req = ProviderClients.generic(payment, TEST_SECRETS, new Date());
            const res = await app.request("/api/callbacks/generic", {
              method: "POST",
              body: req.body,
              headers: req.headers,
            });
            // A killed server's answers never reach the provider.
            if (res.status === 200 && serverAlive) acknowledged.add(id);
            return res.status;
          };
          const ids = Array.from({ length: inFlight }, (_, i) => `R${run}-${i}`);
          everyPayment.push(...ids);
          const stream = Promise.allSettled(ids.map((id, i) => deliver(id, i)));
          await new Promise((r) => setTimeout(r, killAfterMs));
          if (alsoDropAnswers) serverAlive = false;
          await ddb!.kill();
          await stream;
          serverAlive = false;
          await journal.close();

          // Restart: DynamoDB Local on the same data, the journal replayed, then the providers' retries.
          ddb = await startDynamoDbLocal({ dataDir, port });
          const replayed = await replayWrites(raw, journalFile);
          expect(replayed.lostAcknowledged).toEqual([]);
          const next = openWriteJournal(journalFile);
          const restarted = createApp({
            store: next.wrap(raw),
            clock: systemClock,
            config,
            logger: silentLogger,
          });
          for (const [i, id] of ids.entries()) {
            if (acknowledged.has(id)) continue;
            const payment = paymentOf(id, i);
            const req = ProviderClients.generic(payment, TEST_SECRETS, new Date());
            const res = await restarted.request("/api/callbacks/generic", {
              method: "POST",
              body: req.body,
              headers: req.headers,
            });
            expect(res.status).toBe(200);
          }
          await next.close();
        },
      ),
      { numRuns: RUNS },
    );

    // Every payment stored exactly once — the acknowledged ones included.
    const stored = (await rig.stored()).map((t) => t.id);
    expect(stored.length).toBe(everyPayment.length);
    expect(new Set(stored)).toEqual(new Set(everyPayment));
    for (const id of acknowledged) expect(stored).toContain(id);
    expect(acknowledged.size).toBeGreaterThan(0);
  }, 600_000);
});
