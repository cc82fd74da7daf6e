import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { guard, queryPage, type Store } from "../store/client";
import { decodeCursor, encodeCursor, type Page, type PageRequest } from "../store/page";
import type { WriteItem } from "../store/transact";
import type { AuditEntry } from "./audit";

/**
 * An audit entry: written once, in the same transaction as the change it records, never changed or deleted
 * (docs/data-model.md). Entries of no market (keys of the platform) live under `-`.
 *  - byMarket ... pk AUDIT#<marketId>  sk <at>#<id>
 *  - byStall .... gsi1 AUDIT#STALL#<stallId> / <at>#<id>
 *  - byMonth .... gsi2 AUDITS#<YYYY-MM> / <at>#<id>
 */
const NO_MARKET = "-";
const byMarketPk = (marketId: string | null) => `AUDIT#${marketId ?? NO_MARKET}`;
const byStallPk = (stallId: string) => `AUDIT#STALL#${stallId}`;
const byMonthPk = (month: string) => `AUDITS#${month}`;

function fromItem(item: Record<string, unknown>): AuditEntry {
  const { id, at, actor, action, entity, marketId, before, after } = item as unknown as AuditEntry;
  return { id, at, actor, action, entity, marketId: marketId ?? null, before, after };
}

export const AuditItem = {
  /** The entry; fails if its id exists (it never does: ids are fresh), so an entry is never overwritten. */
  create(store: Store, entry: AuditEntry): WriteItem {
    const sort = `${entry.at}#${entry.id}`;
    return {
      Put: {
        TableName: store.table,
        Item: {
          pk: byMarketPk(entry.marketId),
          sk: sort,
          ...(entry.entity.kind === "stall" ? { gsi1pk: byStallPk(entry.entity.id), gsi1sk: sort } : {}),
          gsi2pk: byMonthPk(entry.at.slice(0, 7)),
          gsi2sk: sort,
          type: "audit",
          v: 1,
          ...entry,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    };
  },
  /** byMarket: a market's entries between two instants, newest first. */
  async byMarket(
    store: Store,
    marketId: string | null,
    range: { lo: string; hi: string },
    page: PageRequest,
  ): Promise<Page<AuditEntry>> {
    const res = await guard(() =>
      store.doc.send(
        new QueryCommand({
          TableName: store.table,
          KeyConditionExpression: "pk = :pk AND sk BETWEEN :lo AND :hi",
          ExpressionAttributeValues: { ":pk": byMarketPk(marketId), ":lo": range.lo, ":hi": range.hi },
          ScanIndexForward: false,
          Limit: page.limit,
          ExclusiveStartKey: decodeCursor(page.cursor),
        }),
      ),
    );
    return { items: (res.Items ?? []).map(fromItem), nextCursor: encodeCursor(res.LastEvaluatedKey) };
  },
  /** byStall: a stall's entries, oldest first. */
  byStall: (store: Store, stallId: string, page: PageRequest): Promise<Page<AuditEntry>> =>
    queryPage(store, { gsi1pk: byStallPk(stallId) }, page, fromItem),
  /**
   * byMonth: every market's entries between two instants, newest first, month partition by month. The cursor
   * carries the month it stopped in and the store's position in it.
   */
  async byMonth(
    store: Store,
    months: string[],
    range: { lo: string; hi: string },
    page: PageRequest,
  ): Promise<Page<AuditEntry>> {
    const newestFirst = [...months].reverse();
    const state = decodeCursor(page.cursor) as { m?: string; k?: string } | undefined;
    let index = state?.m ? newestFirst.indexOf(state.m) : 0;
    if (index < 0) index = newestFirst.length;
    let startKey = state?.k ? (decodeCursor(state.k) as Record<string, unknown>) : undefined;
    const items: AuditEntry[] = [];
    while (index < newestFirst.length && items.length < page.limit) {
      const res = await guard(() =>
        store.doc.send(
          new QueryCommand({
            TableName: store.table,
            IndexName: "gsi2",
            KeyConditionExpression: "gsi2pk = :pk AND gsi2sk BETWEEN :lo AND :hi",
            ExpressionAttributeValues: {
              ":pk": byMonthPk(newestFirst[index]!),
              ":lo": range.lo,
              ":hi": range.hi,
            },
            ScanIndexForward: false,
            Limit: page.limit - items.length,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      items.push(...(res.Items ?? []).map(fromItem));
      if (res.LastEvaluatedKey) startKey = res.LastEvaluatedKey;
      else {
        index++;
        startKey = undefined;
      }
    }
    const nextCursor =
      index < newestFirst.length
        ? encodeCursor({ m: newestFirst[index]!, ...(startKey ? { k: encodeCursor(startKey)! } : {}) })
        : undefined;
    return { items, nextCursor };
  },
};
