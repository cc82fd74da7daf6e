import { type LocalDate, monthsBetween } from "../calendar/localDate";
import { queryAll, type Store } from "../store/client";
import type { WriteItem } from "../store/transact";
import { exactMoney } from "./money";

/** One stall's payments on one market day (docs/contract.md §21), as the callback path counts them. */
export interface StallDay {
  stallId: string;
  date: LocalDate;
  count: number;
  value: number;
  /**
   * Minutes after the market day's midnight in which a payment was made: 0–1439, and up to 2879 for a night
   * market's payments after midnight (they belong to the session that opened the evening before).
   */
  minutes: number[];
  /** Distinct payer hashes. */
  payers: string[];
  /** Amount → number of payments of that amount. */
  amounts: Map<number, number>;
}

/** What a counted payment adds to its rollups. */
export interface Counted {
  stallId: string;
  marketId: string;
  amount: number;
  paidAt: string;
  payerHash?: string;
}

/**
 * The stall-day rollup (docs/data-model.md). It keeps what evaluations need without reading transactions — the
 * minutes of the day that saw a payment (session windows), an amount histogram `a<amount>` (median ticket) and
 * payer hashes (distinct payers). It is keyed by its market's month, so a market's days are one query of the table
 * and the item has no index copy to pay for on each payment; a market's day totals are the sum of its stall-days.
 * A stall's market never changes (`StallPatchSchema` has no `marketId`), so a stall's day is found by its market.
 *  - byMarketMonth ... pk MARKET#<marketId>#STALLDAYS#<YYYY-MM>  sk <date>#<stallId>
 */
const byMarketMonthPk = (marketId: string, month: string) => `MARKET#${marketId}#STALLDAYS#${month}`;
const key = (marketId: string, stallId: string, date: LocalDate) => ({
  pk: byMarketMonthPk(marketId, date.slice(0, 7)),
  sk: `${date}#${stallId}`,
});
const AMOUNT_ATTR = /^a\d+$/;

function fromItem(i: Record<string, unknown>): StallDay {
  const amounts = new Map<number, number>();
  for (const [k, v] of Object.entries(i)) if (AMOUNT_ATTR.test(k)) amounts.set(Number(k.slice(1)), Number(v));
  return {
    stallId: String(i.stallId),
    date: String(i.date),
    count: Number(i.count ?? 0),
    value: exactMoney(i.value),
    minutes: [...((i.minutes as Set<number>) ?? [])].map(Number),
    payers: [...((i.payers as Set<string>) ?? [])].map(String),
    amounts,
  };
}

export const StallDayItem = {
  key,
  /** A whole stall-day as the callback path leaves it (for bulk seeding: benchmarks and scale runs). */
  toItem: (marketId: string, day: StallDay) => ({
    ...key(marketId, day.stallId, day.date),
    type: "stallDay",
    v: 1,
    marketId,
    stallId: day.stallId,
    date: day.date,
    count: day.count,
    value: day.value,
    minutes: new Set(day.minutes),
    ...(day.payers.length ? { payers: new Set(day.payers) } : {}),
    ...Object.fromEntries([...day.amounts].map(([amount, n]) => [`a${amount}`, n])),
  }),
  /** Counts one payment on its stall's market day (created on the first). */
  count(store: Store, paid: Counted, day: { date: LocalDate; minute: number }): WriteItem {
    const date = day.date;
    const values: Record<string, unknown> = {
      ":one": 1,
      ":amount": paid.amount,
      ":minute": new Set([day.minute]),
      ":type": "stallDay",
      ":v1": 1,
      ":market": paid.marketId,
      ":stall": paid.stallId,
      ":date": date,
    };
    let add = "ADD #count :one, #value :amount, minutes :minute, #amt :one";
    if (paid.payerHash) {
      add += ", payers :payer";
      values[":payer"] = new Set([paid.payerHash]);
    }
    return {
      Update: {
        TableName: store.table,
        Key: key(paid.marketId, paid.stallId, date),
        UpdateExpression: `${add} SET #type = :type, #v = :v1, marketId = :market, stallId = :stall, #date = :date`,
        ExpressionAttributeNames: {
          "#count": "count",
          "#value": "value",
          "#type": "type",
          "#v": "v",
          "#date": "date",
          "#amt": `a${paid.amount}`,
        },
        ExpressionAttributeValues: values,
      },
    };
  },
  /**
   * byMarketMonth: every stall-day of a market in a local date range. `consistent` reads what the last committed
   * payment left (money-stops and totals do; evaluations, which run after the day, need not).
   */
  async byMarket(
    store: Store,
    marketId: string,
    from: LocalDate,
    to: LocalDate,
    opts: { consistent?: boolean } = {},
  ): Promise<StallDay[]> {
    const out: StallDay[] = [];
    for (const month of monthsBetween(from, to)) {
      const items = await queryAll(store, {
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :lo AND :hi",
        ExpressionAttributeValues: { ":pk": byMarketMonthPk(marketId, month), ":lo": from, ":hi": `${to}#~` },
        ...(opts.consistent ? { ConsistentRead: true } : {}),
      });
      out.push(...items.map(fromItem));
    }
    return out;
  },
};
