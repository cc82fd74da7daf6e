import { createHmac } from "node:crypto";
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetCommand, QueryCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { localDateOf } from "../calendar/localDate";
import type { Clock } from "../clock";
import { StoreUnavailableError } from "../errors";
import { accountKey, findByAccount } from "../stall/stall";
import { guard, isUnavailable, type Store } from "../store/client";
import { Keys } from "../store/keys";
import type { IncomingTransaction, IngestStatus, Provider } from "./types";

/** A transaction as stored. `stallId`/`marketId` are absent while it is unmatched. */
export interface StoredTransaction {
  id: string;
  provider: Provider;
  stallId?: string;
  marketId?: string;
  bin?: string;
  accountNumber: string;
  amount: number;
  paidAt: string;
  receivedAt: string;
  matchedAt?: string;
  description: string;
  /** Keyed HMAC of the provider's payer reference, truncated: counts distinct payers without keeping who they are. */
  payerHash?: string;
  source: "callback" | "statement";
}

export interface IngestResult {
  status: IngestStatus;
  id: string;
  stallId?: string;
  /** DynamoDB requests this call made (the figure the benchmark reports). */
  storeCalls: number;
}

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]>;
interface Match {
  stallId: string;
  marketId: string;
  bin: string;
}

const MAX_ATTEMPTS = 10;
const CACHE_TTL_MS = 5 * 60_000;
/** Positive account → stall lookups, per table. Safe to be stale: every write re-checks the account guard. */
const accountCache = new WeakMap<Store, Map<string, { match: Match; expires: number }>>();

/**
 * A payer reference as stored: HMAC-SHA256 under the platform's `payerKey` (a secret kept outside the table),
 * truncated to 96 bits. Equal payers give equal values, so distinct payers can be counted; without the key, a
 * leaked table cannot be matched back to account numbers or names by hashing guesses (an unkeyed hash of a
 * 10–14 digit account number can be reversed by trying them all).
 */
export function payerHash(key: string, payer: string | undefined): string | undefined {
  if (!payer?.trim()) return undefined;
  if (!key) throw new Error("payerKey is not configured");
  return createHmac("sha256", key).update(payer.trim()).digest("base64url").slice(0, 16);
}

/** What storing a transaction needs: the table, the clock, and the key for payer references. */
export interface IngestDeps {
  store: Store;
  clock: Clock;
  config: { payerKey: string };
}

function minuteOfDay(paidAt: string): number {
  const t = new Date(Date.parse(paidAt) + 7 * 3600_000);
  return t.getUTCHours() * 60 + t.getUTCMinutes();
}

/** Market-day rollups are split over this many items, by stall. */
export const MARKET_DAY_SHARDS = 8;

function shardOf(stallId: string): number {
  let h = 0;
  for (let i = 0; i < stallId.length; i++) h = (h * 31 + stallId.charCodeAt(i)) | 0;
  return Math.abs(h) % MARKET_DAY_SHARDS;
}

/** Attribute names both rollup updates use (each is a reserved word in DynamoDB expressions, or could be). */
const ROLLUP_NAMES = { "#count": "count", "#value": "value", "#type": "type", "#v": "v", "#date": "date" };

/**
 * The two rollup updates that count a matched transaction: the stall's day and the market's day. The stall's
 * day also keeps what evaluations need without reading transactions — the minutes of the day that saw a payment
 * (session windows), an amount histogram (median ticket) and payer hashes (distinct payers) — so the busier,
 * shared market-day item stays two numbers wide.
 */
export function rollupUpdates(store: Store, txn: StoredTransaction, match: Match): TransactItems {
  const date = localDateOf(txn.paidAt);
  const index = Keys.stallDaysOfMarket(match.marketId, date, match.stallId);
  const values: Record<string, unknown> = {
    ":one": 1,
    ":amount": txn.amount,
    ":minute": new Set([minuteOfDay(txn.paidAt)]),
    ":stallDay": "stallDay",
    ":v1": 1,
    ":g1pk": index.gsi1pk,
    ":g1sk": index.gsi1sk,
    ":market": match.marketId,
    ":stall": match.stallId,
    ":date": date,
  };
  let add = "ADD #count :one, #value :amount, minutes :minute, #amt :one";
  if (txn.payerHash) {
    add += ", payers :payer";
    values[":payer"] = new Set([txn.payerHash]);
  }
  const stallDay = {
    Update: {
      TableName: store.table,
      Key: Keys.stallDay(match.stallId, date),
      UpdateExpression: `${add} SET #type = :stallDay, #v = :v1, gsi1pk = :g1pk, gsi1sk = :g1sk, marketId = :market, stallId = :stall, #date = :date`,
      ExpressionAttributeNames: { ...ROLLUP_NAMES, "#amt": `a${txn.amount}` },
      ExpressionAttributeValues: values,
    },
  };
  const marketDay = {
    Update: {
      TableName: store.table,
      Key: Keys.marketDay(match.marketId, date, shardOf(match.stallId)),
      UpdateExpression:
        "ADD #count :one, #value :amount SET #type = :marketDay, #v = :v1, marketId = :market, #date = :date",
      ExpressionAttributeNames: ROLLUP_NAMES,
      ExpressionAttributeValues: {
        ":one": 1,
        ":amount": txn.amount,
        ":marketDay": "marketDay",
        ":v1": 1,
        ":market": match.marketId,
        ":date": date,
      },
    },
  };
  return [stallDay, marketDay];
}

