import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { guard, queryAcrossPartitions, queryPage, type Store } from "../store/client";
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
  const { id, at, actor, action, entity, marketId, before } = item as unknown as AuditEntry;
  let after = (item as unknown as AuditEntry).after;
  // A tallied entry keeps its running count and total beside `after` (DynamoDB cannot SET a map and ADD inside it
  // in one update); they are part of what it says.
  if (item.tallyCount !== undefined)
    after = { ...after, count: Number(item.tallyCount), total: Number(item.tallyTotal ?? 0) };
  return { id, at, actor, action, entity, marketId: marketId ?? null, before, after };
}

const entryKeys = (entry: Pick<AuditEntry, "id" | "at" | "entity" | "marketId">) => {
  const sort = `${entry.at}#${entry.id}`;
  return {
    pk: byMarketPk(entry.marketId),
    sk: sort,
    ...(entry.entity.kind === "stall" ? { gsi1pk: byStallPk(entry.entity.id), gsi1sk: sort } : {}),
    gsi2pk: byMonthPk(entry.at.slice(0, 7)),
    gsi2sk: sort,
  };
};

export const AuditItem = {
  /** The entry; fails if its id exists (it never does: ids are fresh), so an entry is never overwritten. */
  create(store: Store, entry: AuditEntry): WriteItem {
    return {
      Put: {
        TableName: store.table,
        Item: {
          ...entryKeys(entry),
          type: "audit",
          v: 1,
          ...entry,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    };
  },
  /**
   * A run's entry, created by the run's first write and added to by each later one (one per stored payment of a
   * statement): the same fields each time, and `tallyCount`/`tallyTotal` incremented. Never written outside a run.
   */
  tally(
    store: Store,
    entry: AuditEntry & { after: Record<string, unknown> },
    add: { count: number; amount: number },
  ): WriteItem {
    const { pk, sk, ...indexKeys } = entryKeys(entry);
    const fields: Record<string, unknown> = { ...indexKeys, type: "audit", v: 1, ...entry };
    // Placeholders by position (`#f0 = :f0`): attribute names like `at` and `type` are reserved words.
    const names = Object.keys(fields);
    const name = (i: number) => "#f".concat(String(i));
    const value = (i: number) => ":f".concat(String(i));
    return {
      Update: {
        TableName: store.table,
        Key: { pk, sk },
        UpdateExpression: "SET "
          .concat(names.map((_, i) => name(i).concat(" = ", value(i))).join(", "))
          .concat(" ADD tallyCount :count, tallyTotal :amount"),
        ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [name(i), n])),
        ExpressionAttributeValues: {
          ...Object.fromEntries(names.map((n, i) => [value(i), fields[n]])),
          ":count": add.count,
          ":amount": add.amount,
        },
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
  byMonth: (
    store: Store,
    months: string[],
    range: { lo: string; hi: string },
    page: PageRequest,
  ): Promise<Page<AuditEntry>> =>
    queryAcrossPartitions(
      store,
      {
        index: "gsi2",
        partitions: [...months].reverse().map(byMonthPk),
        between: [range.lo, range.hi],
        newestFirst: true,
      },
      page,
      fromItem,
    ),
};
