import type { LocalDate } from "../calendar/localDate";
import { type Hours, marketDayOf } from "../calendar/sessions";
import { MarketItem } from "../market/marketItem";
import type { Store } from "../store/client";
import type { WriteItem } from "../store/transact";
import { exactMoney, namingMarket, sumMoney } from "./money";
import { type Counted, type StallDay, StallDayItem } from "./stallDayItem";

export type { Counted, StallDay };

const MIDNIGHT: Hours = { open: "00:00", close: "24:00" };
const HOURS_TTL_MS = 60_000;
const hoursCache = new WeakMap<Store, Map<string, { hours: Hours; expires: number }>>();

/**
 * A market's opening hours, read at most once a minute per market and process: they decide which market day a
 * payment counts for (docs/contract.md §21). A change of hours reaches payments within the minute; it never
 * moves payments already counted.
 */
async function hoursOf(store: Store, marketId: string): Promise<Hours> {
  let cache = hoursCache.get(store);
  if (!cache) {
    cache = new Map();
    hoursCache.set(store, cache);
  }
  const hit = cache.get(marketId);
  if (hit && hit.expires > Date.now()) return hit.hours;
  const hours = (await MarketItem.hours(store, marketId)) ?? MIDNIGHT;
  cache.set(marketId, { hours, expires: Date.now() + HOURS_TTL_MS });
  return hours;
}

/**
 * The rollup update that counts a matched payment: its stall's day. Every path that counts money (a callback, a
 * claim, an admin's assignment) adds it to the same transaction as the record. It is keyed by the payment's market
 * day — the opening date of the session it falls in, for a night market the evening before a payment made after
 * midnight (docs/contract.md §21). A market's day is not written: it is the sum of its stall-days (`marketDays`),
 * which keeps a matched callback at 8 write units (docs/capacity.md).
 */
export async function countPayment(store: Store, paid: Counted): Promise<WriteItem[]> {
  const day = marketDayOf(await hoursOf(store, paid.marketId), paid.paidAt);
  return [StallDayItem.count(store, paid, day)];
}

/** Transactions and value per local day, summed exactly over the given stall-days. Days without payments are absent. */
export function dayTotals(
  days: readonly Pick<StallDay, "date" | "count" | "value">[],
): Map<LocalDate, { count: number; value: number }> {
  const out = new Map<LocalDate, { count: number; value: number }>();
  for (const d of days) {
    if (d.count <= 0) continue;
    const day = out.get(d.date) ?? { count: 0, value: 0 };
    day.count += d.count;
    day.value = sumMoney([day.value, exactMoney(d.value)]);
    out.set(d.date, day);
  }
  return out;
}

/**
 * A market's transactions and value per local day: the sum of its stall-days (one query of the market's month
 * partition per month), read consistently. Dates without payments are absent.
 */
export function marketDays(
  store: Store,
  marketId: string,
  from: LocalDate,
  to: LocalDate,
): Promise<Map<LocalDate, { count: number; value: number }>> {
  return namingMarket(marketId, async () =>
    dayTotals(await StallDayItem.byMarket(store, marketId, from, to, { consistent: true })),
  );
}

/**
 * Every stall-day of a market in a range: what uptake and evaluations read instead of transactions. `consistent`
 * for a reader that must see the last stored payment (uptake); evaluations run after the day and need not.
 */
export function stallDays(
  store: Store,
  marketId: string,
  from: LocalDate,
  to: LocalDate,
  opts: { consistent?: boolean } = {},
): Promise<StallDay[]> {
  return namingMarket(marketId, () => StallDayItem.byMarket(store, marketId, from, to, opts));
}
