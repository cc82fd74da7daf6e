import { createHash } from "node:crypto";
import { z } from "zod";
import type { Actor } from "../audit/audit";
import * as Audit from "../audit/audit";
import { sameProvince } from "../auth/access";
import {
  addDays,
  assertRangeLength,
  isSupportedDate,
  type LocalDate,
  localTimeToUtc,
  monthRange,
} from "../calendar/localDate";
import { closesNextDay, laterDate } from "../calendar/sessions";
import { type Clock, newId } from "../clock";
import { validationError } from "../errors";
import * as Bills from "../fee/bills";
import type { Market } from "../market/market";
import * as Markets from "../market/market";
import * as Rollups from "../rollup/rollups";
import * as Stall from "../stall/stall";
import type { Store } from "../store/client";
import { tryCommit } from "../store/transact";
import * as Heartbeats from "../uptime/heartbeatStore";
import { automaticIncidents } from "../uptime/heartbeats";
import * as Incidents from "../uptime/incidents";
import { overlaps } from "../uptime/intervals";
import { countedOf } from "./counted";
import { type EvaluationInput, evaluate, THRESHOLDS } from "./evaluate";
import { EvaluationItem } from "./evaluationItem";
import { FeeFiguresSchema } from "./fees";
import { isProvisional } from "./provisional";

const Pct = z.number().nullable();
const StallStatusChangeSchema = z
  .object({ stallId: z.string(), code: z.string(), at: z.string(), from: z.string(), to: z.string() })
  .meta({ id: "StallStatusChange" });
const CodeRevokedSchema = z.object({ stallId: z.string(), code: z.string(), at: z.string() });
const InputsSummarySchema = z.object({
  transactions: z.number(),
  stalls: z.number(),
  /** Incident id → its `updatedAt`, for the incidents that overlapped the period. */
  incidents: z.record(z.string(), z.string()),
  /** The market's closures inside the period. */
  closures: z.array(z.string()),
  /** The device's beats read (the period and a day either side), and how many of them were failures. */
  beats: z.number().optional(),
  beatFailures: z.number().optional(),
  /** Automatic incidents (runs of failed beats, §8) that overlap the period. */
  automaticIncidents: z.number().optional(),
  /** Stall status changes since the period began (a stall counts in a period it was active in). */
  stallStatus: z.array(StallStatusChangeSchema).optional(),
  /** Handed-over codes revoked by new bank details since the period began. */
  codesRevoked: z.array(CodeRevokedSchema).optional(),
  /** The market's province when evaluated (from issue 23 on): a move shows in the next version's `changes`. */
  province: z.string().optional(),
  /** The board's bills due in the period (issue 29), for a market with fees. */
  bills: z.number().optional(),
});

const ChangesSchema = z
  .object({
    transactions: z.number(),
    stalls: z.number(),
    incidents: z.object({
      added: z.array(z.string()),
      changed: z.array(z.string()),
      removed: z.array(z.string()),
    }),
    closures: z.object({ added: z.array(z.string()), removed: z.array(z.string()) }),
    /** Stall status changes and code revocations the previous version did not see. */
    stallStatus: z.array(StallStatusChangeSchema).optional(),
    codesRevoked: z.array(CodeRevokedSchema).optional(),
    /** Beats, failed beats and automatic incidents, +n (when the previous version counted them). */
    beats: z.number().optional(),
    beatFailures: z.number().optional(),
    automaticIncidents: z.number().optional(),
    /** Bills due in the period, +n (when both versions counted fees). */
    bills: z.number().optional(),
    /** The market moved province since the previous version (docs/contract.md §15). */
    province: z.object({ from: z.string(), to: z.string() }).optional(),
  })
  .meta({ id: "EvaluationChanges" });
export type Changes = z.output<typeof ChangesSchema>;

