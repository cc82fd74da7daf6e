import { type LocalDate, monthsBetween } from "../calendar/localDate";
import { queryAll, type Store } from "../store/client";
import { Keys } from "../store/keys";

/** One stall's payments on one local day, as the callback path counts them. */
export interface StallDay {
  stallId: string;
  date: LocalDate;
  count: number;
  value: number;
  /** Minutes of the local day (0–1439) in which a payment was made. */
  minutes: number[];
  /** Distinct payer hashes. */
  payers: string[];
  /** Amount → number of payments of that amount. */
  amounts: Map<number, number>;
}

/** A market's transactions and value per local day (shards summed). Dates without payments are absent. */
export async function marketDays(
  store: Store,
  marketId: string,
  from: LocalDate,
  to: LocalDate,
): Promise<Map<LocalDate, { count: number; value: number }>> {
  const items = await queryAll(store, {
    KeyConditionExpression: "pk = :pk AND sk BETWEEN :lo AND :hi",
    ExpressionAttributeValues: {
      ":pk": Keys.marketDayPk(marketId),
      ":lo": `DAY#${from}`,
      ":hi": `DAY#${to}#~`,
    },
    ConsistentRead: true,
  });
  const out = new Map<LocalDate, { count: number; value: number }>();
  for (const i of items) {
    const date = String(i.date);
    const day = out.get(date) ?? { count: 0, value: 0 };
    day.count += Number(i.count ?? 0);
    day.value += Number(i.value ?? 0);
    out.set(date, day);
  }
  return out;
}

/** Every stall-day of a market in a range: what uptake and evaluations read instead of transactions. */
export async function stallDays(
  store: Store,
  marketId: string,
  from: LocalDate,
  to: LocalDate,
): Promise<StallDay[]> {
  const out: StallDay[] = [];
  for (const month of monthsBetween(from, to)) {
    const items = await queryAll(store, {
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk AND gsi1sk BETWEEN :lo AND :hi",
      ExpressionAttributeValues: {
        ":pk": Keys.stallDaysOfMarketPk(marketId, month),
        ":lo": from,
        ":hi": `${to}#~`,
      },
    });
    for (const i of items) {
      const amounts = new Map<number, number>();
      for (const [k, v] of Object.entries(i))
        if (/^a\d+$/.test(k)) amounts.set(Number(k.slice(1)), Number(v));
      out.push({
        stallId: String(i.stallId),
        date: String(i.date),
        count: Number(i.count ?? 0),
        value: Number(i.value ?? 0),
        minutes: [...((i.minutes as Set<number>) ?? [])].map(Number),
        payers: [...((i.payers as Set<string>) ?? [])].map(String),
        amounts,
      });
    }
  }
  return out;
}
