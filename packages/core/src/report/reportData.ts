import { addDays, eachDate, type LocalDate, localTimeToUtc } from "../calendar/localDate";
import { laterDate, sessionsBetween } from "../calendar/sessions";
import type { PeriodEvaluation } from "../evaluation/monthOverMonth";
import * as Market from "../market/market";
import * as Rollups from "../rollup/rollups";
import type { Store } from "../store/client";
import type { Cause } from "../uptime/causes";
import * as Incidents from "../uptime/incidents";
import { overlapMs } from "../uptime/intervals";

/** A reported incident as the report lists it: how many minutes of session time it took. */
export interface CostlyIncident {
  startedAt: string;
  endedAt: string | null;
  cause: Cause;
  note?: string;
  lostMinutes: number;
}

/** What a market's page in the monthly report draws besides its evaluation. */
export interface MarketPage {
  evaluation: PeriodEvaluation;
  /** Every day of the period, days without payments as zeros. */
  days: { date: LocalDate; count: number; value: number }[];
  /** Reported incidents that overlapped a session, oldest first. */
  incidents: CostlyIncident[];
}

/**
 * A market's daily totals (the market-day rollups, not its transactions) and the reported incidents that cost it
 * session time, for its evaluation's period. Open incidents count until the evaluation was computed, as its
 * figures do. `known`: the market, when the caller has already listed them (one listing instead of a read each).
 */
export async function marketPage(
  store: Store,
  evaluation: PeriodEvaluation,
  known?: Market.Market,
): Promise<MarketPage> {
  const { from, to } = evaluation.period;
  const fromIso = localTimeToUtc(from, "00:00").toISOString();
  const toIso = localTimeToUtc(addDays(to, 1), "00:00").toISOString();
  const [market, totals, reported] = await Promise.all([
    known ?? Market.get(store, evaluation.marketId),
    Rollups.marketDays(store, evaluation.marketId, from, to),
    Incidents.overlapping(store, evaluation.marketId, fromIso, toIso),
  ]);
  const start = laterDate(from, market.launchedOn);
  const windows = (start > to ? [] : sessionsBetween(market, start, to)).map((s) => ({
    start: Date.parse(s.opensAt),
    end: Date.parse(s.closesAt),
  }));
  const computed = Date.parse(evaluation.computedAt);
  const incidents: CostlyIncident[] = [];
  for (const i of reported) {
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
    evaluation,
    days: eachDate(from, to).map((date) => ({ date, count: 0, value: 0, ...totals.get(date) })),
    incidents,
  };
}