/** An immutable, versioned evaluation as the API answers it (docs/contract.md §9). */
export const EvaluationSchema = z
  .object({
    id: z.string(),
    marketId: z.string(),
    market: z.object({ name: z.string(), province: z.string(), commune: z.string() }),
    period: z.object({ from: z.string(), to: z.string() }),
    periodKey: z.string(),
    version: z.number().int(),
    computedAt: z.string(),
    method: z.object({
      timezone: z.string(),
      definitions: z.string(),
      thresholds: z.object({
        uptimePct: z.number(),
        qrSharePct: z.number(),
        activeSharePct: z.number(),
        /** Set only when fees are a criterion of the rating (docs/evaluations.md). */
        feesCashlessPct: z.number().optional(),
      }),
    }),
    uptime: z.object({
      scheduledSessions: z.number(),
      scheduledMinutes: z.number(),
      downMinutes: z.number(),
      uptimePct: Pct,
      incidents: z.number(),
      sessionsWithEvidence: z.number(),
      activeSessions: z.number(),
      activeSessionsPct: Pct,
    }),
    uptake: z.object({
      stalls: z.number(),
      stallsWithQr: z.number(),
      qrSharePct: Pct,
      activeStalls: z.number(),
      activeSharePct: Pct,
      transactions: z.number(),
      value: z.number(),
      medianTicket: z.number().nullable(),
      uniquePayers: z.number(),
    }),
    /**
     * The board's fees due in the period (issue 29, docs/evaluations.md): absent for a market with no fee schedule,
     * and in evaluations filed before fees were counted.
     */
    fees: FeeFiguresSchema.optional(),
    rating: z.enum(["pass", "fail", "insufficient-data"]),
    /** True while the figures may still change: month-to-date, or computed before the period ended (§15). */
    provisional: z.boolean(),
    /** SHA-256 of the inputs (calendar, stalls, rollups, incidents, beats): equal inputs, same evaluation. */
    inputsHash: z.string(),
    /** The inputs in brief: counted transactions and stalls, the incidents (id → last change) and closures. */
    inputs: InputsSummarySchema.optional(),
    /** From version 2 on: what differs from the previous version's inputs. */
    changes: ChangesSchema.optional(),
  })
  .meta({ id: "Evaluation" });

export type Evaluation = z.output<typeof EvaluationSchema>;

/** What an admin asks to evaluate: a month or a date range, for every market or one. */
export const EvaluationRunSchema = z
  .union([
    z.strictObject({ period: z.string(), marketId: z.string().max(40).optional() }),
    z.strictObject({ from: z.string(), to: z.string(), marketId: z.string().max(40).optional() }),
  ])
  .meta({ id: "EvaluationRun" });

export type PeriodRequest = { period: string } | { from: string; to: string };

/** Resolves `{period: "2026-10"}` or `{from, to}` into dates and the key evaluations are filed under. */
export function resolvePeriod(req: PeriodRequest): { from: LocalDate; to: LocalDate; key: string } {
  if ("period" in req) {
    if (!/^20\d{2}-(0[1-9]|1[0-2])$/.test(req.period))
      throw validationError("`period` must be YYYY-MM", [{ path: "period", message: "Expected YYYY-MM" }]);
    return { ...monthRange(req.period), key: req.period };
  }
  if (!isSupportedDate(req.from) || !isSupportedDate(req.to) || req.from > req.to)
    throw validationError("`from` and `to` must be dates with from ≤ to", [
      { path: "to", message: "Invalid range" },
    ]);
  assertRangeLength(req.from, req.to, "A period");
  const month = req.from.slice(0, 7);
  const sameMonth = req.from === `${month}-01` && req.to.slice(0, 7) === month;
  return { from: req.from, to: req.to, key: sameMonth ? month : `${req.from}_${req.to}` };
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v instanceof Map
      ? [...v.entries()].sort()
      : v instanceof Set
        ? [...v].sort()
        : v && typeof v === "object" && !Array.isArray(v)
          ? Object.fromEntries(Object.entries(v).sort())
          : v,
  );
}

/** What an evaluation was computed from, in brief: kept with each version so the next can say what changed. */
export type InputsSummary = z.output<typeof InputsSummarySchema>;

/** What differs from the previous version's inputs (docs/contract.md §10). */
export function changesBetween(before: InputsSummary, after: InputsSummary): Changes {
  const ids = (r: Record<string, string>) => Object.keys(r);
  const was = new Set(before.closures);
  const now = new Set(after.closures);
  return {
    transactions: after.transactions - before.transactions,
    stalls: after.stalls - before.stalls,
    incidents: {
      added: ids(after.incidents).filter((id) => !(id in before.incidents)),
      changed: ids(after.incidents).filter(
        (id) => id in before.incidents && before.incidents[id] !== after.incidents[id],
      ),
      removed: ids(before.incidents).filter((id) => !(id in after.incidents)),
    },
    closures: {
      added: after.closures.filter((d) => !was.has(d)),
      removed: before.closures.filter((d) => !now.has(d)),
    },
    ...newEntries("stallStatus", before, after),
    ...newEntries("codesRevoked", before, after),
    ...countChange("beats", before, after),
    ...countChange("beatFailures", before, after),
    ...countChange("automaticIncidents", before, after),
    ...countChange("bills", before, after),
    ...(before.province && after.province && !sameProvince(before.province, after.province)
      ? { province: { from: before.province, to: after.province } }
      : {}),
  };
}

/** The entries of a list the previous version did not have (all of them, if it did not keep the list). */
function newEntries(
  key: "stallStatus" | "codesRevoked",
  before: InputsSummary,
  after: InputsSummary,
): Partial<Changes> {
  const entries = after[key] ?? [];
  const id = (e: { stallId: string; at: string }) => `${e.at}#${e.stallId}`;
  const seen = new Set((before[key] ?? []).map(id));
  const added = entries.filter((e) => !seen.has(id(e)));
  return added.length > 0 || before[key] !== undefined ? { [key]: added } : {};
}

