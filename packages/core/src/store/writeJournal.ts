import { randomBytes } from "node:crypto";
import { closeSync, existsSync, fdatasyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { open } from "node:fs/promises";
import { dirname } from "node:path";
import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DeleteCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { StoreUnavailableError } from "../errors";
import type { Store } from "./client";
import { JournalMarkerItem } from "./journalMarkerItem";
import type { WriteItem } from "./transact";

/**
 * The local runtime's write-ahead journal (docs/data-model.md "Local durability", docs/contract.md §12). DynamoDB
 * Local is not crash-durable: a write it acknowledged can be gone after a `kill -9`. So on `npm start` every write
 * the app sends — TransactWrite, Put, Update, Delete, BatchWrite, whatever route or job sends it — goes through
 * `journal.wrap(store)`, which:
 *
 *  1. turns it into one transaction that also puts a **marker** item named by a fresh token (`JournalMarkerItem`:
 *     generation and token, condition `attribute_not_exists`): the marker is stored if and only if the write is;
 *  2. takes a lock on every item the write touches (writes to the same items run one at a time, in journal order);
 *  3. appends the transaction to `$DATA_DIR/writes.journal` and `fdatasync`s it, then sends it;
 *  4. appends its outcome — `applied`, or `refused` when the store refused it (a failed condition, a validation
 *     error) — before letting the next write of the same items in. An unclear outcome (the connection died) is made
 *     clear by putting the marker alone: if that succeeds the write can never apply, if its condition fails it did.
 *     Unclear even then (the store is gone), the journal refuses every later write (`503`) until a restart.
 *
 * At start (`replayWrites`), each entry in journal order is skipped when it was refused or its marker is in the
 * store, and otherwise sent again as it was. Why that reproduces every acknowledged write exactly once and never
 * applies a refused one is argued in docs/data-model.md. Once DynamoDB Local has exited cleanly (everything it
 * acknowledged is on disk) the journal is emptied (`compactJournal`) and the next session deletes the old markers.
 * Used only by the local runtime (functions/src/local/main.ts) and never part of a Lambda bundle
 * (test/infra/bundles.test.ts): in AWS, DynamoDB acknowledges only durable writes.
 */
export const WRITE_JOURNAL_FILE = "writes.journal";

/**
 * Entries past which a start checkpoints the journal after replaying it (main.ts): each costs one read at start
 * (~1–3 ms), so a start replays at most a few seconds' worth; a checkpoint costs a restart of DynamoDB Local.
 */
export const CHECKPOINT_ENTRIES = 2000;

type Head = { kind: "head"; gen: string; previous: string[] };
type Intent = { kind: "intent"; t: string; items: WriteItem[] };
type Done = { kind: "done"; t: string; outcome: "applied" | "refused" };
type Line = Head | Intent | Done;

/** JSON that keeps what the document client writes beyond JSON: sets, big integers and binary. */
function encode(line: Line): string {
  return JSON.stringify(line, (_k, v) => {
    if (typeof v === "bigint") return { $bigint: v.toString() };
    if (v instanceof Set) return { $set: [...v] };
    if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString("base64") };
    return v;
  });
}

function decode(text: string): Line {
  return JSON.parse(text, (_k, v) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === "$bigint") return BigInt(v.$bigint);
      if (keys.length === 1 && keys[0] === "$set") return new Set(v.$set);
      if (keys.length === 1 && keys[0] === "$bytes") return new Uint8Array(Buffer.from(v.$bytes, "base64"));
    }
    return v;
  }) as Line;
}

/** The journal's lines; a torn last line (a crash mid-append: that write was never sent) is skipped. */
export function readWriteJournal(file: string): { head?: Head; intents: Intent[]; done: Map<string, Done> } {
  const intents: Intent[] = [];
  const done = new Map<string, Done>();
  let head: Head | undefined;
  if (!existsSync(file)) return { intents, done };
  for (const text of readFileSync(file, "utf8").split("\n")) {
    if (!text.trim()) continue;
    let line: Line;
    try {
      line = decode(text);
    } catch {
      continue; // torn
    }
    if (line.kind === "head") head = line;
    else if (line.kind === "intent" && Array.isArray(line.items)) intents.push(line);
    else if (line.kind === "done") done.set(line.t, line);
  }
  return { head, intents, done };
}

