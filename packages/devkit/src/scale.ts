import { BatchWriteCommand, type NativeAttributeValue } from "@aws-sdk/lib-dynamodb";
import { addDays, localDateOf, monthRange } from "@market40/core/calendar/localDate";
import { ANIMALS } from "@market40/core/calendar/zodiac";
import type { Clock } from "@market40/core/clock";
import { EVALUATION_CONCURRENCY } from "@market40/core/evaluation/scheduled";
import type { Market } from "@market40/core/market/market";
import * as Markets from "@market40/core/market/market";
import { MarketItem } from "@market40/core/market/marketItem";
import { type StallDay, StallDayItem } from "@market40/core/rollup/stallDayItem";
import type { Stall } from "@market40/core/stall/stall";
import { StallItem } from "@market40/core/stall/stallItem";
import type { Store } from "@market40/core/store/client";
import { runDaily } from "@market40/functions/jobs/daily";
import { silentLogger } from "@market40/functions/log";

/**
 * The country at scale, for `scripts/scale.ts` and its small version in CI (test/scale.test.ts): markets with a
 * spread of stalls, schedules and payments written in bulk as the callback path leaves them (stall items, stall-day
 * and market-day rollups), then the daily job run through the evaluation queue.
 */
type Item = Record<string, NativeAttributeValue>;

/** Writes items 25 at a time, 8 batches in flight, until DynamoDB has taken every one. */
export async function batchWrite(store: Store, items: Item[], inFlight = 8): Promise<void> {
  const chunks: Item[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < chunks.length) {
        let pending: { PutRequest: { Item: Item } }[] | undefined = chunks[next++]!.map((Item) => ({
          PutRequest: { Item },
        }));
        while (pending && pending.length > 0) {
          const res = await store.doc.send(
            new BatchWriteCommand({ RequestItems: { [store.table]: pending } }),
          );
          pending = res.UnprocessedItems?.[store.table] as typeof pending;
        }
      }
    }),
  );
}

/** A small deterministic generator, so a scale run can be repeated exactly. */
export function random(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    /** Log-normal around a median, as market sizes are: many small markets, a few very large ones. */
    logNormal: (median: number, sigma: number) => {
      const u = Math.max(next(), 1e-12);
      const v = next();
      return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
    },
  };
}

export interface ScaleOptions {
  markets: number;
  /** Mean stalls per market (the country: ~235). Sizes are log-normal around it, 10 to 2,000. */
  stallsMean: number;
  /** The month seeded; the run evaluates it month-to-date on `day`. */
  month: string;
  /** The local day the daily job runs on (its periods end the day before). */
  day: string;
  seed?: number;
  /** Id prefix, so several runs can share one table. */
  prefix?: string;
}

export interface Seeded {
  markets: number;
  stalls: number;
  stallDays: number;
  payments: number;
  items: number;
}

/**
 * Schedules as the highlands have them: most markets weekly (a Sunday "chợ phiên"), some daily town markets, some
 * on the lunar calendar or on zodiac days.
 */
function scheduleFor(r: ReturnType<typeof random>): Market["schedule"] {
  const x = r.next();
  if (x < 0.55) return { kind: "weekly", days: [r.int(1, 7)] };
  if (x < 0.85) return { kind: "daily" };
  if (x < 0.95) return { kind: "lunar", days: [1, 6, 11, 16, 21, 26] };
  return { kind: "zodiac", animals: [ANIMALS[r.int(0, 11)]!, ANIMALS[r.int(0, 11)]!] };
}

