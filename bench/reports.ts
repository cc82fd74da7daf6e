import { monitorEventLoopDelay } from "node:perf_hooks";
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { SYSTEM } from "@market40/core/audit/audit";
import { eachDate } from "@market40/core/calendar/localDate";
import { fixedClock } from "@market40/core/clock";
import { EvaluationItem } from "@market40/core/evaluation/evaluationItem";
import type { PeriodEvaluation } from "@market40/core/evaluation/monthOverMonth";
import * as Market from "@market40/core/market/market";
import { renderMonthlyReport } from "@market40/core/report/monthlyReport";
import type { MarketPage } from "@market40/core/report/reportData";
import * as Reports from "@market40/core/report/reports";
import { renderWorkbook } from "@market40/core/report/workbook";
import { StallDayItem } from "@market40/core/rollup/stallDayItem";
import { createStore, type Store } from "@market40/core/store/client";
import { ensureTable } from "@market40/core/store/table";
import * as Incidents from "@market40/core/uptime/incidents";
import { startDynamoDbLocal } from "@market40/devkit/dynamodbLocal";
import { benchMarket, type Figure, round } from "./harness";

const MARKETS = 200;
const MiB = 1024 * 1024;

/** A busy market's month: every figure set, a month-over-month change, long Vietnamese names. */
export function evaluation(i: number): PeriodEvaluation {
  const id = `m-${String(i).padStart(3, "0")}`;
  return {
    id: `e${i}`,
    marketId: id,
    market: {
      name: `Chợ phiên Đồng Văn số ${i} — chợ trung tâm`,
      province: "Tuyên Quang",
      commune: `Xã Đồng Văn ${i}`,
    },
    period: { from: "2026-10-01", to: "2026-10-31" },
    periodKey: "2026-10",
    version: 2,
    computedAt: "2026-11-01T17:30:00.000Z",
    method: {
      timezone: "Asia/Ho_Chi_Minh",
      definitions: "market40/1",
      thresholds: { uptimePct: 95, qrSharePct: 80, activeSharePct: 50 },
    },
    uptime: {
      scheduledSessions: 31,
      scheduledMinutes: 13020,
      downMinutes: 420 + i,
      uptimePct: 96.77,
      incidents: 5,
      sessionsWithEvidence: 31,
      activeSessions: 30,
      activeSessionsPct: 96.77,
    },
    uptake: {
      stalls: 400,
      stallsWithQr: 350,
      qrSharePct: 87.5,
      activeStalls: 300,
      activeSharePct: 85.71,
      transactions: 24000 + i,
      value: 1_234_567_000 + i * 1000,
      medianTicket: 35000,
      uniquePayers: 5000 + i,
    },
    // A month of session fees for its 400 stalls (issue 29).
    fees: {
      bills: 12_400,
      billed: 248_000_000,
      waived: 2_000_000,
      collected: 236_000_000 + i * 1000,
      collectedCashless: 177_000_000,
      excess: 60_000,
      outstanding: 10_000_000 - i * 1000,
      feesCashlessPct: 75,
      feesCollectedPct: 95.93,
    },
    rating: "pass",
    provisional: false,
    inputsHash: "0".repeat(64),
    monthOverMonth: {
      partial: false,
      previous: { period: "2026-09", version: 3, provisional: false },
      qrSharePct: { previous: 80, points: 7.5 },
      activeSharePct: { previous: 90, points: -4.29 },
      value: { previous: 1_000_000_000, change: 234_567_000, changePct: 23.46 },
      uniquePayers: { previous: 4800, change: 200 + i, changePct: 4.17 },
    },
  };
}

export function page(e: PeriodEvaluation): MarketPage {
  return {
    evaluation: e,
    days: eachDate("2026-10-01", "2026-10-31").map((date, d) => ({
      date,
      count: 500 + ((d * 37) % 400),
      value: 20_000_000 + ((d * 7919) % 30) * 1_000_000,
    })),
    incidents: Array.from({ length: 5 }, (_, n) => ({
      startedAt: `2026-10-${String(3 + n * 5).padStart(2, "0")}T23:00:00.000Z`,
      endedAt: `2026-10-${String(3 + n * 5).padStart(2, "0")}T23:45:00.000Z`,
      cause: "network" as const,
      note: "mất sóng di động cả khu chợ",
      lostMinutes: 45,
    })),
  };
}

/**
 * The province's reports for 200 busy markets (issue 18, docs/contract.md §15): the PDF as the route renders it
 * (summary, then a page per market, gathered 8 at a time; the store's reads are replaced by ready data, so the
 * figure is rendering alone) and the workbook. Peak RSS sampled every 20 ms; the event loop's longest stall is how
 * long other requests would wait behind the render on `npm start`.
 */
