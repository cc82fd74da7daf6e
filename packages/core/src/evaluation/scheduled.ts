import { addDays, localDateOf, monthRange } from "../calendar/localDate";
import type { Clock } from "../clock";
import * as Market from "../market/market";
import type { Store } from "../store/client";
import { type Evaluation, run } from "./evaluations";

/** On these first days of a month the previous month is evaluated again, with its final figures. */
export const FINALISE_DAYS = 3;

export interface ScheduledReport {
  evaluated: { marketId: string; period: string; version: number; rating: Evaluation["rating"] }[];
  failed: { marketId: string; period: string; error: string }[];
}

/**
 * The daily evaluation run: month-to-date (through yesterday) for every market, and in the first days of a
 * month the previous month in full. One market's failure is reported and does not stop the others; re-running
 * the same day stores nothing new when nothing changed.
 */
export async function evaluateAll(
  deps: { store: Store; clock: Clock },
  marketId?: string,
): Promise<ScheduledReport> {
  const today = localDateOf(deps.clock.now());
  const yesterday = addDays(today, -1);
  const periods: { from: string; to: string }[] = [];
  const thisMonth = monthRange(today.slice(0, 7));
  if (yesterday >= thisMonth.from) periods.push({ from: thisMonth.from, to: yesterday });
  if (Number(today.slice(8, 10)) <= FINALISE_DAYS)
    periods.push(monthRange(addDays(thisMonth.from, -1).slice(0, 7)));
  const markets = marketId ? [await Market.get(deps.store, marketId)] : await Market.all(deps.store);
  const report: ScheduledReport = { evaluated: [], failed: [] };
  for (const market of markets) {
    for (const period of periods) {
      try {
        const e = await run(deps.store, deps.clock, market, period);
        report.evaluated.push({
          marketId: market.id,
          period: e.periodKey,
          version: e.version,
          rating: e.rating,
        });
      } catch (err) {
        report.failed.push({
          marketId: market.id,
          period: `${period.from}..${period.to}`,
          error: (err as Error).message,
        });
      }
    }
  }
  return report;
}
