import { createHmac } from "node:crypto";
import type { Actor } from "../audit/audit";
import type { Clock } from "../clock";
import { StoreUnavailableError, validationError } from "../errors";
import { type Bill, billId, paymentId, withTransfer } from "../fee/bill";
import { BillItem } from "../fee/billItem";
import { billNamedIn } from "../fee/billLookup";
import { isBoardHolder } from "../fee/boardHolder";
import { countPayment } from "../rollup/rollups";
import { AccountItem, accountKey } from "../stall/accountItem";
import { AccountNumberItem, soleActiveHolder } from "../stall/accountNumberItem";
import { guard, type Store } from "../store/client";
import { isTransientCancellation, tryCommit, type WriteItem } from "../store/transact";
import { MAX_AMOUNT } from "../vietqr/stallQr";
import { type BankRef, BankRefItem } from "./bankRefItem";
import {
  type Arrival,
  type Match,
  type PaymentSource,
  type StoredTransaction,
  TransactionItem,
} from "./transactionItem";
import type { IncomingTransaction, IngestStatus } from "./types";

export type { Match, StoredTransaction };

export interface IngestResult {
  status: IngestStatus;
  id: string;
  stallId?: string;
  /** The fee bill a payment to a market board's account settled (docs/contract.md §20). */
  billId?: string;
  /** What a stored payment's stall is told (`receive` announces it after the commit). */
  stored?: Pick<StoredTransaction, "amount" | "paidAt" | "description">;
  /** DynamoDB requests this call made (the figure the benchmark reports). */
  storeCalls: number;
}

const MAX_ATTEMPTS = 10;
/** Retries when another payment changed the bill first: each is a new read of the bill, never a lost amount. */
const MAX_BILL_RACES = 40;
const CACHE_TTL_MS = 5 * 60_000;

/**
 * Where a payment goes, as read before its write: a stall, or nowhere and why. `rev` is the revision of the account
 * number's holders a payment naming no bank was matched on; its write is conditioned on it.
 */
interface Lookup {
  match?: Match;
  /** The market board's collection account holds it: the board's money, never a stall's (docs/contract.md §20). */
  board?: Match;
  reason?: "no-account" | "ambiguous" | "board";
  rev?: number;
}

/**
 * Positive lookups, per table. Safe to be stale: every write re-checks what the lookup read — the exact pair's
 * guard, or the revision of the number's holders — so a cached match can never outlive a bank change.
 */
const accountCache = new WeakMap<Store, Map<string, { found: Lookup; expires: number }>>();

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

/**
 * How a transaction reached `ingest`, and who or what brought it (docs/contract.md §10, "Provenance"). `also` are
 * writes that belong in the same DynamoDB transaction as the payment (a statement run's audit tally), so the
 * record of how money came in can never disagree with the money.
 */
export interface Provenance {
  source: Exclude<PaymentSource, "assignment">;
  by: Actor;
  /** The audit entry that records this arrival (a statement run). */
  audit?: string;
  also?: (txn: StoredTransaction) => WriteItem[];
}

/** A provider's signed webhook: the provider itself put the payment there. */
export const viaCallback = (provider: string): Provenance => ({
  source: "callback",
  by: { role: "provider", keyId: provider },
});

/** The bank transaction a delivery names, when it names one: its bank (as sent, or as matched), account, reference. */
function bankRefOf(txn: StoredTransaction, found: Lookup): BankRef | undefined {
  const bin = txn.bin ?? found.match?.bin;
  if (!txn.bankRef?.trim() || !bin) return undefined;
  return { bin, accountNumber: txn.accountNumber, reference: txn.bankRef, amount: txn.amount };
}

/**
 * The writes that store a transaction, in one transaction. Position 0 is the record (fails on a redelivery);
 * position 1 re-checks what the lookup read (fails when the account changed hands meanwhile); position 2, when
 * the delivery names the bank's reference, is that bank transaction's guard (fails when another provider id or
 * path stored it); then, for a payment to a market board's account that settles a bill, the bill conditioned on the
 * revision read (`billAt`: fails when another payment or the manager changed it first); the provenance's own writes
 * come last.
 */