/** Writes a fresh journal holding only its head, atomically (a new file renamed over the old, both synced). */
function writeHead(file: string, head: Head): void {
  const fresh = `${file}.new`;
  const fd = openSync(fresh, "w", 0o600);
  try {
    writeSync(fd, `${encode(head)}\n`);
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(fresh, file);
  const dir = openSync(dirname(file), "r");
  try {
    fdatasyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * Empties the journal — only once everything in it is known durable (DynamoDB Local exited cleanly). The next
 * generation's head names this one, whose markers are then garbage (`collectGarbage`).
 */
export function compactJournal(file: string): void {
  const { head } = readWriteJournal(file);
  writeHead(file, {
    kind: "head",
    gen: randomBytes(6).toString("hex"),
    previous: head ? [head.gen, ...head.previous].slice(0, 8) : [],
  });
}

/** The outcome of sending one journalled transaction. */
type Outcome =
  | { kind: "applied" }
  | { kind: "refused"; error: unknown }
  | { kind: "unclear"; error: unknown };

const CLEAR_REFUSALS = new Set([
  "None",
  "ConditionalCheckFailed",
  "ValidationError",
  "ItemCollectionSizeLimitExceeded",
]);

/**
 * Sends `items` (the last one the marker) as one transaction and says what became of it. A cancellation whose
 * marker failed its condition means an earlier attempt of the SDK applied it; other cancellations for a condition
 * or validation applied nothing; conflicts, throttling and transport errors leave it unclear.
 */
async function send(raw: DynamoDBDocumentClient, items: WriteItem[]): Promise<Outcome> {
  try {
    await raw.send(new TransactWriteCommand({ TransactItems: items }));
    return { kind: "applied" };
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const codes = (error.CancellationReasons ?? []).map((r) => r.Code ?? "None");
      if (codes.at(-1) === "ConditionalCheckFailed") return { kind: "applied" };
      if (codes.length > 0 && codes.every((c) => CLEAR_REFUSALS.has(c))) return { kind: "refused", error };
      return { kind: "unclear", error };
    }
    const e = error as { name?: string; $fault?: string; $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode;
    if (e.$fault === "client" && status && status < 500 && e.name !== "TransactionInProgressException")
      return { kind: "refused", error };
    return { kind: "unclear", error };
  }
}

/** Settles an unclear outcome: the marker put alone either fences the write out for good or finds it applied. */
async function settle(
  raw: DynamoDBDocumentClient,
  marker: WriteItem,
): Promise<"applied" | "refused" | "unclear"> {
  try {
    await raw.send(new PutCommand(marker.Put as PutCommandInput));
    return "refused";
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return "applied";
    return "unclear";
  }
}

const itemKey = (table: string | undefined, key: Record<string, unknown> | undefined) =>
  `${table}\u0000${String(key?.pk)}\u0000${String(key?.sk)}`;

function keysOf(items: WriteItem[]): string[] {
  return items.map((i) => {
    if (i.Put) return itemKey(i.Put.TableName, i.Put.Item);
    if (i.Update) return itemKey(i.Update.TableName, i.Update.Key);
    if (i.Delete) return itemKey(i.Delete.TableName, i.Delete.Key);
    return itemKey(i.ConditionCheck?.TableName, i.ConditionCheck?.Key);
  });
}

/** What a journalled write becomes: its transaction items, and what its caller expects back. */
interface Plan {
  items: WriteItem[];
  /** The caller sent a single Put/Update/Delete: a failed condition is its `ConditionalCheckFailedException`. */
  single: boolean;
  /** The item to read before (`ALL_OLD`) or after (`ALL_NEW`) the write, for the caller's `Attributes`. */
  returns?: { when: "before" | "after"; table: string; key: Record<string, unknown> };
  output: () => Record<string, unknown>;
}

function unsupported(what: string): never {
  throw new Error(`The local write journal does not support ${what}`);
}

function returnsOf(
  value: string | undefined,
  table: string | undefined,
  key: Record<string, unknown>,
): Plan["returns"] {
  if (!value || value === "NONE") return undefined;
  if (value === "ALL_OLD") return { when: "before", table: table!, key };
  if (value === "ALL_NEW") return { when: "after", table: table!, key };
  return unsupported(`ReturnValues ${value}`);
}

const LEGACY = ["Expected", "AttributeUpdates", "ConditionalOperator"] as const;

function planOf(command: unknown): Plan | undefined {
  if (command instanceof TransactWriteCommand) {
    const input = command.input as TransactWriteCommandInput;
    if (input.ClientRequestToken) unsupported("ClientRequestToken");
    return { items: input.TransactItems ?? [], single: false, output: () => ({}) };
  }
  if (command instanceof PutCommand) {
    const { ReturnValues, ReturnConsumedCapacity, ReturnItemCollectionMetrics, ...put } =
      command.input as PutCommandInput;
    if (LEGACY.some((k) => k in put)) unsupported("legacy conditions");
    const key = { pk: put.Item?.pk, sk: put.Item?.sk };
    return {
      items: [{ Put: put as NonNullable<WriteItem["Put"]> }],
      single: true,
      returns: returnsOf(ReturnValues, put.TableName, key),
      output: () => ({}),
    };
  }
  if (command instanceof UpdateCommand) {
    const { ReturnValues, ReturnConsumedCapacity, ReturnItemCollectionMetrics, ...update } =
      command.input as UpdateCommandInput;
    if (LEGACY.some((k) => k in update) || !update.UpdateExpression) unsupported("legacy updates");
    return {
      items: [{ Update: update as NonNullable<WriteItem["Update"]> }],
      single: true,
      returns: returnsOf(ReturnValues, update.TableName, update.Key!),
      output: () => ({}),
    };
  }
  if (command instanceof DeleteCommand) {
    const { ReturnValues, ReturnConsumedCapacity, ReturnItemCollectionMetrics, ...del } =
      command.input as DeleteCommandInput;
    if (LEGACY.some((k) => k in del)) unsupported("legacy conditions");
    return {
      items: [{ Delete: del as NonNullable<WriteItem["Delete"]> }],
      single: true,
      returns: returnsOf(ReturnValues, del.TableName, del.Key!),
      output: () => ({}),
    };
  }
  if (command instanceof BatchWriteCommand) {
    const input = command.input as BatchWriteCommandInput;
    const items: WriteItem[] = [];
    for (const [TableName, requests] of Object.entries(input.RequestItems ?? {}))
      for (const r of requests) {
        if (r.PutRequest) items.push({ Put: { TableName, Item: r.PutRequest.Item! } });
        else if (r.DeleteRequest) items.push({ Delete: { TableName, Key: r.DeleteRequest.Key! } });
      }
    // All or nothing, where a batch may leave some unprocessed: a caller retrying those retries none.
    return { items, single: false, output: () => ({ UnprocessedItems: {} }) };
  }
  return undefined;
}

/** Every command name that writes data; one of these reaching `send` outside the plans above is refused. */
const WRITES =
  /^(TransactWrite|Put|Update|Delete|BatchWrite|PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems|ExecuteStatement|BatchExecuteStatement|ExecuteTransaction)Command$/;

/** A lock per item: a write waits for every earlier write that touches any of its items. */
function itemLocks() {
  const tails = new Map<string, Promise<void>>();
  return async <T>(keys: string[], body: () => Promise<T>): Promise<T> => {
    const unique = [...new Set(keys)];
    const before = unique.map((k) => tails.get(k));
    let release!: () => void;
    const mine = new Promise<void>((r) => {
      release = r;
    });
    for (const k of unique) tails.set(k, mine);
    await Promise.all(before);
    try {
      return await body();
    } finally {
      release();
      for (const k of unique) if (tails.get(k) === mine) tails.delete(k);
    }
  };
}

/** Appends lines in order; a batch of lines waiting together shares one `fdatasync` (group commit). */
function appender(file: string) {
  const handle = open(file, "a", 0o600);
  let queue: { text: string; resolve: () => void; reject: (e: unknown) => void }[] = [];
  let running: Promise<void> | undefined;
  const drain = async () => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        const fh = await handle;
        await fh.appendFile(batch.map((b) => b.text).join(""), "utf8");
        await fh.datasync();
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    running = undefined;
  };
  return {
    append(line: Line): Promise<void> {
      const done = new Promise<void>((resolve, reject) => {
        queue.push({ text: `${encode(line)}\n`, resolve, reject });
      });
      running ??= drain();
      return done;
    },
    async close() {
      await running;
      await (await handle).close();
    },
  };
}

export interface WriteJournal {
  file: string;
  gen: string;
  /** The same store, its writes journalled. */
  wrap(store: Store): Store;
  /** Deletes the markers of earlier, compacted generations (garbage: nothing reads them again). */
  collectGarbage(store: Store): Promise<number>;
  /** Waits for pending appends and closes the file. */
  close(): Promise<void>;
}

/**
 * Opens (or starts) the journal. Call `replayWrites` first: what is in it must be in the store before new writes
 * are appended after it.
 */
export function openWriteJournal(file: string): WriteJournal {
  let { head } = readWriteJournal(file);
  if (!head) {
    head = { kind: "head", gen: randomBytes(6).toString("hex"), previous: [] };
    writeHead(file, head);
  }
  const gen = head.gen;
  const previous = head.previous;
  const out = appender(file);
  const locked = itemLocks();
  let seq = 0;
  /** Set when a write's outcome could not be known: no later write may be journalled after it (until a restart). */
  let fenced: unknown;

  const write = async (raw: DynamoDBDocumentClient, plan: Plan) => {
    const token = `${Date.now().toString(36)}.${(seq++).toString(36)}.${randomBytes(3).toString("hex")}`;
    const marker: WriteItem = {
      Put: {
        TableName:
          plan.items[0]?.Put?.TableName ??
          plan.items[0]?.Update?.TableName ??
          plan.items[0]?.Delete?.TableName ??
          plan.items[0]?.ConditionCheck?.TableName,
        Item: { ...JournalMarkerItem.key(gen, token), type: JournalMarkerItem.type },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    };
    if (plan.items.length === 0) return plan.output();
    // DynamoDB's limit is 100 items: one is the marker's (transact.ts MAX_TRANSACTION_ITEMS).
    if (plan.items.length > 99) unsupported("transactions of more than 99 items");
    const items = [...plan.items, marker];
    return locked(keysOf(items), async () => {
      if (fenced) throw new StoreUnavailableError(undefined, fenced);
      const read = async () =>
        plan.returns
          ? (
              await raw.send(
                new GetCommand({
                  TableName: plan.returns.table,
                  Key: plan.returns.key,
                  ConsistentRead: true,
                }),
              )
            ).Item
          : undefined;
      const old = plan.returns?.when === "before" ? await read() : undefined;
      try {
        await out.append({ kind: "intent", t: token, items });
      } catch (err) {
        // Not durable, so not sent and not acknowledged: the caller answers 503.
        throw new StoreUnavailableError(undefined, err);
      }
      let outcome = await send(raw, items);
      if (outcome.kind === "unclear") {
        const settled = await settle(raw, marker);
        if (settled === "unclear") {
          fenced = outcome.error;
          throw new StoreUnavailableError(undefined, outcome.error);
        }
        outcome = settled === "applied" ? { kind: "applied" } : { kind: "refused", error: outcome.error };
      }
      // Not awaited: the next intent's `fdatasync` (this file, in order) makes it durable before any later write
      // of the same items is sent — which is all replay needs.
      out
        .append({ kind: "done", t: token, outcome: outcome.kind === "applied" ? "applied" : "refused" })
        .catch(() => {});
      if (outcome.kind === "refused") throw callerError(outcome.error, plan);
      const attributes = plan.returns?.when === "before" ? old : await read();
      return { ...plan.output(), ...(attributes ? { Attributes: attributes } : {}) };
    });
  };

  return {
    file,
    gen,
    wrap(store) {
      const raw = store.doc;
      const journalled = Object.create(raw) as DynamoDBDocumentClient;
      journalled.send = ((command: { constructor: { name: string } }, ...rest: unknown[]) => {
        const plan = planOf(command);
        if (plan) return write(raw, plan);
        if (WRITES.test(command.constructor.name)) unsupported(command.constructor.name);
        return (raw.send as (...a: unknown[]) => unknown)(command, ...rest);
      }) as DynamoDBDocumentClient["send"];
      return { ...store, doc: journalled };
    },
    async collectGarbage(store) {
      let deleted = 0;
      for (const old of previous) {
        let start: Record<string, unknown> | undefined;
        do {
          const page = await store.doc.send(
            new QueryCommand({
              TableName: store.table,
              KeyConditionExpression: "pk = :pk",
              ExpressionAttributeValues: { ":pk": JournalMarkerItem.partition(old) },
              ProjectionExpression: "pk, sk",
              Limit: 25,
              ExclusiveStartKey: start,
            }),
          );
          const keys = page.Items ?? [];
          if (keys.length > 0)
            await store.doc.send(
              new BatchWriteCommand({
                RequestItems: { [store.table]: keys.map((Key) => ({ DeleteRequest: { Key } })) },
              }),
            );
          deleted += keys.length;
          start = page.LastEvaluatedKey;
        } while (start);
      }
      return deleted;
    },
    close: () => out.close(),
  };
}

/**
 * The error the caller would have had without the journal: a cancelled transaction's reasons without the marker's,
 * and a single write's failed condition as the `ConditionalCheckFailedException` its caller catches.
 */
function callerError(error: unknown, plan: Plan): unknown {
  if (!(error instanceof TransactionCanceledException)) return error;
  const reasons = (error.CancellationReasons ?? []).slice(0, plan.items.length);
  if (plan.single && reasons[0]?.Code === "ConditionalCheckFailed")
    return new ConditionalCheckFailedException({
      message: "The conditional request failed",
      $metadata: error.$metadata,
      Item: reasons[0].Item,
    });
  error.CancellationReasons = reasons;
  return error;
}

export interface ReplayReport {
  /** Journalled writes. */
  entries: number;
  /** Refused the first time: not sent again. */
  refused: number;
  /** Found in the store (their marker is there). */
  kept: number;
  /** Missing from the store and sent again: applied now. */
  restored: number;
  /** Missing, sent again and refused — fine for a write never acknowledged; for an acknowledged one, a loss. */
  refusedAgain: number;
  /** Acknowledged (`applied`) writes that could not be applied again: should be none (docs/data-model.md). */
  lostAcknowledged: string[];
}

/**
 * Brings the store back to every write the journal holds, in journal order, each exactly once (docs/data-model.md
 * "Local durability"). Idempotent: a second replay finds every marker and sends nothing. Throws
 * `StoreUnavailableError` when the store cannot be reached (the start-up then fails and is retried).
 */
export async function replayWrites(store: Store, file: string): Promise<ReplayReport> {
  const { intents, done } = readWriteJournal(file);
  const report: ReplayReport = {
    entries: intents.length,
    refused: 0,
    kept: 0,
    restored: 0,
    refusedAgain: 0,
    lostAcknowledged: [],
  };
  for (const intent of intents) {
    const outcome = done.get(intent.t)?.outcome;
    if (outcome === "refused") {
      report.refused++;
      continue;
    }
    const marker = intent.items.at(-1)?.Put;
    const markerItem = marker?.Item;
    if (!marker || markerItem?.type !== JournalMarkerItem.type) continue;
    const found = await store.doc
      .send(
        new GetCommand({
          TableName: marker.TableName,
          Key: { pk: markerItem.pk, sk: markerItem.sk },
          ConsistentRead: true,
        }),
      )
      .catch((err) => {
        throw new StoreUnavailableError(undefined, err);
      });
    if (found.Item) {
      report.kept++;
      continue;
    }
    const again = await send(store.doc, intent.items);
    if (again.kind === "applied") report.restored++;
    else if (again.kind === "unclear") throw new StoreUnavailableError(undefined, again.error);
    else {
      report.refusedAgain++;
      if (outcome === "applied") report.lostAcknowledged.push(intent.t);
    }
  }
  return report;
}
