import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BatchWriteCommand,
  DeleteCommand,
  PutCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { createStore, type Store } from "@market40/core/store/client";
import { ensureTable } from "@market40/core/store/table";
import {
  compactJournal,
  openWriteJournal,
  readWriteJournal,
  replayWrites,
} from "@market40/core/store/writeJournal";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

/**
 * The local write journal's replay (docs/data-model.md "Local durability"). DynamoDB Local loses, in a crash, the
 * writes it committed last; here that loss is made exactly: the table is put back to what it held at a random
 * moment (a snapshot), and the journal replayed over it. Whatever writes ran — conditional or not, refused or
 * applied, relative (`ADD`) or not, one at a time or racing — the table must come back to what it was before the
 * "crash", each write applied once, none the store refused.
 */
const dir = mkdtempSync(join(tmpdir(), "m40-journal-"));
const TABLE = `journal_${Date.now().toString(36)}`;
let raw: Store;
beforeAll(async () => {
  raw = createStore({ tableName: TABLE, endpoint: inject("dynamodbEndpoint") });
  await ensureTable(raw, { stream: false });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Row = Record<string, unknown>;
async function scan(store: Store): Promise<Row[]> {
  const rows: Row[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.send(
      new ScanCommand({ TableName: store.table, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    rows.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return rows.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

/** Puts the table back to `rows`, as a crash that lost everything committed after them would. */
async function restore(rows: Row[]): Promise<void> {
  for (const row of await scan(raw))
    await raw.doc.send(new DeleteCommand({ TableName: TABLE, Key: { pk: row.pk, sk: row.sk } }));
  for (const row of rows) await raw.doc.send(new PutCommand({ TableName: TABLE, Item: row }));
}

/** The writes the app sends, on a few items so that they meet: each kind the journal turns into a transaction. */
const KEYS = ["a", "b", "c"];
const key = (k: string) => ({ pk: `ITEM#${k}`, sk: "ITEM" });
type Op =
  | { kind: "putNew" | "putIfV" | "add" | "addIfExists" | "del" | "delIfV"; k: string; n: number }
  | { kind: "transact"; k: string; k2: string; n: number }
  | { kind: "batch"; n: number };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constantFrom("putNew", "putIfV", "add", "addIfExists", "del", "delIfV"),
    k: fc.constantFrom(...KEYS),
    n: fc.integer({ min: 1, max: 3 }),
  }),
  fc
    .record({ kind: fc.constant("transact"), k: fc.constantFrom(...KEYS), n: fc.integer({ min: 1, max: 3 }) })
    .map((o) => ({ ...o, k2: KEYS[(KEYS.indexOf(o.k) + 1) % KEYS.length]! }) as Op),
  fc.record({ kind: fc.constant("batch"), n: fc.integer({ min: 1, max: 3 }) }),
);

function command(o: Op) {
  const T = TABLE;
  switch (o.kind) {
    case "putNew":
      return new PutCommand({
        TableName: T,
        Item: { ...key(o.k), v: o.n, tally: 0 },
        ConditionExpression: "attribute_not_exists(pk)",
      });
    case "putIfV":
      return new PutCommand({
        TableName: T,
        Item: { ...key(o.k), v: o.n + 1, tally: 100 },
        ConditionExpression: "v = :v",
        ExpressionAttributeValues: { ":v": o.n },
      });
    case "add":
      return new UpdateCommand({
        TableName: T,
        Key: key(o.k),
        UpdateExpression: "ADD tally :n",
        ExpressionAttributeValues: { ":n": o.n },
      });
    case "addIfExists":
      return new UpdateCommand({
        TableName: T,
        Key: key(o.k),
        UpdateExpression: "ADD tally :n SET v = :n",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":n": o.n },
      });
    case "del":
      return new DeleteCommand({ TableName: T, Key: key(o.k) });
    case "delIfV":
      return new DeleteCommand({
        TableName: T,
        Key: key(o.k),
        ConditionExpression: "v = :v",
        ExpressionAttributeValues: { ":v": o.n },
      });
    case "transact":
      return new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: T,
              Key: key(o.k),
              UpdateExpression: "ADD tally :n",
              ConditionExpression: "attribute_exists(pk)",
              ExpressionAttributeValues: { ":n": o.n },
            },
          },
          {
            Put: {
              TableName: T,
              Item: { ...key(o.k2), v: o.n, tally: 10 * o.n },
              ConditionExpression: "attribute_not_exists(pk) OR v < :n",
              ExpressionAttributeValues: { ":n": o.n },
            },
          },
        ],
      });
    case "batch":
      return new BatchWriteCommand({
        RequestItems: {
          [T]: [
            { PutRequest: { Item: { pk: `BEAT#${o.n}`, sk: "BEAT", ok: o.n % 2 === 0 } } },
            { PutRequest: { Item: { pk: `BEAT#${o.n + 10}`, sk: "BEAT", ok: true } } },
          ],
        },
      });
  }
}

