import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { guard, queryAll, type Store } from "../store/client";
import { decodeCursor, encodeCursor, type Page, type PageRequest } from "../store/page";
import type { WriteItem } from "../store/transact";
import type { Bill, BillStatus } from "./bill";

export { BILL_STATUSES, type Bill, type BillStatus } from "./bill";

/**
 * A fee bill (docs/data-model.md): one stall's fee for one period, under a key made from the stall and the period
 * alone — so however often and in whatever order the daily job runs, a period is billed once (a conditional put).
 * Every later change (a payment, cash, a waiver) replaces it conditioned on its revision `rev`.
 *  - byMarketMonth ... pk MARKET#<marketId>#BILLS#<YYYY-MM>  sk <periodKey>#<stallId>
 *  - byStall ......... gsi1 STALL#<stallId>#BILLS / <periodKey>
 */
const partition = (marketId: string, month: string) => `MARKET#${marketId}#BILLS#${month}`;
const key = (marketId: string, periodKey: string, stallId: string) => ({
  pk: partition(marketId, periodKey.slice(0, 7)),
  sk: `${periodKey}#${stallId}`,
});
const byStallPk = (stallId: string) => `STALL#${stallId}#BILLS`;

/** A stored bill; one issued before settlement was kept reads as unpaid, at revision 0. */
function fromItem(item: Record<string, unknown>): Bill {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, type: _t, v: _v, ...rest } = item;
  const bill = rest as unknown as Bill;
  const paidQr = bill.paidQr ?? 0;
  const paidCash = bill.paidCash ?? 0;
  return {
    ...bill,
    paidQr,
    paidCash,
    paid: paidQr + paidCash,
    excess: bill.excess ?? 0,
    payments: bill.payments ?? [],
    rev: bill.rev ?? 0,
  };
}

const item = (bill: Bill) => ({
  ...key(bill.marketId, bill.periodKey, bill.stallId),
  gsi1pk: byStallPk(bill.stallId),
  gsi1sk: bill.periodKey,
  type: "bill",
  v: 1,
  ...bill,
});

export interface BillFilter {
  /** Only the bills of this period (a date, or a month `YYYY-MM` for month bills). */
  periodKey?: string;
  stallId?: string;
  status?: BillStatus;
}

export const BillItem = {
  key,
  /** A new bill; fails if the stall's period is billed already. */
  create: (store: Store, bill: Bill): WriteItem => ({
    Put: { TableName: store.table, Item: item(bill), ConditionExpression: "attribute_not_exists(pk)" },
  }),
  /** The bill as changed; fails unless it is still at revision `seenRev` (a bill stored without one is at 0). */
  replace: (store: Store, next: Bill, seenRev: number): WriteItem => ({
    Put: {
      TableName: store.table,
      Item: item(next),
      ConditionExpression:
        seenRev === 0 ? "attribute_exists(pk) AND (attribute_not_exists(rev) OR rev = :rev)" : "rev = :rev",
      ExpressionAttributeValues: { ":rev": seenRev },
    },
  }),
  async get(store: Store, marketId: string, periodKey: string, stallId: string): Promise<Bill | undefined> {
    const res = await guard(() =>
      store.doc.send(
        new GetCommand({
          TableName: store.table,
          Key: key(marketId, periodKey, stallId),
          ConsistentRead: true,
        }),
      ),
    );
    return res.Item ? fromItem(res.Item) : undefined;
  },
  /** byStall: a stall's bills, newest period first. */
  async byStall(store: Store, stallId: string): Promise<Bill[]> {
    const items = await queryAll(store, {
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": `STALL#${stallId}#BILLS` },
      ScanIndexForward: false,
    });
    return items.map(fromItem);
  },
  /** byMarketMonth: a market's bills whose period falls in a month, by period then stall. */
  async byMarketMonth(store: Store, marketId: string, month: string): Promise<Bill[]> {
    const items = await queryAll(store, {
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": partition(marketId, month) },
      ConsistentRead: true,
    });
    return items.map(fromItem);
  },
  /**
   * byMarketMonth, one page: a month's bills by period then stall, narrowed to one period (a key prefix), a stall or
   * a status (filters: a page may hold fewer than `limit` and still have a next cursor).
   */
  async pageOfMonth(
    store: Store,
    marketId: string,
    month: string,
    filter: BillFilter,
    page: PageRequest,
  ): Promise<Page<Bill>> {
    const filters: string[] = [];
    const values: Record<string, unknown> = { ":pk": partition(marketId, month) };
    if (filter.stallId) {
      filters.push("stallId = :stall");
      values[":stall"] = filter.stallId;
    }
    if (filter.status) {
      filters.push("#status = :status");
      values[":status"] = filter.status;
    }
    if (filter.periodKey) values[":period"] = `${filter.periodKey}#`;
    const res = await guard(() =>
      store.doc.send(
        new QueryCommand({
          TableName: store.table,
          KeyConditionExpression: filter.periodKey ? "pk = :pk AND begins_with(sk, :period)" : "pk = :pk",
          ...(filters.length > 0 ? { FilterExpression: filters.join(" AND ") } : {}),
          ...(filter.status ? { ExpressionAttributeNames: { "#status": "status" } } : {}),
          ExpressionAttributeValues: values,
          Limit: page.limit,
          ExclusiveStartKey: decodeCursor(page.cursor),
        }),
      ),
    );
    return { items: (res.Items ?? []).map(fromItem), nextCursor: encodeCursor(res.LastEvaluatedKey) };
  },
  /** byStall: a stall's bills, newest period first, optionally of one status. */
  async pageOfStall(
    store: Store,
    stallId: string,
    status: BillStatus | undefined,
    page: PageRequest,
  ): Promise<Page<Bill>> {
    const res = await guard(() =>
      store.doc.send(
        new QueryCommand({
          TableName: store.table,
          IndexName: "gsi1",
          KeyConditionExpression: "gsi1pk = :pk",
          ...(status
            ? { FilterExpression: "#status = :status", ExpressionAttributeNames: { "#status": "status" } }
            : {}),
          ExpressionAttributeValues: { ":pk": byStallPk(stallId), ...(status ? { ":status": status } : {}) },
          ScanIndexForward: false,
          Limit: page.limit,
          ExclusiveStartKey: decodeCursor(page.cursor),
        }),
      ),
    );
    return { items: (res.Items ?? []).map(fromItem), nextCursor: encodeCursor(res.LastEvaluatedKey) };
  },
};
