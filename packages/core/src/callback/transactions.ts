import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { addDays, type LocalDate, localTimeToUtc, monthsBetween } from "../calendar/localDate";
import { mask } from "../stall/stall";
import { guard, queryPage, type Store } from "../store/client";
import { Keys } from "../store/keys";
import { decodeCursor, encodeCursor, type Page, type PageRequest } from "../store/page";
import type { StoredTransaction } from "./ingest";

/** A transaction as listings show it (contract §6). */
export interface TransactionView {
  id: string;
  provider: string;
  stallId: string | null;
  marketId: string | null;
  amount: number;
  paidAt: string;
  receivedAt: string;
  description: string;
  accountNumber: string;
}

export function present(t: StoredTransaction): TransactionView {
  return {
    id: t.id,
    provider: t.provider,
    stallId: t.stallId ?? null,
    marketId: t.marketId ?? null,
    amount: t.amount,
    paidAt: t.paidAt,
    receivedAt: t.receivedAt,
    description: t.description,
    accountNumber: mask(t.accountNumber),
  };
}

/** UTC bounds of a local date range, as sort-key prefixes (`paidAt` sorts as ISO text). */
function bounds(from: LocalDate, to: LocalDate) {
  return {
    lo: localTimeToUtc(from, "00:00").toISOString(),
    hi: localTimeToUtc(addDays(to, 1), "00:00").toISOString(),
  };
}

/** A stall's transactions paid in a local date range, oldest first. */
export async function listForStall(
  store: Store,
  stallId: string,
  range: { from: LocalDate; to: LocalDate },
  page: PageRequest,
): Promise<Page<TransactionView>> {
  const { lo, hi } = bounds(range.from, range.to);
  return queryPage(store, { gsi1pk: Keys.transactionsOfStallPk(stallId), between: [lo, hi] }, page, (i) =>
    present(i as unknown as StoredTransaction),
  );
}

/**
 * A market's transactions paid in a local date range, oldest first. The index is split by month, so the
 * cursor carries the month it stopped in as well as the store's position within it.
 */
export async function listForMarket(
  store: Store,
  marketId: string,
  range: { from: LocalDate; to: LocalDate },
  page: PageRequest,
): Promise<Page<TransactionView>> {
  const { lo, hi } = bounds(range.from, range.to);
  const months = monthsBetween(range.from, range.to);
  const state = decodeCursor(page.cursor) as { m?: string; k?: string } | undefined;
  let index = state?.m ? months.indexOf(state.m) : 0;
  if (index < 0) index = months.length;
  let startKey = state?.k ? JSON.parse(state.k) : undefined;
  const items: TransactionView[] = [];
  while (index < months.length && items.length < page.limit) {
    const res = await guard(() =>
      store.doc.send(
        new QueryCommand({
          TableName: store.table,
          IndexName: "gsi2",
          KeyConditionExpression: "gsi2pk = :pk AND gsi2sk BETWEEN :lo AND :hi",
          ExpressionAttributeValues: {
            ":pk": Keys.transactionsOfMarketPk(marketId, months[index]!),
            ":lo": lo,
            ":hi": hi,
          },
          Limit: page.limit - items.length,
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    items.push(...(res.Items ?? []).map((i) => present(i as StoredTransaction)));
    if (res.LastEvaluatedKey) startKey = res.LastEvaluatedKey;
    else {
      index++;
      startKey = undefined;
    }
  }
  const nextCursor =
    index < months.length
      ? encodeCursor({ m: months[index]!, ...(startKey ? { k: JSON.stringify(startKey) } : {}) })
      : undefined;
  return { items, nextCursor };
}

/** Transactions no stall has claimed yet, oldest first (admin). */
export function listUnmatched(
  store: Store,
  page: PageRequest,
): Promise<Page<TransactionView & { bin: string | null }>> {
  return queryPage(store, { gsi1pk: "UNMATCHED" }, page, (i) => ({
    ...present(i as unknown as StoredTransaction),
    bin: (i.bin as string) ?? null,
  }));
}
