import type { Clock } from "../clock";
import { accountKey, findByAccount } from "../stall/stall";
import { queryAll, type Store } from "../store/client";
import { claimUnmatched } from "./ingest";

/** Every unmatched transaction's receiving account (full number: this never leaves the server). */
async function unmatchedAccounts(
  store: Store,
): Promise<{ count: number; accounts: { bin?: string; accountNumber: string }[] }> {
  const accounts = new Map<string, { bin?: string; accountNumber: string }>();
  const items = await queryAll(store, {
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :pk",
    ExpressionAttributeValues: { ":pk": "UNMATCHED" },
    ProjectionExpression: "bin, accountNumber",
  });
  for (const i of items) {
    const bin = i.bin as string | undefined;
    accounts.set(`${bin ?? ""}|${accountKey(String(i.accountNumber))}`, {
      ...(bin ? { bin } : {}),
      accountNumber: String(i.accountNumber),
    });
  }
  const count = items.length;
  return { count, accounts: [...accounts.values()] };
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
