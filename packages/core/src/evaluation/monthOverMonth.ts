import { z } from "zod";
import type { Store } from "../store/client";
import { type Evaluation, EvaluationSchema, latestForPeriod } from "./evaluations";

const Points = z.number().nullable();

/** A share's change from the previous month, in percentage points. */
const ShareChangeSchema = z.object({ previous: Points, points: Points });
/** A count's or an amount's change from the previous month: signed difference and percent of the previous. */
const CountChangeSchema = z.object({
  previous: z.number(),
  change: z.number().nullable(),
  changePct: Points,
});

/**
 * Change from the previous month (docs/evaluations.md "Month over month"), computed when read from the previous
 * month's latest version — never stored, so a stored evaluation stays exactly what its inputs gave.
 */
export const MonthOverMonthSchema = z
  .object({
    /** The version compared with: the previous month's latest, as it stands when read. */
    previous: z.object({ period: z.string(), version: z.number().int(), provisional: z.boolean() }),
    /**
     * True when one month is provisional and the other whole: a part of a month is not compared with a whole one,
     * so the flows (value, payers, active share) have no change (null) and reports say why.
     */
    partial: z.boolean(),
    qrSharePct: ShareChangeSchema,
    activeSharePct: ShareChangeSchema,
    value: CountChangeSchema,
    uniquePayers: CountChangeSchema,
  })
  .meta({ id: "MonthOverMonth" });
export type MonthOverMonth = z.output<typeof MonthOverMonthSchema>;

/** A market's latest evaluation for a month, with its change from the previous month (`null`: none to compare). */
export const PeriodEvaluationSchema = EvaluationSchema.extend({
  monthOverMonth: MonthOverMonthSchema.nullable(),
}).meta({ id: "PeriodEvaluation" });
export type PeriodEvaluation = z.output<typeof PeriodEvaluationSchema>;

const round2 = (n: number) => Math.round(n * 100) / 100;

/** `2026-01` → `2025-12`. */
export function previousMonth(period: string): string {
  const [y, m] = period.split("-").map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
}

function share(now: number | null, before: number | null) {
  return { previous: before, points: now === null || before === null ? null : round2(now - before) };
}

function count(now: number, before: number) {
  return {
    previous: before,
    change: now - before,
    changePct: before === 0 ? null : round2((100 * (now - before)) / before),
  };
}

/**
 * How `current` moved from `previous`. Shares in percentage points (null when either month has no denominator);
 * value and unique payers as signed differences and as a percent of the previous month (null when that was 0).
 *
 * @example monthOverMonth(october, september).value // { previous: 90000, change: 15000, changePct: 16.67 }
 */
export function monthOverMonth(current: Evaluation, previous: Evaluation): MonthOverMonth {
  const partial = current.provisional !== previous.provisional;
  // A few days against a whole month is not a fall: flows are left uncompared; the QR share is a stock, it compares.
  const flow = <T extends { change: number | null; changePct: number | null }>(c: T): T =>
    partial ? { ...c, change: null, changePct: null } : c;
  const active = share(current.uptake.activeSharePct, previous.uptake.activeSharePct);
  return {
    previous: { period: previous.periodKey, version: previous.version, provisional: previous.provisional },
    partial,
    qrSharePct: share(current.uptake.qrSharePct, previous.uptake.qrSharePct),
    activeSharePct: partial ? { ...active, points: null } : active,
    value: flow(count(current.uptake.value, previous.uptake.value)),
    uniquePayers: flow(count(current.uptake.uniquePayers, previous.uptake.uniquePayers)),
  };
}

/** Pairs each evaluation with the same market's in the previous month, if that market was evaluated then. */
export function withMonthOverMonth(current: Evaluation[], previous: Evaluation[]): PeriodEvaluation[] {
  const before = new Map(previous.map((e) => [e.marketId, e]));
  return current.map((e) => {
    const p = before.get(e.marketId);
    return { ...e, monthOverMonth: p ? monthOverMonth(e, p) : null };
  });
}

/** The latest evaluation of every market (of a province, if given) for a month, with its month-over-month change. */
export async function forMonth(store: Store, period: string, province?: string): Promise<PeriodEvaluation[]> {
  const [current, previous] = await Promise.all([
    latestForPeriod(store, period, province),
    latestForPeriod(store, previousMonth(period), province),
  ]);
  return withMonthOverMonth(current, previous);
}
