import { createHash } from "node:crypto";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import {
  addDays,
  assertRangeLength,
  isLocalDate,
  type LocalDate,
  localTimeToUtc,
  monthRange,
} from "../calendar/localDate";
import { laterDate } from "../calendar/sessions";
import { type Clock, newId } from "../clock";
import { validationError } from "../errors";
import type { Market } from "../market/market";
import * as Rollups from "../rollup/rollups";
import * as Stall from "../stall/stall";
import { guard, queryAll, type Store } from "../store/client";
import { Keys } from "../store/keys";
import * as Heartbeats from "../uptime/heartbeatStore";
import * as Incidents from "../uptime/incidents";
import { type EvaluationInput, evaluate, type Figures } from "./evaluate";

/** An immutable, versioned evaluation (contract §9). */
export interface Evaluation extends Figures {
  id: string;
  marketId: string;
  market: { name: string; province: string; commune: string };
  period: { from: LocalDate; to: LocalDate };
  /** `YYYY-MM` for a month (month-to-date or final), else `from_to`. */
  periodKey: string;
  version: number;
  computedAt: string;
  /** SHA-256 of the inputs (calendar, stalls, rollups, incidents, beats): equal inputs, same evaluation. */
  inputsHash: string;
}

export type PeriodRequest = { period: string } | { from: string; to: string };

/** Resolves `{period: "2026-10"}` or `{from, to}` into dates and the key evaluations are filed under. */
export function resolvePeriod(req: PeriodRequest): { from: LocalDate; to: LocalDate; key: string } {
  if ("period" in req) {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(req.period))
      throw validationError("`period` must be YYYY-MM", [{ path: "period", message: "Expected YYYY-MM" }]);
    return { ...monthRange(req.period), key: req.period };
  }
  if (!isLocalDate(req.from) || !isLocalDate(req.to) || req.from > req.to)
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

/** Gathers a market's inputs for a period from the store: rollups, never individual transactions. */
export async function gatherInputs(
  store: Store,
  market: Market,
  period: { from: LocalDate; to: LocalDate },
  now: Date,
): Promise<EvaluationInput> {
  const start = laterDate(period.from, market.launchedOn);
  const fromIso = localTimeToUtc(period.from, "00:00").toISOString();
  const toIso = localTimeToUtc(addDays(period.to, 1), "00:00").toISOString();
  const [stalls, stallDays, incidents, beats] = await Promise.all([
    Stall.allOfMarket(store, market.id),
    start > period.to ? Promise.resolve([]) : Rollups.stallDays(store, market.id, start, period.to),
    Incidents.overlapping(store, market.id, fromIso, toIso),
    // A day either side: a run of failed beats may start before the period or end after it.
    Heartbeats.between(store, market.id, addDays(period.from, -1), addDays(period.to, 1)),
  ]);
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
    stallDays,
    incidents: incidents.map((i) => ({ startedAt: i.startedAt, endedAt: i.endedAt })),
    beats,
    now,
  };
}

function clean(raw: Record<string, unknown>): Evaluation {
  const { pk: _a, sk: _b, gsi1pk: _c, gsi1sk: _d, type: _e, v: _f, ...rest } = raw;
  return rest as unknown as Evaluation;
}

/** Every stored version of a market's evaluation for a period key, oldest first. */
async function versionsFor(store: Store, marketId: string, periodKey: string): Promise<Evaluation[]> {
  const res = await guard(() =>
    store.doc.send(
      new QueryCommand({
        TableName: store.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": `MARKET#${marketId}`, ":prefix": `EVAL#${periodKey}#v` },
        ConsistentRead: true,
      }),
    ),
  );
  return (res.Items ?? []).map(clean);
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
): Promise<Evaluation> {
  const period = resolvePeriod(req);
  const now = clock.now();
  const input = await gatherInputs(store, market, period, now);
  // Open incidents make the figures depend on `now`; closed ones do not. Hash `now` only when it matters.
  const open = input.incidents.some((i) => i.endedAt === null);
  const inputsHash = createHash("sha256")
    .update(
      canonical({
        ...input,
        now: open ? now.toISOString() : null,
        market: { ...input.market, name: market.name },
      }),
    )
    .digest("hex");
  for (let attempt = 0; attempt < 5; attempt++) {
    const versions = await versionsFor(store, market.id, period.key);
    const latest = versions.at(-1);
    if (
      latest &&
      latest.inputsHash === inputsHash &&
      latest.period.to === period.to &&
      latest.period.from === period.from
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
      method: figures.method,
      uptime: figures.uptime,
      uptake: figures.uptake,
      rating: figures.rating,
      inputsHash,
    };
    try {
      await guard(() =>
        store.doc.send(
          new PutCommand({
            TableName: store.table,
            Item: {
              ...Keys.evaluation(market.id, period.key, evaluation.version),
              ...Keys.evaluationsOfPeriod(period.key, market.id, evaluation.version),
              type: "evaluation",
              v: 1,
              ...evaluation,
            },
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        ),
      );
      return evaluation;
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }
  throw new Error(`Could not file an evaluation for ${market.id} ${period.key}: too many concurrent runs`);
}

/** The latest version for every market evaluated for a period key, by market id. */
export async function latestForPeriod(store: Store, periodKey: string): Promise<Evaluation[]> {
  const latest = new Map<string, Evaluation>();
  const items = await queryAll(store, {
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :pk",
    ExpressionAttributeValues: { ":pk": `EVALS#${periodKey}` },
  });
  for (const raw of items) {
    const e = clean(raw);
    const seen = latest.get(e.marketId);
    if (!seen || seen.version < e.version) latest.set(e.marketId, e);
  }
  return [...latest.values()].sort((a, b) => a.marketId.localeCompare(b.marketId));
}

/** Every version of every evaluation of a market, newest first. */
export async function historyOf(store: Store, marketId: string): Promise<Evaluation[]> {
  const out = (
    await queryAll(store, {
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": `MARKET#${marketId}`, ":prefix": "EVAL#" },
    })
  ).map(clean);
  return out.sort((a, b) =>
    a.computedAt === b.computedAt ? b.version - a.version : b.computedAt.localeCompare(a.computedAt),
  );
}