/** Keys that place a matched transaction in its stall's and market's listings. */
function matchedIndexKeys(txn: StoredTransaction, match: Match) {
  return {
    ...Keys.transactionsOfStall(match.stallId, txn.paidAt, txn.provider, txn.id),
    ...Keys.transactionsOfMarket(
      match.marketId,
      localDateOf(txn.paidAt).slice(0, 7),
      txn.paidAt,
      txn.provider,
      txn.id,
    ),
  };
}

async function lookup(
  store: Store,
  txn: { bin?: string; accountNumber: string },
): Promise<{ match?: Match; calls: number }> {
  const key = `${txn.bin ?? "*"}|${accountKey(txn.accountNumber)}`;
  let cache = accountCache.get(store);
  if (!cache) {
    cache = new Map();
    accountCache.set(store, cache);
  }
  const hit = cache.get(key);
  if (hit && hit.expires > Date.now()) return { match: hit.match, calls: 0 };
  const match = await findByAccount(store, txn.accountNumber, txn.bin);
  if (match) cache.set(key, { match, expires: Date.now() + CACHE_TTL_MS });
  return { match, calls: 1 };
}

function forget(store: Store, txn: { bin?: string; accountNumber: string }) {
  accountCache.get(store)?.delete(`${txn.bin ?? "*"}|${accountKey(txn.accountNumber)}`);
}

const backoff = (attempt: number) =>
  new Promise((r) => setTimeout(r, Math.random() * 10 * 2 ** Math.min(attempt, 6)));

/**
 * Stores a provider's transaction exactly once and counts it, atomically.
 *
 * One `TransactWriteItems` holds: the transaction record, conditioned on `attribute_not_exists(pk)` with the key
 * `(provider, provider transaction id)` — a permanent idempotency key, not a window — plus, when the account
 * belongs to a stall, a check that it still does and the stall-day and market-day rollup increments. So a
 * redelivery, however late or concurrent, fails the first condition and is a `duplicate`; a crash leaves either
 * everything or nothing. A warm account cache makes a new callback one DynamoDB round trip.
 * Store trouble (throttling, unreachable, retries exhausted) throws `StoreUnavailableError`: answer 503.
 */
