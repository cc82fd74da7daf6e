import { z } from "zod";
import { type Actor, SYSTEM } from "../audit/audit";
import { addDays, localDateOf, monthRange } from "../calendar/localDate";
import type { Clock } from "../clock";
import { DomainError } from "../errors";
import { InProcessQueue } from "../jobs/inProcessQueue";
import * as Market from "../market/market";
import type { Store } from "../store/client";
import { type Evaluation, latestOf, type PeriodRequest, resolvePeriod, run } from "./evaluations";

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

/** What a run reports of a failure: a domain error as it is, anything else without its internals. */
function failureOf(err: unknown): { code: string; message: string } {
  return err instanceof DomainError
    ? { code: err.code, message: err.message }
    : { code: "internal_error", message: "This market could not be evaluated" };
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
      out.push({ marketId: market.id, error: failureOf(err) });
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
 * How many markets are evaluated at once: the SQS consumer's maximum concurrency in AWS (stacks/JobsStack.ts) and the
 * in-process queue's locally. Set by the table's read capacity, not by Lambda (docs/capacity.md derives it).
 */
export const EVALUATION_CONCURRENCY = 4;
/** Receives of one job before it is dead-lettered: the SQS redrive policy's maxReceiveCount, and locally the same. */
export const EVALUATION_MAX_RECEIVES = 3;

const LocalDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * One market's share of a daily run: the message the cron function puts on the queue. The periods are fixed when
 * the run starts, so a job re-driven from the dead-letter queue days later evaluates what that day's run meant to.
 */
export const EvaluationJobSchema = z
  .object({
    marketId: z.string().min(1).max(64),
    periods: z
      .array(z.object({ from: LocalDateSchema, to: LocalDateSchema }))
      .min(1)
      .max(2),
  })
  .strict();
export type EvaluationJob = z.output<typeof EvaluationJobSchema>;

/** Today's jobs: one per market, each with the periods due today (none on the 1st after a month without days). */
export async function dailyJobs(
  deps: { store: Store; clock: Clock },
  marketId?: string,
): Promise<EvaluationJob[]> {
  const periods = scheduledPeriods(deps.clock.now());
  if (periods.length === 0) return [];
  const markets = await marketsFor(deps.store, marketId);
  return markets.map((m) => ({ marketId: m.id, periods }));
}

/** A failure that will fail again however often it is retried: the market is gone, or its data is invalid. */
const isPermanent = (err: unknown) =>
  err instanceof DomainError && err.code !== "unavailable" && err.code !== "internal_error";

/**
 * The queue consumer's work for one job. A permanent failure is reported and the job is done; a transient one (the
 * store unavailable, anything unexpected) throws, so the queue receives the job again and, after
 * EVALUATION_MAX_RECEIVES, dead-letters it. Re-running is safe: an unchanged input stores no new version.
 */
export async function evaluateJob(
  deps: { store: Store; clock: Clock },
  job: EvaluationJob,
): Promise<ScheduledReport> {
  const report: ScheduledReport = { evaluated: [], failed: [] };
  const failEach = (message: string) => {
    for (const p of job.periods)
      report.failed.push({ marketId: job.marketId, period: `${p.from}..${p.to}`, error: message });
  };
  let market: Market.Market;
  try {
    market = await Market.get(deps.store, job.marketId);
  } catch (err) {
    if (!isPermanent(err)) throw err;
    failEach((err as Error).message);
    return report;
  }
  let transient: unknown;
  for (const period of job.periods) {
    try {
      // A job received late (re-driven from the dead-letter queue, or behind a newer night's job: SQS keeps no
      // order) must not file its shorter period over a version that already covers more of the month.
      const latest = await latestOf(deps.store, market.id, resolvePeriod(period).key);
      if (latest && latest.period.from === period.from && latest.period.to > period.to) {
        report.evaluated.push({
          marketId: latest.marketId,
          period: latest.periodKey,
          version: latest.version,
          rating: latest.rating,
        });
        continue;
      }
      const e = await run(deps.store, deps.clock, market, period);
      report.evaluated.push({
        marketId: e.marketId,
        period: e.periodKey,
        version: e.version,
        rating: e.rating,
      });
    } catch (err) {
      if (!isPermanent(err)) transient ??= err;
      else
        report.failed.push({
          marketId: job.marketId,
          period: `${period.from}..${period.to}`,
          error: (err as Error).message,
        });
    }
  }
  if (transient) throw transient;
  return report;
}

/**
 * The local evaluation queue: the same jobs and limits as SQS and its consumer in AWS (EVALUATION_CONCURRENCY at a
 * time, EVALUATION_MAX_RECEIVES receives, then a dead letter), run in this process.
 */
export function evaluationQueue(
  deps: { store: Store; clock: Clock },
  options: { concurrency?: number; retryDelayMs?: (receive: number) => number } = {},
): InProcessQueue<EvaluationJob, ScheduledReport> {
  return new InProcessQueue<EvaluationJob, ScheduledReport>({
    concurrency: options.concurrency ?? EVALUATION_CONCURRENCY,
    maxReceives: EVALUATION_MAX_RECEIVES,
    handle: (job) => evaluateJob(deps, job),
    retryDelayMs: options.retryDelayMs,
  });
}

/**
 * The daily evaluation run through the in-process queue: month-to-date (through yesterday) for every market, and
 * in the first days of a month the previous month in full, EVALUATION_CONCURRENCY markets at a time. Re-running the
 * same day stores nothing new when nothing changed. In AWS the same jobs go through SQS to the same `evaluateJob`.
 * What failed every receive is reported as failed; the next run (or `POST /api/evaluations/run`) re-drives it.
 */
export async function evaluateAll(
  deps: { store: Store; clock: Clock },
  marketId?: string,
  options: { concurrency?: number; retryDelayMs?: (receive: number) => number } = {},
): Promise<ScheduledReport> {
  const queue = evaluationQueue(deps, options);
  queue.send(await dailyJobs(deps, marketId));
  const { results, deadLetters } = await queue.drain();
  const report: ScheduledReport = {
    evaluated: results.flatMap((r) => r.evaluated),
    failed: results.flatMap((r) => r.failed),
  };
  for (const { job, error } of deadLetters)
    for (const p of job.periods)
      report.failed.push({
        marketId: job.marketId,
        period: `${p.from}..${p.to}`,
        error: failureOf(error).message,
      });
  // Jobs finish in any order; the report reads the same on every run: by market, then period.
  const byMarketAndPeriod = (
    a: { marketId: string; period: string },
    b: { marketId: string; period: string },
  ) => a.marketId.localeCompare(b.marketId) || a.period.localeCompare(b.period);
  report.evaluated.sort(byMarketAndPeriod);
  report.failed.sort(byMarketAndPeriod);
  return report;
}
