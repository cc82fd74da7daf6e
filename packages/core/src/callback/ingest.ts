import { createHmac } from "node:crypto";
import type { Clock } from "../clock";
import { StoreUnavailableError } from "../errors";
import { countPayment } from "../rollup/rollups";
import { AccountItem, accountKey } from "../stall/accountItem";
import { findByAccount } from "../stall/stall";
import { guard, type Store } from "../store/client";
import { isTransientCancellation, tryCommit, type WriteItem } from "../store/transact";
import { claimUnmatched } from "./matching";
import { type Match, type StoredTransaction, TransactionItem } from "./transactionItem";
import type { IncomingTransaction, IngestStatus } from "./types";

export type { Match, StoredTransaction };

export interface IngestResult {
  status: IngestStatus;
  id: string;
  stallId?: string;
  /** DynamoDB requests this call made (the figure the benchmark reports). */
  storeCalls: number;
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

/** The record and rollup writes that count a transaction for a stall, conditioned on it still holding the account. */
function matchedItems(store: Store, txn: StoredTransaction, match: Match): WriteItem[] {
  return [
    TransactionItem.putMatched(store, txn, match),
    AccountItem.stillHeldBy(store, match.stallId, match.bin, txn.accountNumber),
    ...countPayment(store, { ...txn, stallId: match.stallId, marketId: match.marketId }),
  ];
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
  for (let attempt = 1; ; attempt++) {
    const found = await guard(() => lookup(store, txn));
    storeCalls += found.calls;
    const match = found.match;
    const items: WriteItem[] = match
      ? matchedItems(store, txn, match)
      : [
          TransactionItem.putUnmatched(store, txn),
          ...(txn.bin ? [AccountItem.stillFree(store, txn.bin, txn.accountNumber)] : []),
          TransactionItem.putRef(store, txn),
        ];
    storeCalls++;
    const reasons = await tryCommit(store, items);
    if (reasons) {
      if (reasons[0] === "ConditionalCheckFailed") return { status: "duplicate", id: txn.id, storeCalls };
      if (reasons[1] === "ConditionalCheckFailed") {
        // The account changed hands (or was just registered): look it up afresh and try again.
        forget(store, txn);
        if (attempt < MAX_ATTEMPTS) continue;
      }
      if (attempt < MAX_ATTEMPTS && isTransientCancellation(reasons)) {
        await backoff(attempt);
        continue;
      }
      throw new StoreUnavailableError("The store is busy with this account; retry");
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