describe("the local write journal", () => {
  it("replayed over a store that lost every write after a random moment, gives back the store before the crash", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        // Groups of writes sent together (racing), one group after the other; the crash keeps the first `kept`.
        fc.array(fc.array(op, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 8 }),
        fc.nat(),
        async (groups, keptAt) => {
          const file = join(dir, `run${run++}.journal`);
          await restore([]);
          const journal = openWriteJournal(file);
          const store = journal.wrap(raw);
          const kept = keptAt % (groups.length + 1);
          let snapshot: Row[] = [];
          let refused = 0;
          for (const [g, group] of groups.entries()) {
            if (g === kept) snapshot = await scan(raw);
            await Promise.all(
              group.map((o) =>
                store.doc.send(command(o) as never).catch((err: Error) => {
                  // Refused as DynamoDB refuses it without the journal: a failed condition, nothing applied.
                  expect(["ConditionalCheckFailedException", "TransactionCanceledException"]).toContain(
                    err.name,
                  );
                  // A cancelled transaction's reasons are its own items', without the journal's marker.
                  if (err.name === "TransactionCanceledException")
                    expect((err as { CancellationReasons?: unknown[] }).CancellationReasons).toHaveLength(2);
                  refused++;
                }),
              ),
            );
          }
          if (kept === groups.length) snapshot = await scan(raw);
          await journal.close();
          const before = await scan(raw);

          await restore(snapshot);
          const report = await replayWrites(raw, file);
          expect(report.lostAcknowledged).toEqual([]);
          expect(report.refused).toBe(refused);
          expect(await scan(raw)).toEqual(before);
          // Replayed again (a crash during the first replay, say): nothing changes.
          const again = await replayWrites(raw, file);
          expect(again.restored).toBe(0);
          expect(await scan(raw)).toEqual(before);
        },
      ),
      { numRuns: 25 },
    );
  }, 240_000);

  it("never applies a write the store refused, even once a later write would let it through", async () => {
    const file = join(dir, "refused.journal");
    await restore([]);
    const journal = openWriteJournal(file);
    const store = journal.wrap(raw);
    const putNew = () =>
      new PutCommand({
        TableName: TABLE,
        Item: { ...key("a"), v: 1, tally: 0, who: "second" },
        ConditionExpression: "attribute_not_exists(pk)",
      });
    await store.doc.send(new PutCommand({ TableName: TABLE, Item: { ...key("a"), v: 1, who: "first" } }));
    await expect(store.doc.send(putNew())).rejects.toThrow(/conditional/i); // answered 409 by the app
    await store.doc.send(new DeleteCommand({ TableName: TABLE, Key: key("a") }));
    await journal.close();
    const before = await scan(raw);
    // A torn last line (a crash mid-append: never sent) is skipped.
    appendFileSync(file, '{"kind":"intent","t":"x","items":[{"Put":');

    await restore([]); // every write lost
    const report = await replayWrites(raw, file);
    expect(report).toMatchObject({ entries: 3, refused: 1, restored: 2, lostAcknowledged: [] });
    expect(await scan(raw)).toEqual(before);
    expect(before.filter((r) => r.pk === "ITEM#a")).toEqual([]);
  });

  it("answers as DynamoDB would: a failed condition, old values, an applied batch", async () => {
    const file = join(dir, "shape.journal");
    await restore([]);
    const journal = openWriteJournal(file);
    const store = journal.wrap(raw);
    await store.doc.send(new PutCommand({ TableName: TABLE, Item: { ...key("t"), v: 7 } }));
    const taken = await store.doc.send(
      new DeleteCommand({ TableName: TABLE, Key: key("t"), ReturnValues: "ALL_OLD" }),
    );
    expect(taken.Attributes).toEqual({ ...key("t"), v: 7 });
    const conditional = await store.doc
      .send(
        new UpdateCommand({
          TableName: TABLE,
          Key: key("t"),
          UpdateExpression: "SET v = :v",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":v": 1 },
        }),
      )
      .catch((e: Error) => e.name);
    expect(conditional).toBe("ConditionalCheckFailedException");
    const batch = await store.doc.send(command({ kind: "batch", n: 1 }) as BatchWriteCommand);
    expect(batch.UnprocessedItems).toEqual({});
    await journal.close();
    const { intents, done } = readWriteJournal(file);
    expect(intents).toHaveLength(4);
    expect([...done.values()].map((d) => d.outcome)).toEqual(["applied", "applied", "refused", "applied"]);

    // Compacted (after a clean stop), the journal starts a new generation; the old one's markers are garbage.
    compactJournal(file);
    expect(readWriteJournal(file).intents).toEqual([]);
    const next = openWriteJournal(file);
    expect(await next.collectGarbage(raw)).toBe(3);
    expect((await scan(raw)).filter((r) => r.type === "journalMarker")).toEqual([]);
    await next.close();
  });
});
