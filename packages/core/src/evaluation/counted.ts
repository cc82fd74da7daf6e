import { eachDate, type LocalDate } from "../calendar/localDate";
import { laterDate, type MarketCalendar, sessionsBetween } from "../calendar/sessions";
import type { StallDay } from "../rollup/stallDayItem";
import type { Cause } from "../uptime/causes";
import { overlapMs } from "../uptime/intervals";

/** A reported incident as the report lists it: how many minutes of session time it took. */
export interface CostlyIncident {
  startedAt: string;
  endedAt: string | null;
  cause: Cause;
  note?: string;
  lostMinutes: number;
}

/**
 * What an evaluation counted, beside its figures, for its printed report (docs/contract.md §15): the market's
 * daily totals and the reported incidents that cost it session time — as they were when it was computed, so a
 * report never prints an incident written, or a payment counted, after it.
 */
export interface Counted {
  /** Every day of the period, days without payments as zeros. */
  days: { date: LocalDate; count: number; value: number }[];
  /** Reported incidents that overlapped a session, oldest first; open ones counted until `computedAt`. */
  incidents: CostlyIncident[];
}

/** Pure: the daily totals of the stall-days and the incidents that cost session time, up to `computedAt`. */
export function countedOf(
  market: MarketCalendar & { launchedOn: LocalDate },
  period: { from: LocalDate; to: LocalDate },
  stallDays: readonly Pick<StallDay, "date" | "count" | "value">[],
  reported: readonly { startedAt: string; endedAt: string | null; cause: Cause; note?: string }[],
  computedAt: string,
): Counted {
  const totals = new Map<string, { count: number; value: number }>();
  for (const d of stallDays) {
    const t = totals.get(d.date) ?? { count: 0, value: 0 };
    totals.set(d.date, { count: t.count + d.count, value: t.value + d.value });
  }
  const start = laterDate(period.from, market.launchedOn);
  const windows = (start > period.to ? [] : sessionsBetween(market, start, period.to)).map((s) => ({
    start: Date.parse(s.opensAt),
    end: Date.parse(s.closesAt),
  }));
  const computed = Date.parse(computedAt);
  const incidents: CostlyIncident[] = [];
  for (const i of [...reported].sort((a, b) => a.startedAt.localeCompare(b.startedAt))) {
    const span = [{ start: Date.parse(i.startedAt), end: i.endedAt ? Date.parse(i.endedAt) : computed }];
    const lostMs = windows.reduce((sum, w) => sum + overlapMs(w, span), 0);
    if (lostMs <= 0) continue;
    incidents.push({
      startedAt: i.startedAt,
      endedAt: i.endedAt,
      cause: i.cause,
      ...(i.note ? { note: i.note } : {}),
      lostMinutes: Math.round((lostMs / 60_000) * 100) / 100,
    });
  }
  return {
    days: eachDate(period.from, period.to).map((date) => ({ date, count: 0, value: 0, ...totals.get(date) })),
    incidents,
  };
}
