import { z } from "zod";
import type { Actor } from "../audit/audit";
import * as Audit from "../audit/audit";
import { type Clock, newId } from "../clock";
import { conflict, validationError } from "../errors";
import { isBoardHolder } from "../fee/boardHolder";
import { countPayment } from "../rollup/rollups";
import { AccountItem, accountKey } from "../stall/accountItem";
import * as Stall from "../stall/stall";
import { StallItem } from "../stall/stallItem";
import type { Store } from "../store/client";
import { commit, tryCommit } from "../store/transact";
import {
  assignment,
  type Match,
  paymentNamed,
  type StoredTransaction,
  TransactionItem,
} from "./transactionItem";

/**
 * Matching payments that arrived before a stall held their account (docs/contract.md §10). Only a payment that
 * named the exact (BIN, account) pair is attached by itself — when a stall registers or changes to that account,
 * and by the nightly sweep; one that named no bank waits for an admin's `assignUnmatched`, since whoever registers
 * a number first must not collect what was paid to it. Every claim is conditioned on the record still being
 * unmatched, so claims racing each other (or a new callback) count a payment once.
 */

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
  const refs = await TransactionItem.refsByAccount(store, stall.accountNumber);
  const match: Match = { stallId: stall.id, marketId: stall.marketId, bin: stall.bin };
  let claimed = 0;
  for (const ref of refs) {
    if (ref.bin !== stall.bin) continue;
    const txn = await TransactionItem.get(store, ref.provider, ref.id);
    if (!txn || txn.stallId) {
      await tryCommit(store, [TransactionItem.deleteRef(store, ref)]);
      continue;
    }
    const written = await tryCommit(store, [
      TransactionItem.assign(store, txn, match, clock.now().toISOString()),
      TransactionItem.deleteRef(store, ref),
      AccountItem.stillHeldBy(store, stall.id, stall.bin, stall.accountNumber),
      ...(await countPayment(store, { ...txn, stallId: match.stallId, marketId: match.marketId })),
    ]);
    // Cancelled: claimed by someone else meanwhile, or the account moved on. Nothing to do for this one.
    if (written === null) claimed++;
  }
  return claimed;
}

/** Claims, for each of these stalls, the payments that wait for its account (a few stalls at a time). */
export async function claimForStalls(
  deps: { store: Store; clock: Clock },
  stalls: Stall.Stall[],
): Promise<number> {
  let claimed = 0;
  for (let i = 0; i < stalls.length; i += 16) {
    const counts = await Promise.all(
      stalls.slice(i, i + 16).map((s) =>
        claimUnmatched(deps, {
          id: s.id,
          marketId: s.marketId,
          bin: s.bank.bin,
          accountNumber: s.bank.accountNumber,
        }),
      ),
    );
    claimed += counts.reduce((a, b) => a + b, 0);
  }
  return claimed;
}

/** Every unmatched transaction's receiving account, once each (full number: this never leaves the server). */
async function unmatchedAccounts(
  store: Store,
): Promise<{ count: number; accounts: { bin?: string; accountNumber: string }[] }> {
  const all = await TransactionItem.unmatchedAccounts(store);
  const accounts = new Map(all.map((a) => [`${a.bin ?? ""}|${accountKey(a.accountNumber)}`, a]));
  return { count: all.length, accounts: [...accounts.values()] };
}

/**
 * The nightly safety net for matching: every unmatched transaction whose account now belongs to a stall is
 * claimed and counted (once — claims are conditional). Registration claims at once; this catches the rest.
 */
export async function sweepUnmatched(deps: {
  store: Store;
  clock: Clock;
}): Promise<{ unmatched: number; claimed: number }> {
  const { count, accounts } = await unmatchedAccounts(deps.store);
  let claimed = 0;
  for (const { bin, accountNumber } of accounts) {
    if (!bin) continue;
    const owner = await AccountItem.get(deps.store, bin, accountNumber);
    // A market board's account: its payments are fees (docs/contract.md §20), never a stall's.
    if (owner && !isBoardHolder(owner.stallId))
      claimed += await claimUnmatched(deps, {
        id: owner.stallId,
        marketId: owner.marketId,
        bin,
        accountNumber,
      });
  }
  return { unmatched: count, claimed };
}

