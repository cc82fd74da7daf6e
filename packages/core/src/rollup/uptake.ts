import { z } from "zod";
import { addDays, eachDate, type LocalDate, localTimeToUtc } from "../calendar/localDate";
import * as Stall from "../stall/stall";
import type { Store } from "../store/client";
import { sumMoney } from "./money";
import { marketDays, stallDays } from "./rollups";

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
 * `stalls`: active stalls registered by the end of `to`; `stallsWithQr`: those whose code was handed over by then (`qrIssuedAt`: the manager's hand-over or the vendor's first sign-in, not printing);
 * `activeStalls`: distinct stalls with at least one matched payment in the range.
 */
export async function uptake(
  store: Store,
  marketId: string,
  from: LocalDate,
  to: LocalDate,
): Promise<Uptake> {
  const [stalls, totalsByDay, perStall] = await Promise.all([
    Stall.allOfMarket(store, marketId),
    marketDays(store, marketId, from, to),
    stallDays(store, marketId, from, to),
  ]);
  const endOfTo = localTimeToUtc(addDays(to, 1), "00:00").getTime();
  const registered = stalls.filter((s) => s.status === "active" && Date.parse(s.createdAt) < endOfTo);
  const withQr = registered.filter((s) => s.qrIssuedAt !== null && Date.parse(s.qrIssuedAt) < endOfTo);
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
      value: sumMoney(days.map((d) => d.value)),
    },
    days,
  };
}
