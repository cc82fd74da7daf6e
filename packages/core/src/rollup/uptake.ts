import { z } from "zod";
import { addDays, eachDate, type LocalDate, localTimeToUtc } from "../calendar/localDate";
import { countedIn } from "../stall/history";
import * as Stall from "../stall/stall";
import type { Store } from "../store/client";
import { namingMarket, sumMoney } from "./money";
import { dayTotals, stallDays } from "./rollups";

/** A market's uptake over a range, as the API answers it (docs/contract.md §7). */
export const UptakeSchema = z
  .object({
    marketId: z.string(),
    from: z.string(),
    to: z.string(),
    totals: z.object({
      stalls: z.number(),
      stallsWithQr: z.number(),
      activeStalls: z.number(),
      transactions: z.number(),
      value: z.number(),
    }),
    days: z.array(
      z.object({ date: z.string(), transactions: z.number(), value: z.number(), activeStalls: z.number() }),
    ),
  })
  .meta({ id: "Uptake" });

export type Uptake = z.output<typeof UptakeSchema>;

/**
 * A market's uptake over a date range (docs/contract.md §7), from the daily rollups — never by reading transactions.
 * `stalls`: stalls active on some day of the range (status history, not the status now); `stallsWithQr`: those
 * that held a handed-over code then (`qrIssuedAt`: the manager's hand-over or the vendor's first sign-in, not printing);
 * `activeStalls`: distinct stalls with at least one matched payment in the range.
 */
export async function uptake(
  store: Store,
  marketId: string,
  from: LocalDate,
  to: LocalDate,
): Promise<Uptake> {
  const window = {
    start: localTimeToUtc(from, "00:00").getTime(),
    end: localTimeToUtc(addDays(to, 1), "00:00").getTime(),
  };
  const [stalls, changes, perStall] = await Promise.all([
    Stall.allOfMarket(store, marketId),
    Stall.standingChangesSince(store, marketId, new Date(window.start).toISOString()),
    stallDays(store, marketId, from, to, { consistent: true }),
  ]);
  const totalsByDay = namingMarket(marketId, () => dayTotals(perStall));
  // The stalls that were active on some day of the range, as evaluations count them (docs/evaluations.md).
  const { stalls: registered, withQr } = countedIn(stalls, changes, window);
  const activeByDay = new Map<LocalDate, Set<string>>();
  for (const d of perStall) {
    if (d.count <= 0) continue;
    activeByDay.set(d.date, (activeByDay.get(d.date) ?? new Set()).add(d.stallId));
  }
  const days = eachDate(from, to).map((date) => ({
    date,
    transactions: totalsByDay.get(date)?.count ?? 0,
    value: totalsByDay.get(date)?.value ?? 0,
    activeStalls: activeByDay.get(date)?.size ?? 0,
  }));
  return {
    marketId,
    from,
    to,
    totals: {
      stalls: registered.length,
      stallsWithQr: withQr.length,
      activeStalls: new Set([...activeByDay.values()].flatMap((s) => [...s])).size,
      transactions: days.reduce((s, d) => s + d.transactions, 0),
      value: namingMarket(marketId, () => sumMoney(days.map((d) => d.value))),
    },
    days,
  };
}