/**
 * What an admin sends to give a waiting payment to a stall. `reason` is required when the stall's bank account is
 * not the one the payment was made to (its number, or the bank the provider named), and is kept in the audit.
 */
export const AssignPaymentSchema = z
  .strictObject({
    stallId: z.string().min(1).max(64),
    reason: z.string().trim().min(3).max(500).optional(),
  })
  .meta({ id: "AssignPayment" });

/** Whether a payment was made to a stall's own account: the same number, and the same bank when it named one. */
function paidToStallAccount(txn: StoredTransaction, stall: Stall.Stall): boolean {
  return (
    accountKey(txn.accountNumber) === accountKey(stall.bank.accountNumber) &&
    (!txn.bin || txn.bin === stall.bank.bin)
  );
}

/** The unmatched payments an admin may assign: by `provider:id`, or by the provider's id alone when unambiguous. */
async function findUnmatched(store: Store, ref: string): Promise<StoredTransaction> {
  const txn = await paymentNamed(store, ref, () => true, "id");
  if (txn.stallId)
    throw conflict("This payment is already counted for a stall", [{ path: "id", message: "Matched" }]);
  if (txn.reason === "board")
    throw conflict("This payment was made to a market board's account; it is a fee, not a stall's takings", [
      { path: "id", message: "Paid to a market board" },
    ]);
  return txn;
}

/**
 * An admin gives a waiting payment to a stall (docs/contract.md §10): the record gets its stall, its source becomes
 * `assignment` by the admin (one more arrival), the stall's and market's rollups count it, its reference under the
 * account is removed and an audit entry says who did it and why — all in one transaction, conditioned on the
 * payment still being unmatched and the stall still active and as read, so it is counted once however often it is
 * asked. A suspended stall is refused (`409`): it takes no money. A stall whose account is not the one paid needs a
 * written `reason` (`400` without), kept in the audit beside `accountDiffers: true`.
 * Returns the payment as the stall's listings now show it.
 */
export async function assignUnmatched(
  deps: { store: Store; clock: Clock },
  actor: Actor,
  ref: string,
  request: { stallId: string; reason?: string | undefined },
): Promise<StoredTransaction> {
  const { store, clock } = deps;
  const txn = await findUnmatched(store, ref);
  const stall = await Stall.get(store, request.stallId);
  if (stall.status !== "active")
    throw conflict("A suspended stall cannot be given payments", [
      { path: "stallId", message: "The stall is suspended" },
    ]);
  const accountDiffers = !paidToStallAccount(txn, stall);
  if (accountDiffers && !request.reason)
    throw validationError("The payment was made to another account than this stall's: say why it is theirs", [
      { path: "reason", message: "Required when the stall's account differs from the payment's" },
    ]);
  const reason = request.reason;
  const match: Match = { stallId: stall.id, marketId: stall.marketId, bin: stall.bank.bin };
  const at = clock.now().toISOString();
  const auditId = newId(clock);
  const { arrival, own } = await assignment(store, txn, Audit.actorOf(actor), at, auditId, reason);
  await commit(
    store,
    [
      TransactionItem.assign(store, txn, match, at, arrival),
      StallItem.stillActive(store, stall),
      ...(await countPayment(store, { ...txn, stallId: match.stallId, marketId: match.marketId })),
      ...(own ? [TransactionItem.deleteRef(store, own)] : []),
      Audit.entry(store, clock, {
        id: auditId,
        actor,
        action: "payment.assigned",
        entity: { kind: "transaction", id: `${txn.provider}:${txn.id}` },
        marketId: stall.marketId,
        before: { stallId: null, reason: txn.reason ?? null },
        after: {
          stallId: stall.id,
          amount: txn.amount,
          accountNumber: txn.accountNumber,
          bin: txn.bin ?? null,
          accountDiffers,
          ...(reason ? { reason } : {}),
        },
      }),
    ],
    (i) =>
      i === 0
        ? { path: "id", message: "This payment was assigned meanwhile" }
        : i === 1
          ? { path: "stallId", message: "The stall changed or was suspended meanwhile; retry" }
          : null,
  );
  return {
    ...txn,
    stallId: stall.id,
    marketId: stall.marketId,
    matchedAt: at,
    source: "assignment",
    by: arrival.by,
    arrivals: [...txn.arrivals, arrival],
  };
}