async function writes(
  store: Store,
  txn: StoredTransaction,
  found: Lookup,
  also: WriteItem[],
  bill: Bill | undefined,
): Promise<{ items: WriteItem[]; billAt?: number }> {
  const ref = bankRefOf(txn, found);
  const refGuard = ref ? [BankRefItem.claim(store, ref, { provider: txn.provider, id: txn.id })] : [];
  const holder = found.match ?? found.board;
  const recheck = txn.bin
    ? holder
      ? AccountItem.stillHeldBy(store, holder.stallId, txn.bin, txn.accountNumber)
      : AccountItem.stillFree(store, txn.bin, txn.accountNumber)
    : AccountNumberItem.unchanged(store, txn.accountNumber, found.rev ?? 0);
  if (found.match)
    return {
      items: [
        TransactionItem.putMatched(store, txn, found.match),
        recheck,
        ...refGuard,
        ...(await countPayment(store, {
          ...txn,
          stallId: found.match.stallId,
          marketId: found.match.marketId,
        })),
        ...also,
      ],
    };
  if (found.board && bill) {
    // A fee: the bill it names is settled by the same transaction that stores it (§20), once.
    const next = withTransfer(bill, { id: paymentId(txn), amount: txn.amount, paidAt: txn.paidAt });
    return {
      items: [
        TransactionItem.putBoardSettled(store, txn, found.board.marketId, billId(bill)),
        recheck,
        ...refGuard,
        BillItem.replace(store, next, bill.rev),
        ...also,
      ],
      billAt: 2 + refGuard.length,
    };
  }
  const waiting = { ...txn, reason: found.reason ?? "no-account" };
  return {
    items: [
      found.board
        ? TransactionItem.putBoardWaiting(store, waiting, found.board.marketId)
        : TransactionItem.putUnmatched(store, waiting),
      recheck,
      ...refGuard,
      TransactionItem.putRef(store, waiting),
      ...also,
    ],
  };
}

/**
 * Whose payment it is (docs/contract.md §10). Naming a bank, only the stall holding that exact (BIN, account)
 * pair. Naming none, only the one active stall on the platform holding the number; with none it waits as
 * `no-account`, with several (or none active among its holders) as `ambiguous`, for an admin.
 */
async function lookup(
  store: Store,
  txn: { bin?: string; accountNumber: string },
): Promise<Lookup & { calls: number }> {
  const key = `${txn.bin ?? "*"}|${accountKey(txn.accountNumber)}`;
  let cache = accountCache.get(store);
  if (!cache) {
    cache = new Map();
    accountCache.set(store, cache);
  }
  const hit = cache.get(key);
  if (hit && hit.expires > Date.now()) return { ...hit.found, calls: 0 };
  let found: Lookup;
  if (txn.bin) {
    const holder = await AccountItem.get(store, txn.bin, txn.accountNumber);
    found = holder ? { match: { stallId: holder.stallId, marketId: holder.marketId, bin: txn.bin } } : {};
  } else {
    const { holders, rev } = await AccountNumberItem.get(store, txn.accountNumber);
    const sole = soleActiveHolder(holders);
    found = sole
      ? { match: { stallId: sole.stallId, marketId: sole.marketId, bin: sole.bin }, rev }
      : { reason: holders.length === 0 ? "no-account" : "ambiguous", rev };
  }
  if (found.match && isBoardHolder(found.match.stallId))
    found = { board: found.match, reason: "board", ...(found.rev === undefined ? {} : { rev: found.rev }) };
  if (found.match || found.board) cache.set(key, { found, expires: Date.now() + CACHE_TTL_MS });
  return { ...found, calls: 1 };
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
 * A payment to a market board's account is no stall's: when its description names one of the market's bills, the
 * same transaction stores it and settles that bill, conditioned on the bill's revision (a race re-reads the bill and
 * tries again); otherwise it waits for the manager (docs/contract.md §20).
 * Store trouble (throttling, unreachable, retries exhausted) throws `StoreUnavailableError`: answer 503.
 */