/** Seeds `markets` markets; `onProgress` is told every 500 markets. */
export async function seedCountry(
  store: Store,
  opts: ScaleOptions,
  onProgress?: (done: number) => void,
): Promise<Seeded> {
  const r = random(opts.seed ?? 2026);
  const prefix = opts.prefix ?? "scale";
  const { from } = monthRange(opts.month);
  const lastDay = addDays(opts.day, -1);
  const totals: Seeded = { markets: 0, stalls: 0, stallDays: 0, payments: 0, items: 0 };
  const now = `${from}T00:00:00.000Z`;
  let buffer: Item[] = [];
  const flush = async () => {
    totals.items += buffer.length;
    await batchWrite(store, buffer);
    buffer = [];
  };
  for (let m = 0; m < opts.markets; m++) {
    const id = `${prefix}-${String(m).padStart(5, "0")}`;
    const market: Market = {
      id,
      name: `Chợ ${id}`,
      province: `Tỉnh ${m % 34}`,
      commune: `Xã ${m}`,
      launchedOn: "2026-01-01",
      schedule: scheduleFor(r),
      hours: { open: "05:00", close: "12:00" },
      closures: [],
      createdAt: now,
      updatedAt: now,
    };
    buffer.push(MarketItem.create(store, market).Put!.Item as Item);
    // Median a little under the mean, as a log-normal with sigma 0.6 has it (mean = median × e^0.18).
    const stalls = Math.round(Math.min(2000, Math.max(10, r.logNormal(opts.stallsMean / 1.2, 0.6))));
    const sessions = new Set(Markets.sessions(market, from, lastDay).map((s) => s.date));
    for (let s = 0; s < stalls; s++) {
      const stall: Stall = {
        id: `${id}-s${s}`,
        marketId: id,
        code: `S-${s}`,
        vendorName: "Scale",
        bank: {
          bin: "970405",
          bankName: "Agribank",
          accountNumber: `${m}${s}`.slice(0, 19),
          accountName: "SCALE",
        },
        status: "active",
        createdAt: now,
        updatedAt: now,
        qrIssuedAt: r.next() < 0.8 ? now : null,
      };
      buffer.push(StallItem.create(store, stall).Put!.Item as Item);
      totals.stalls++;
      // Four in ten stalls take QR payments on a session day, a handful each.
      for (const date of sessions) {
        if (r.next() >= 0.4) continue;
        const day: StallDay = {
          stallId: stall.id,
          date,
          count: 0,
          value: 0,
          minutes: [],
          payers: [],
          amounts: new Map(),
        };
        const n = r.int(1, 12);
        for (let p = 0; p < n; p++) {
          const amount = r.int(5, 300) * 1000;
          day.count++;
          day.value += amount;
          day.minutes.push(r.int(300, 719));
          day.payers.push(`p${r.int(0, 99999)}`);
          day.amounts.set(amount, (day.amounts.get(amount) ?? 0) + 1);
        }
        day.minutes = [...new Set(day.minutes)];
        day.payers = [...new Set(day.payers)];
        buffer.push(StallDayItem.toItem(id, day) as Item);
        totals.stallDays++;
        totals.payments += day.count;
      }
    }
    totals.markets++;
    if (buffer.length >= 2000) await flush();
    if ((m + 1) % 500 === 0) onProgress?.(m + 1);
  }
  await flush();
  return totals;
}

/** Read units DynamoDB reports for every read sent through the store, from the moment this is called. */
export function countReadUnits(store: Store): { total: () => number; stop: () => void } {
  let units = 0;
  const name = `readUnits-${Math.random()}`;
  store.doc.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as {
        ReturnConsumedCapacity?: string;
        TransactItems?: unknown;
        Item?: unknown;
      };
      const isRead = !input.TransactItems && !input.Item;
      if (isRead) input.ReturnConsumedCapacity = "TOTAL";
      const out = await next(args);
      const cap = (
        out.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }
      ).ConsumedCapacity;
      if (isRead)
        for (const c of ([] as { CapacityUnits?: number }[]).concat(cap ?? [])) units += c.CapacityUnits ?? 0;
      return out;
    },
    { step: "initialize", name },
  );
  return { total: () => units, stop: () => store.doc.middlewareStack.remove(name) };
}

export interface ScaleRun {
  ms: number;
  evaluated: number;
  failed: number;
  readUnits: number;
  peakRssMb: number;
  concurrency: number;
}

/** Runs the daily job as `npm start` does — its evaluations through the in-process queue — and measures it. */
export async function runDailyAtScale(store: Store, clock: Clock): Promise<ScaleRun> {
  const reads = countReadUnits(store);
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  const started = performance.now();
  try {
    const report = await runDaily({
      store,
      clock,
      logger: silentLogger,
      config: { tableName: store.table, secrets: {} as never, payerKey: "scale", stage: "scale" },
    });
    const evaluation = report.find((s) => s.step === "evaluate markets");
    if (!evaluation?.ok) throw new Error(`the evaluation step failed: ${evaluation?.error}`);
    const result = evaluation.result as { evaluated: unknown[]; failed: unknown[] };
    return {
      ms: performance.now() - started,
      evaluated: result.evaluated.length,
      failed: result.failed.length,
      readUnits: reads.total(),
      peakRssMb: Math.max(peak, process.memoryUsage().rss) / 2 ** 20,
      concurrency: EVALUATION_CONCURRENCY,
    };
  } finally {
    clearInterval(sampler);
    reads.stop();
  }
}

/** The local date of a clock, for naming a run's day. */
export const dayOf = (clock: Clock) => localDateOf(clock.now());