export async function reportBench(): Promise<Figure[]> {
  const items = Array.from({ length: MARKETS }, (_, i) => evaluation(i + 1));
  const heading = { period: "2026-10", province: "Tuyên Quang", madeAt: "2026-11-02T01:00:00.000Z" };
  // Warm-up: fonts read, code compiled.
  await renderMonthlyReport(heading, items.slice(0, 2), async (e) => page(e));
  await renderWorkbook("2026-10", items.slice(0, 2));
  global.gc?.();

  const figures: Figure[] = [];
  const ddb = await startDynamoDbLocal({ jit: "full" });
  const store = createStore({ tableName: "bench-reports", endpoint: ddb.endpoint });
  const deps = { store, clock: fixedClock("2026-11-02T01:00:00Z") };
  try {
    await ensureTable(store);
    await seed(store, deps.clock, items);
    figures.push(
      ...(await measure([
        ["pdf", () => renderMonthlyReport(heading, items, async (e) => page(e))],
        ["xlsx", () => renderWorkbook("2026-10", items)],
        [
          "pdf from the store (route path)",
          async () => (await Reports.monthlyReport(deps, "2026-10", "Tuyên Quang")).body,
        ],
        [
          "xlsx from the store (route path)",
          async () => (await Reports.workbook(store, "2026-10", "Tuyên Quang")).body,
        ],
      ])),
    );
  } finally {
    store.doc.destroy();
    await ddb.stop();
  }
  return figures;
}

async function batchWrite(store: Store, items: Record<string, unknown>[]) {
  for (let i = 0; i < items.length; i += 25) {
    let pending: unknown[] | undefined = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (pending && pending.length > 0) {
      const res: { UnprocessedItems?: Record<string, unknown[]> } = await store.doc.send(
        new BatchWriteCommand({ RequestItems: { [store.table]: pending as never } }),
      );
      pending = res.UnprocessedItems?.[store.table];
    }
  }
}

/**
 * The 200 markets in the store as the app leaves them: market, October's stall-days (one a day, carrying the day's
 * totals: a market's day is the sum of its stall-days), 5 incidents, 2 evaluations.
 */
async function seed(store: Store, clock: ReturnType<typeof fixedClock>, items: PeriodEvaluation[]) {
  const bulk: Record<string, unknown>[] = [];
  for (const e of items) {
    await Market.create(store, clock, { ...benchMarket(e.marketId, e.market.commune), name: e.market.name });
    const p = page(e);
    for (const d of p.days)
      bulk.push(
        StallDayItem.toItem(e.marketId, {
          stallId: `${e.marketId}-s1`,
          date: d.date,
          count: d.count,
          value: d.value,
          minutes: [420],
          payers: [],
          amounts: new Map(),
        }),
      );
    for (const i of p.incidents)
      await Incidents.report(
        store,
        clock,
        e.marketId,
        { startedAt: i.startedAt, endedAt: i.endedAt!, cause: i.cause, note: i.note },
        SYSTEM,
      );
    const { monthOverMonth: _, ...october } = e;
    const september = {
      ...october,
      id: `${e.id}-9`,
      periodKey: "2026-09",
      period: { from: "2026-09-01", to: "2026-09-30" },
    };
    for (const ev of [october, september])
      bulk.push((EvaluationItem.create(store, ev).Put as { Item: Record<string, unknown> }).Item);
  }
  await batchWrite(store, bulk);
}

async function measure(runs: [string, () => Promise<Uint8Array>][]): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const [name, render] of runs) {
    const baseRss = process.memoryUsage.rss();
    let peakRss = baseRss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 20);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const t = performance.now();
    const bytes = await render();
    const ms = performance.now() - t;
    delay.disable();
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    figures.push(
      { suite: "reports", name: `${name}: 200 markets, time`, value: round(ms), unit: "ms" },
      {
        suite: "reports",
        name: `${name}: size`,
        value: round(bytes.length / MiB, 2),
        unit: "MiB",
        peer: "limit",
        peerValue: 4,
        ratio: round(4 / (bytes.length / MiB), 1),
      },
      {
        suite: "reports",
        name: `${name}: peak RSS`,
        value: round(peakRss / MiB),
        unit: "MiB",
        note: `before: ${round(baseRss / MiB)} MiB`,
      },
      {
        suite: "reports",
        name: `${name}: longest event-loop stall`,
        value: round(delay.max / 1e6),
        unit: "ms",
      },
    );
    global.gc?.();
  }
  return figures;
}