/** `{key: +n}` for a count both versions recorded; nothing for versions filed before it was counted. */
function countChange(
  key: "beats" | "beatFailures" | "automaticIncidents" | "bills",
  before: InputsSummary,
  after: InputsSummary,
): Partial<Changes> {
  const [b, a] = [before[key], after[key]];
  return b === undefined || a === undefined ? {} : { [key]: a - b };
}

/** Gathers a market's inputs for a period from the store: rollups, never individual transactions. */
export async function gatherInputs(
  store: Store,
  market: Market,
  period: { from: LocalDate; to: LocalDate },
  now: Date,
): Promise<EvaluationInput & { summary: InputsSummary; reported: Incidents.Incident[] }> {
  const start = laterDate(period.from, market.launchedOn);
  const fromIso = localTimeToUtc(period.from, "00:00").toISOString();
  // A night session opening on the last day closes the next morning (§21): incidents until then still count.
  const toIso = localTimeToUtc(
    addDays(period.to, 1),
    closesNextDay(market.hours) ? market.hours.close : "00:00",
  ).toISOString();
  const [stalls, stallChanges, stallDays, incidents, beats, fees] = await Promise.all([
    Stall.allOfMarket(store, market.id),
    Stall.standingChangesSince(store, market.id, fromIso),
    start > period.to ? Promise.resolve([]) : Rollups.stallDays(store, market.id, start, period.to),
    Incidents.overlapping(store, market.id, fromIso, toIso),
    // A day either side: a run of failed beats may start before the period or end after it.
    Heartbeats.between(store, market.id, addDays(period.from, -1), addDays(period.to, 1)),
    Bills.dueBetween(store, market.id, period.from, period.to),
  ]);
  // Fees count for a market with a schedule, or with bills due even if its schedule was emptied since.
  const withFees = fees.scheduled || fees.bills.length > 0;
  return {
    market: {
      id: market.id,
      launchedOn: market.launchedOn,
      schedule: market.schedule,
      hours: market.hours,
      closures: market.closures,
    },
    period: { from: period.from, to: period.to },
    stalls: stalls.map((s) => ({
      id: s.id,
      status: s.status,
      createdAt: s.createdAt,
      qrIssuedAt: s.qrIssuedAt,
    })),
    // Left out when empty, so a market with no changes hashes as it did before history was kept.
    ...(stallChanges.length > 0 ? { stallChanges } : {}),
    stallDays,
    incidents: incidents.map((i) => ({ startedAt: i.startedAt, endedAt: i.endedAt })),
    beats,
    now,
    // Left out for a market without fees, so it hashes as it did before fees were counted. Only what the figures
    // read, in a fixed order: a bill's other fields (its payments' ids, notes) change no figure.
    ...(withFees
      ? {
          fees: {
            bills: fees.bills
              .map((b) => ({
                amount: b.amount,
                status: b.status,
                dueOn: b.dueOn,
                paid: b.paid ?? 0,
                paidQr: b.paidQr ?? 0,
                paidCash: b.paidCash ?? 0,
                excess: b.excess ?? 0,
                key: `${b.periodKey}#${b.stallId}`,
              }))
              .sort((a, b) => (a.key < b.key ? -1 : 1))
              .map(({ key: _key, ...b }) => b),
          },
        }
      : {}),
    summary: {
      transactions: stallDays.reduce((n, d) => n + d.count, 0),
      stalls: stalls.length,
      incidents: Object.fromEntries(incidents.map((i) => [i.id, i.updatedAt])),
      closures: market.closures.filter((d) => d >= period.from && d <= period.to),
      stallStatus: stallChanges
        .filter((c) => c.before.status !== c.after.status)
        .map((c) => ({
          stallId: c.stallId,
          code: c.code,
          at: c.at,
          from: c.before.status,
          to: c.after.status,
        })),
      codesRevoked: stallChanges
        .filter((c) => c.before.qrIssuedAt && !c.after.qrIssuedAt)
        .map((c) => ({ stallId: c.stallId, code: c.code, at: c.at })),
      beats: beats.length,
      beatFailures: beats.filter((b) => !b.ok).length,
      automaticIncidents: automaticIncidents(beats).filter((i) =>
        overlaps(i, { start: Date.parse(fromIso), end: Date.parse(toIso) }),
      ).length,
      province: market.province,
      ...(withFees ? { bills: fees.bills.length } : {}),
    },
    // The incidents as reported (cause, note), for what the evaluation counted (counted.ts).
    reported: incidents,
  };
}

