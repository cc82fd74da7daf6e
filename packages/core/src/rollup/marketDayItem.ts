import type { LocalDate } from "../calendar/localDate";
import { marketPartition } from "../market/marketItem";
import { queryAll, type Store } from "../store/client";
import type { WriteItem } from "../store/transact";
import { exactMoney, sumMoney } from "./money";
import type { Counted } from "./stallDayItem";

/**
 * The market-day rollup, split over `SHARDS` items by stall so concurrent payments at one market rarely touch the
 * same item (fewer transaction conflicts). Readers sum the shards (docs/data-model.md).
 *  - by market and day ... pk MARKET#<marketId>  sk DAY#<date>#<shard 0-7>
 */
export const SHARDS = 8;

function shardOf(stallId: string): number {
  let h = 0;
  for (let i = 0; i < stallId.length; i++) h = (h * 31 + stallId.charCodeAt(i)) | 0;
  return Math.abs(h) % SHARDS;
}

const key = (marketId: string, date: LocalDate, shard: number) => ({
  pk: marketPartition(marketId),
  sk: `DAY#${date}#${shard}`,
});

export const MarketDayItem = {
  key,
  /** A market-day shard as the callback path leaves it (for bulk seeding). */
  toItem: (marketId: string, date: LocalDate, shard: number, totals: { count: number; value: number }) => ({
    ...key(marketId, date, shard),
    type: "marketDay",
    v: 1,
    marketId,
    date,
    ...totals,
  }),
  /** Counts one payment on its market day (docs/contract.md §21), in the stall's shard. */
  count(store: Store, paid: Counted, day: { date: LocalDate }): WriteItem {
    const date = day.date;
    return {
      Update: {
        TableName: store.table,
        Key: key(paid.marketId, date, shardOf(paid.stallId)),
        UpdateExpression:
          "ADD #count :one, #value :amount SET #type = :type, #v = :v1, marketId = :market, #date = :date",
        ExpressionAttributeNames: {
          "#count": "count",
          "#value": "value",
          "#type": "type",
          "#v": "v",
          "#date": "date",
        },
        ExpressionAttributeValues: {
          ":one": 1,
          ":amount": paid.amount,
          ":type": "marketDay",
          ":v1": 1,
          ":market": paid.marketId,
          ":date": date,
        },
      },
    };
  },
  /** A market's transactions and value per local day (shards summed). Dates without payments are absent. */
  async byMarket(
    store: Store,
    marketId: string,
    from: LocalDate,
    to: LocalDate,
  ): Promise<Map<LocalDate, { count: number; value: number }>> {
    const items = await queryAll(store, {
      KeyConditionExpression: "pk = :pk AND sk BETWEEN :lo AND :hi",
      ExpressionAttributeValues: {
        ":pk": marketPartition(marketId),
        ":lo": key(marketId, from, 0).sk,
        ":hi": key(marketId, to, SHARDS).sk,
      },
      ConsistentRead: true,
    });
    const out = new Map<LocalDate, { count: number; value: number }>();
    for (const i of items) {
      const date = String(i.date);
      const day = out.get(date) ?? { count: 0, value: 0 };
      day.count += Number(i.count ?? 0);
      day.value = sumMoney([day.value, exactMoney(i.value)]);
      out.set(date, day);
    }
    return out;
  },
};
