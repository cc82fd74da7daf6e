import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { guard, queryAll, type Store } from "../store/client";
import type { WriteItem } from "../store/transact";
import type { FeePeriod } from "./schedule";

/**
 * A fee bill (docs/data-model.md): one stall's fee for one period, under a key made from the stall and the period
 * alone — so however often and in whatever order the daily job runs, a period is billed once (a conditional put).
 *  - byMarketMonth ... pk MARKET#<marketId>#BILLS#<YYYY-MM>  sk <periodKey>#<stallId>
 *  - byStall ......... gsi1 STALL#<stallId>#BILLS / <periodKey>
 */
export const BILL_STATUSES = ["open", "partly-paid", "paid", "paid-cash", "waived"] as const;
export type BillStatus = (typeof BILL_STATUSES)[number];

export interface Bill {
  marketId: string;
  stallId: string;
  stallCode: string;
  period: FeePeriod;
  periodKey: string;
  amount: number;
  reference: string;
  dueOn: string;
  status: BillStatus;
  /** VND received so far (by QR or in cash): `paidQr` + `paidCash`. */
  paid: number;
  issuedAt: string;
  /** VND received by QR to the board's account (absent: 0; settlement, issue 29). */
  paidQr?: number;
  /** VND the manager recorded as paid in cash (absent: 0). */
  paidCash?: number;
  /** VND received beyond the amount (absent: 0). */
  excess?: number;
  /** When it became `paid`, `paid-cash` or `waived`. */
  settledAt?: string;
  waivedReason?: string;
  cashNote?: string;
  /** The ids of the payments that settled it, oldest first. */
  payments?: string[];
}

const partition = (marketId: string, month: string) => `MARKET#${marketId}#BILLS#${month}`;
const key = (marketId: string, periodKey: string, stallId: string) => ({
  pk: partition(marketId, periodKey.slice(0, 7)),
  sk: `${periodKey}#${stallId}`,
});

function fromItem(item: Record<string, unknown>): Bill {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, type: _t, v: _v, ...bill } = item;
  return bill as unknown as Bill;
}

export const BillItem = {
  key,
  /** A new bill; fails if the stall's period is billed already. */
  create: (store: Store, bill: Bill): WriteItem => ({
    Put: {
      TableName: store.table,
      Item: {
        ...key(bill.marketId, bill.periodKey, bill.stallId),
        gsi1pk: `STALL#${bill.stallId}#BILLS`,
        gsi1sk: bill.periodKey,
        type: "bill",
        v: 1,
        ...bill,
      },
      ConditionExpression: "attribute_not_exists(pk)",
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
};
