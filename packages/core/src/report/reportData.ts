import { addDays, localTimeToUtc } from "../calendar/localDate";
import { type CostlyIncident, type Counted, countedOf } from "../evaluation/counted";
import { EvaluationItem } from "../evaluation/evaluationItem";
import type { PeriodEvaluation } from "../evaluation/monthOverMonth";
import * as Market from "../market/market";
import * as Rollups from "../rollup/rollups";
import type { Store } from "../store/client";
import * as Incidents from "../uptime/incidents";

export type { CostlyIncident };

/** What a market's page in the monthly report draws besides its evaluation. */
export interface MarketPage extends Counted {
  evaluation: PeriodEvaluation;
}

/**
 * A market's daily totals and the reported incidents that cost it session time, as its evaluation counted them when
 * it was computed (docs/contract.md §15): never a payment or an incident written after it. Versions filed before
 * their counts were kept are recounted from the store, up to `computedAt` — incidents reported after it excluded.
 * `known`: the market, when the caller has already listed them (one listing instead of a read each).
 */
export async function marketPage(
  store: Store,
  evaluation: PeriodEvaluation,
  known?: Market.Market,
): Promise<MarketPage> {
  const stored = await EvaluationItem.counted(store, evaluation);
  if (stored) return { evaluation, ...stored };
  const { from, to } = evaluation.period;
  const fromIso = localTimeToUtc(from, "00:00").toISOString();
  const toIso = localTimeToUtc(addDays(to, 1), "00:00").toISOString();
  const [market, totals, reported] = await Promise.all([
    known ?? Market.get(store, evaluation.marketId),
    Rollups.marketDays(store, evaluation.marketId, from, to),
    Incidents.overlapping(store, evaluation.marketId, fromIso, toIso),
  ]);
  const days = [...totals].map(([date, t]) => ({ date, count: t.count, value: t.value }));
  const before = reported.filter((i) => i.createdAt <= evaluation.computedAt);
  return { evaluation, ...countedOf(market, evaluation.period, days, before, evaluation.computedAt) };
}