/**
 * Evaluates a market for a period and files the result. An unchanged input gives back the latest stored version
 * (no copy); a changed one stores version n+1 with a conditional put, so two concurrent runs cannot both write
 * the same version — the loser re-reads and returns what the winner stored if it is the same.
 */
export async function run(
  store: Store,
  clock: Clock,
  market: Market,
  req: PeriodRequest,
  actor: Actor = Audit.SYSTEM,
): Promise<Evaluation> {
  const period = resolvePeriod(req);
  const now = clock.now();
  const { summary, reported, ...input } = await gatherInputs(store, market, period, now);
  // Open incidents make the figures depend on `now`; closed ones do not. Hash `now` only when it matters.
  const open = input.incidents.some((i) => i.endedAt === null);
  const inputsHash = createHash("sha256")
    .update(
      canonical({
        ...input,
        now: open ? now.toISOString() : null,
        // The province too: a market that moved is evaluated again, and its `changes` say so.
        market: { ...input.market, name: market.name, province: market.province },
        // An optional criterion switched on files new versions (the others' marks are the definitions' own).
        ...(THRESHOLDS.feesCashlessPct !== undefined ? { thresholds: THRESHOLDS } : {}),
      }),
    )
    .digest("hex");
  for (let attempt = 0; attempt < 5; attempt++) {
    const versions = await EvaluationItem.versions(store, market.id, period.key);
    const latest = versions.at(-1);
    if (
      latest &&
      latest.inputsHash === inputsHash &&
      latest.period.to === period.to &&
      latest.period.from === period.from &&
      latest.provisional === isProvisional(period, period.key, now.toISOString())
    )
      return latest;
    const figures = evaluate(input);
    const evaluation: Evaluation = {
      id: newId(clock),
      marketId: market.id,
      market: { name: market.name, province: market.province, commune: market.commune },
      period: { from: period.from, to: period.to },
      periodKey: period.key,
      version: (latest?.version ?? 0) + 1,
      computedAt: now.toISOString(),
      provisional: isProvisional(period, period.key, now.toISOString()),
      method: figures.method,
      uptime: figures.uptime,
      uptake: figures.uptake,
      ...(figures.fees ? { fees: figures.fees } : {}),
      rating: figures.rating,
      inputsHash,
      inputs: summary,
      ...(latest?.inputs ? { changes: changesBetween(latest.inputs, summary) } : {}),
    };
    const counted = countedOf(input.market, input.period, input.stallDays, reported, evaluation.computedAt);
    const filed = await tryCommit(store, [
      EvaluationItem.create(store, evaluation),
      EvaluationItem.createCounted(store, evaluation, counted),
      Audit.entry(store, clock, {
        actor,
        action: "evaluation.run",
        entity: { kind: "evaluation", id: evaluation.id },
        marketId: market.id,
        after: {
          period: evaluation.period,
          version: evaluation.version,
          rating: evaluation.rating,
          inputsHash,
          ...(evaluation.changes ? { changes: evaluation.changes } : {}),
        },
      }),
    ]);
    // Cancelled: a concurrent run filed this version first; read again and compare.
    if (filed === null) return evaluation;
  }
  throw new Error(`Could not file an evaluation for ${market.id} ${period.key}: too many concurrent runs`);
}

/** A market's latest stored version for a period key, if any. */
export async function latestOf(
  store: Store,
  marketId: string,
  periodKey: string,
): Promise<Evaluation | undefined> {
  return (await EvaluationItem.versions(store, marketId, periodKey)).at(-1);
}

/** The latest version for every market evaluated for a period key, by market id. */
export async function latestForPeriod(
  store: Store,
  periodKey: string,
  province?: string,
): Promise<Evaluation[]> {
  const latest = new Map<string, Evaluation>();
  // The market's current province decides, not the one stored in the evaluation (docs/contract.md §15): a market
  // that moved is read by its new province's liaison and no longer by its old one's.
  const within = province
    ? new Set((await Markets.all(store)).filter((m) => sameProvince(m.province, province)).map((m) => m.id))
    : undefined;
  for (const e of await EvaluationItem.byPeriod(store, periodKey)) {
    if (within && !within.has(e.marketId)) continue;
    const seen = latest.get(e.marketId);
    if (!seen || seen.version < e.version) latest.set(e.marketId, e);
  }
  return [...latest.values()].sort((a, b) => a.marketId.localeCompare(b.marketId));
}

/** Every version of every evaluation of a market, newest first. */
export async function historyOf(store: Store, marketId: string): Promise<Evaluation[]> {
  const out = await EvaluationItem.ofMarket(store, marketId);
  return out.sort((a, b) =>
    a.computedAt === b.computedAt ? b.version - a.version : b.computedAt.localeCompare(a.computedAt),
  );
}