export async function ingest(
  deps: IngestDeps,
  incoming: IncomingTransaction,
  provenance: Provenance = viaCallback(incoming.provider),
): Promise<IngestResult> {
  const { store, clock } = deps;
  let storeCalls = 0;
  if (incoming.direction !== "in" || incoming.amount <= 0)
    return { status: "ignored", id: incoming.providerTxnId, storeCalls };
  // Adapters and statements refuse these first; this is the money path's own guard (docs/contract.md §10).
  if (!Number.isSafeInteger(incoming.amount) || incoming.amount > MAX_AMOUNT)
    throw validationError("The amount must be a whole number of VND of at most 13 digits", [
      { path: "amount", message: "At most 9,999,999,999,999" },
    ]);
  if (incoming.virtualAccount) {
    // Only a stall's own registered account is an account; otherwise the payment went to the main account.
    const va = await guard(() => lookup(store, { ...incoming, accountNumber: incoming.virtualAccount! }));
    storeCalls += va.calls;
    if (va.match) incoming = { ...incoming, accountNumber: incoming.virtualAccount };
  }
  const hash = payerHash(deps.config.payerKey, incoming.payer);
  const receivedAt = clock.now().toISOString();
  const arrival: Arrival = {
    source: provenance.source,
    at: receivedAt,
    by: provenance.by,
    provider: incoming.provider,
    id: incoming.providerTxnId,
    ...(provenance.audit ? { audit: provenance.audit } : {}),
  };
  const txn: StoredTransaction = {
    id: incoming.providerTxnId,
    provider: incoming.provider,
    ...(incoming.bin ? { bin: incoming.bin } : {}),
    accountNumber: incoming.accountNumber,
    amount: incoming.amount,
    paidAt: incoming.paidAt,
    receivedAt,
    description: incoming.description.slice(0, 500),
    ...(hash ? { payerHash: hash } : {}),
    ...(incoming.bankRef?.trim() ? { bankRef: incoming.bankRef.trim().slice(0, 64) } : {}),
    source: provenance.source,
    by: provenance.by,
    arrivals: [arrival],
  };
  const also = provenance.also?.(txn) ?? [];
  let billRaces = 0;
  for (let attempt = 1; ; attempt++) {
    const found = await guard(() => lookup(store, txn));
    storeCalls += found.calls;
    let bill: Bill | undefined;
    if (found.board) {
      const named = await guard(() => billNamedIn(store, found.board!.marketId, txn.description));
      storeCalls += named.calls;
      bill = named.bill;
    }
    storeCalls++;
    const { items, billAt } = await writes(store, txn, found, also, bill);
    const reasons = await tryCommit(store, items);
    if (reasons) {
      if (reasons[0] === "ConditionalCheckFailed") {
        // Already stored. A different way of arriving (the sync after the webhook) is added to its provenance.
        storeCalls += await TransactionItem.addArrival(store, txn.provider, txn.id, arrival);
        return { status: "duplicate", id: txn.id, storeCalls };
      }
      const ref = bankRefOf(txn, found);
      if (ref && reasons[2] === "ConditionalCheckFailed") {
        // The same bank transaction under another provider id (Casso's re-delivery, a second provider): one
        // payment. The one stored first lists this way of arriving too.
        const holder = await BankRefItem.holder(store, ref);
        storeCalls++;
        if (holder)
          storeCalls += await TransactionItem.addArrival(store, holder.provider, holder.id, arrival);
        return { status: "duplicate", id: txn.id, storeCalls };
      }
      const billRace =
        billAt !== undefined &&
        (reasons[billAt] === "ConditionalCheckFailed" || isTransientCancellation(reasons)) &&
        reasons[1] !== "ConditionalCheckFailed";
      if (billRace && billRaces++ < MAX_BILL_RACES) {
        // Another payment (or the manager) changed the bill since it was read, or is changing it: read it again
        // and add to what it holds then.
        attempt--;
        await backoff(billRaces);
        continue;
      }
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
    if (found.match) {
      const stored = { amount: txn.amount, paidAt: txn.paidAt, description: txn.description };
      return { status: "stored", id: txn.id, stallId: found.match.stallId, stored, storeCalls };
    }
    if (bill) return { status: "stored", id: txn.id, billId: billId(bill), storeCalls };
    return { status: "unmatched", id: txn.id, storeCalls };
  }
}
