import type { Clock } from "../clock";
import { countPayment } from "../rollup/rollups";
import { AccountItem, accountKey } from "../stall/accountItem";
import { findByAccount, type Stall } from "../stall/stall";
import type { Store } from "../store/client";
import { tryCommit } from "../store/transact";
import { type Match, TransactionItem } from "./transactionItem";

/**
 * Matching payments that arrived before a stall held their account: claimed when a stall registers or changes
 * its account, and by the nightly sweep. Every claim is conditioned on the record still being unmatched and the
 * stall still holding the account, so claims racing each other (or a new callback) count a payment once.
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
    if (ref.bin && ref.bin !== stall.bin) continue;
    const txn = await TransactionItem.get(store, ref.provider, ref.id);
    if (!txn || txn.stallId) {
      await tryCommit(store, [TransactionItem.deleteRef(store, ref)]);
      continue;
    }
    const written = await tryCommit(store, [
      TransactionItem.assign(store, txn, match, clock.now().toISOString()),
      TransactionItem.deleteRef(store, ref),
      AccountItem.stillHeldBy(store, stall.id, stall.bin, stall.accountNumber),
      ...countPayment(store, { ...txn, stallId: match.stallId, marketId: match.marketId }),
    ]);
    // Cancelled: claimed by someone else meanwhile, or the account moved on. Nothing to do for this one.
    if (written === null) claimed++;
  }
  return claimed;
}

/** Claims, for each of these stalls, the payments that wait for its account (a few stalls at a time). */
export async function claimForStalls(deps: { store: Store; clock: Clock }, stalls: Stall[]): Promise<number> {
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
    const owner = await findByAccount(deps.store, accountNumber, bin);
    if (owner)
      claimed += await claimUnmatched(deps, {
        id: owner.stallId,
        marketId: owner.marketId,
        bin: owner.bin,
        accountNumber,
      });
  }
  return { unmatched: count, claimed };
}