export async function ingest(
  deps: IngestDeps,
  incoming: IncomingTransaction,
  source: StoredTransaction["source"] = "callback",
): Promise<IngestResult> {
  const { store, clock } = deps;
  let storeCalls = 0;
  if (incoming.direction !== "in" || incoming.amount <= 0)
    return { status: "ignored", id: incoming.providerTxnId, storeCalls };
  const hash = payerHash(deps.config.payerKey, incoming.payer);
  const txn: StoredTransaction = {
    id: incoming.providerTxnId,
    provider: incoming.provider,
    ...(incoming.bin ? { bin: incoming.bin } : {}),
    accountNumber: incoming.accountNumber,
    amount: incoming.amount,
    paidAt: incoming.paidAt,
    receivedAt: clock.now().toISOString(),
    description: incoming.description.slice(0, 500),
    ...(hash ? { payerHash: hash } : {}),
    source,
  };
  const record = { ...Keys.transaction(txn.provider, txn.id), type: "transaction", v: 1 };

  for (let attempt = 1; ; attempt++) {
    const found = await guard(() => lookup(store, txn));
    storeCalls += found.calls;
    const match = found.match;
    let items: TransactItems;
    if (match) {
      const stored = { ...txn, stallId: match.stallId, marketId: match.marketId, matchedAt: txn.receivedAt };
      items = [
        {
          Put: {
            TableName: store.table,
            Item: { ...record, ...stored, ...matchedIndexKeys(txn, match) },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
        {
          ConditionCheck: {
            TableName: store.table,
            Key: Keys.account(match.bin, accountKey(txn.accountNumber)),
            ConditionExpression: "stallId = :stall",
            ExpressionAttributeValues: { ":stall": match.stallId },
          },
        },
        ...rollupUpdates(store, txn, match),
      ];
    } else {
      items = [
        {
          Put: {
            TableName: store.table,
            Item: { ...record, ...txn, ...Keys.unmatchedList(txn.receivedAt, txn.provider, txn.id) },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
        ...(txn.bin
          ? [
              {
                ConditionCheck: {
                  TableName: store.table,
                  Key: Keys.account(txn.bin, accountKey(txn.accountNumber)),
                  ConditionExpression: "attribute_not_exists(pk)",
                },
              },
            ]
          : []),
        {
          Put: {
            TableName: store.table,
            Item: {
              ...Keys.unmatchedByAccount(accountKey(txn.accountNumber), txn.provider, txn.id),
              type: "unmatchedRef",
              v: 1,
              provider: txn.provider,
              id: txn.id,
              bin: txn.bin,
            },
          },
        },
      ];
    }
    try {
      storeCalls++;
      await store.doc.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (err) {
      if (err instanceof TransactionCanceledException) {
        const reasons = err.CancellationReasons ?? [];
        if (reasons[0]?.Code === "ConditionalCheckFailed")
          return { status: "duplicate", id: txn.id, storeCalls };
        if (reasons[1]?.Code === "ConditionalCheckFailed") {
          // The account changed hands (or was just registered): look it up afresh and try again.
          forget(store, txn);
          if (attempt < MAX_ATTEMPTS) continue;
        }
        if (
          attempt < MAX_ATTEMPTS &&
          reasons.some((r) => r.Code === "TransactionConflict" || r.Code === "ThrottlingError")
        ) {
          await backoff(attempt);
          continue;
        }
        throw new StoreUnavailableError("The store is busy with this account; retry", err);
      }
      if ((err as Error).name === "TransactionInProgressException" && attempt < MAX_ATTEMPTS) {
        await backoff(attempt);
        continue;
      }
      if (isUnavailable(err)) throw new StoreUnavailableError(undefined, err);
      throw err;
    }
    if (match) return { status: "stored", id: txn.id, stallId: match.stallId, storeCalls };
    if (!txn.bin) {
      // Without a BIN the write could not check that the account is still unregistered; look once more so a
      // stall registered meanwhile claims it now rather than at the nightly sweep.
      const again = await guard(() => findByAccount(store, txn.accountNumber));
      storeCalls++;
      if (again)
        await claimUnmatched(deps, {
          id: again.stallId,
          marketId: again.marketId,
          bin: again.bin,
          accountNumber: txn.accountNumber,
        });
    }
    return { status: "unmatched", id: txn.id, storeCalls };
  }
}

/**
 * Matches a stall's earlier unmatched transactions to it and counts them, each in one transaction conditioned on
 * the record still being unmatched — so a claim racing another claim (or the nightly sweep) counts once.
 * Called when a stall is registered or its account changes, and by the daily job. Returns how many it matched.
 */
export async function claimUnmatched(
  deps: { store: Store; clock: Clock },
  stall: { id: string; marketId: string; bin: string; accountNumber: string },
): Promise<number> {
  const { store, clock } = deps;
  const account = accountKey(stall.accountNumber);
  const refs = await guard(() =>
    store.doc.send(
      new QueryCommand({
        TableName: store.table,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": Keys.unmatchedByAccountPk(account) },
        ConsistentRead: true,
      }),
    ),
  );
  let claimed = 0;
  for (const ref of refs.Items ?? []) {
    if (ref.bin && ref.bin !== stall.bin) continue;
    const res = await guard(() =>
      store.doc.send(
        new GetCommand({
          TableName: store.table,
          Key: Keys.transaction(ref.provider, ref.id),
          ConsistentRead: true,
        }),
      ),
    );
    const txn = res.Item as StoredTransaction | undefined;
    const match: Match = { stallId: stall.id, marketId: stall.marketId, bin: stall.bin };
    const refKey = { pk: ref.pk, sk: ref.sk };
    if (!txn || txn.stallId) {
      await guard(() =>
        store.doc.send(
          new TransactWriteCommand({ TransactItems: [{ Delete: { TableName: store.table, Key: refKey } }] }),
        ),
      );
      continue;
    }
    const keys = matchedIndexKeys(txn, match);
    try {
      await guard(() =>
        store.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: store.table,
                  Key: Keys.transaction(txn.provider, txn.id),
                  ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(stallId)",
                  UpdateExpression:
                    "SET stallId = :stall, marketId = :market, matchedAt = :now, gsi1pk = :g1pk, gsi1sk = :g1sk, gsi2pk = :g2pk, gsi2sk = :g2sk",
                  ExpressionAttributeValues: {
                    ":stall": match.stallId,
                    ":market": match.marketId,
                    ":now": clock.now().toISOString(),
                    ":g1pk": keys.gsi1pk,
                    ":g1sk": keys.gsi1sk,
                    ":g2pk": keys.gsi2pk,
                    ":g2sk": keys.gsi2sk,
                  },
                },
              },
              { Delete: { TableName: store.table, Key: refKey } },
              {
                ConditionCheck: {
                  TableName: store.table,
                  Key: Keys.account(stall.bin, account),
                  ConditionExpression: "stallId = :stall",
                  ExpressionAttributeValues: { ":stall": stall.id },
                },
              },
              ...rollupUpdates(store, txn, match),
            ],
          }),
        ),
      );
      claimed++;
    } catch (err) {
      // Claimed by someone else meanwhile, or the account moved on: nothing to do for this one.
      if (!(err instanceof TransactionCanceledException)) throw err;
    }
  }
  return claimed;
}
