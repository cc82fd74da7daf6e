import type { LocalDate } from "../calendar/localDate";
import type { Store } from "../store/client";
import type { WriteItem } from "../store/transact";
import { MarketDayItem } from "./marketDayItem";
import { namingMarket } from "./money";
import { type Counted, type StallDay, StallDayItem } from "./stallDayItem";

export type { Counted, StallDay };

/**
 * The two rollup updates that count a matched payment: its stall's day and its market's day. Every path that
 * counts money (a callback, a claim, an admin's assignment) adds these to the same transaction as the record.
 */
export function countPayment(store: Store, paid: Counted): WriteItem[] {
  return [StallDayItem.count(store, paid), MarketDayItem.count(store, paid)];
}

/** A market's transactions and value per local day (shards summed). Dates without payments are absent. */
export function marketDays(
  store: Store,
  marketId: string,
  from: LocalDate,
  to: LocalDate,
): Promise<Map<LocalDate, { count: number; value: number }>> {
  return namingMarket(marketId, () => MarketDayItem.byMarket(store, marketId, from, to));
}

/** Every stall-day of a market in a range: what uptake and evaluations read instead of transactions. */
export function stallDays(
  store: Store,
  marketId: string,
  from: LocalDate,
  to: LocalDate,
): Promise<StallDay[]> {
  return namingMarket(marketId, () => StallDayItem.byMarket(store, marketId, from, to));
}
