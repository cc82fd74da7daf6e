import { z } from "zod";
import { type Actor, SYSTEM } from "../audit/audit";
import { addDays, localDateOf, monthRange } from "../calendar/localDate";
import type { Clock } from "../clock";
import { DomainError } from "../errors";
import * as Market from "../market/market";
import type { Store } from "../store/client";
import { type Evaluation, type PeriodRequest, resolvePeriod, run } from "./evaluations";

/** On these first days of a month the previous month is evaluated again, with its final figures. */
export const FINALISE_DAYS = 3;

/** A market that could not be evaluated, as a run reports it (docs/contract.md §10). */
export const FailedRunSchema = z
  .object({ marketId: z.string(), error: z.object({ code: z.string(), message: z.string() }) })
  .meta({ id: "FailedEvaluationRun" });
export type FailedRun = z.output<typeof FailedRunSchema>;

export type RunOutcome = Evaluation | FailedRun;

export const isFailedRun = (o: RunOutcome): o is FailedRun => "error" in o;

/**
 * Evaluates a set of markets (one, or every market) for a period. One market's failure is reported in its place
 * and does not stop the others, so one bad market never withholds a province's figures.
 */
export async function evaluateMarkets(
  deps: { store: Store; clock: Clock },
  req: PeriodRequest,
  marketId?: string,
  actor: Actor = SYSTEM,
): Promise<RunOutcome[]> {
  resolvePeriod(req);
  return evaluateEach(deps, await marketsFor(deps.store, marketId), req, actor);
}

/** One market (a 404 if it does not exist), or every market. */
function marketsFor(store: Store, marketId?: string): Promise<Market.Market[]> {
  return marketId ? Market.get(store, marketId).then((m) => [m]) : Market.all(store);
}

async function evaluateEach(
  deps: { store: Store; clock: Clock },
  markets: Market.Market[],
  req: PeriodRequest,
  actor: Actor = SYSTEM,
): Promise<RunOutcome[]> {
  const out: RunOutcome[] = [];
  for (const market of markets) {
    try {
      out.push(await run(deps.store, deps.clock, market, req, actor));
    } catch (err) {
      out.push({
        marketId: market.id,
        error:
          err instanceof DomainError
            ? { code: err.code, message: err.message }
            : { code: "internal_error", message: "This market could not be evaluated" },
      });
    }
  }
  return out;
}

export interface ScheduledReport {
  evaluated: { marketId: string; period: string; version: number; rating: Evaluation["rating"] }[];
  failed: { marketId: string; period: string; error: string }[];
}

/** The periods the daily run evaluates on a given day: month-to-date, and the previous month early in a month. */
export function scheduledPeriods(now: Date): { from: string; to: string }[] {
  const today = localDateOf(now);
  const yesterday = addDays(today, -1);
  const periods: { from: string; to: string }[] = [];
  const thisMonth = monthRange(today.slice(0, 7));
  if (yesterday >= thisMonth.from) periods.push({ from: thisMonth.from, to: yesterday });
  if (Number(today.slice(8, 10)) <= FINALISE_DAYS)
    periods.push(monthRange(addDays(thisMonth.from, -1).slice(0, 7)));
  return periods;
}

/**
 * The daily evaluation run: month-to-date (through yesterday) for every market, and in the first days of a
 * month the previous month in full. Re-running the same day stores nothing new when nothing changed.
 */
export async function evaluateAll(
  deps: { store: Store; clock: Clock },
  marketId?: string,
): Promise<ScheduledReport> {
  const report: ScheduledReport = { evaluated: [], failed: [] };
  const markets = await marketsFor(deps.store, marketId);
  for (const period of scheduledPeriods(deps.clock.now())) {
    for (const outcome of await evaluateEach(deps, markets, period)) {
      if (isFailedRun(outcome))
        report.failed.push({
          marketId: outcome.marketId,
          period: `${period.from}..${period.to}`,
          error: outcome.error.message,
        });
      else
        report.evaluated.push({
          marketId: outcome.marketId,
          period: outcome.periodKey,
          version: outcome.version,
          rating: outcome.rating,
        });
    }
  }
  return report;
}
