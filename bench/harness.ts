import { readFileSync } from "node:fs";
import { SYSTEM } from "@market40/core/audit/audit";
import { systemClock } from "@market40/core/clock";
import type { AppConfig, ProviderSecrets } from "@market40/core/config";
import * as Market from "@market40/core/market/market";
import type { Stall } from "@market40/core/stall/stall";
import * as StallWorkflows from "@market40/core/stall/stall";
import { createStore, type Store } from "@market40/core/store/client";
import { ensureTable } from "@market40/core/store/table";
import type { Deps } from "@market40/functions/api/context";
import { silentLogger } from "@market40/functions/log";
import WebSocket from "ws";
/** A figure the benchmarks print: a value, and where there is one, its peer or limit measured in the same run. */
export interface Figure {
  suite: string;
  name: string;
  value: number;
  unit: string;
  /** What the value is compared with, e.g. "vietnam-qr-pay encode" or "aim ≥ 5×". */
  peer?: string;
  peerValue?: number;
  /** value / peerValue when both are rates (higher is better); for times, peer / value. */
  ratio?: number;
  note?: string;
}

/** Runs `fn` repeatedly for about `ms` after a warm-up; returns operations per second. */
export async function rate(fn: () => unknown | Promise<unknown>, ms = 1500): Promise<number> {
  const warmUntil = performance.now() + Math.min(300, ms / 4);
  while (performance.now() < warmUntil) await fn();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    await fn();
    n++;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

/** CPU seconds (user + system) a process has used, from /proc; undefined where there is no /proc or no process. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

export async function time<T>(fn: () => Promise<T> | T): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await fn();
  return { ms: performance.now() - start, result };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** A daily morning market for a benchmark: its own id and name, the rest as the seeded markets are. */
export const benchMarket = (id: string, commune = "Đồng Văn") => ({
  id,
  name: `Chợ ${id}`,
  province: "Tuyên Quang",
  commune,
  launchedOn: "2026-01-01",
  schedule: { kind: "daily" as const },
  hours: { open: "05:00", close: "12:00" },
});

/** Stall `i` of a benchmark market's posters: an active Agribank stall with a long Vietnamese name. */
export const benchStall = (i: number): Stall => ({
  id: `s${i}`,
  marketId: "bench",
  code: `B-${String(i).padStart(4, "0")}`,
  vendorName: "Giàng Thị Mai",
  bank: {
    bin: "970405",
    bankName: "Agribank",
    accountNumber: String(8888000000000 + i),
    accountName: "GIANG THI MAI",
  },
  status: "active",
  createdAt: "",
  updatedAt: "",
  qrIssuedAt: null,
});

/** The provider secrets every benchmark signs its deliveries with and its app verifies them with. */
export const BENCH_SECRETS: ProviderSecrets = {
  generic: "bench-generic",
  payos: "bench-payos",
  sepay: "bench-sepay",
  sepayWebhookSecret: "bench-sepay-webhook",
  casso: "bench-casso",
  cassoSecureToken: "bench-casso-token",
};

/**
 * A benchmark's table on a DynamoDB Local, the app's dependencies over it, and market "bench" with `count` active
 * stalls (codes `<prefix>-<i>`, accounts `firstAccount + i` at `bin`).
 */
export async function benchSetup(
  endpoint: string,
  stalls: { count: number; prefix: string; firstAccount: number; bin?: string },
  tableName = "bench",
): Promise<{ config: AppConfig; store: Store; deps: Deps; stalls: Stall[] }> {
  const config: AppConfig = {
    tableName,
    endpoint,
    secrets: BENCH_SECRETS,
    payerKey: "bench-payer-key",
    stage: "bench",
  };
  const store = createStore(config);
  await ensureTable(store);
  await Market.create(store, systemClock, benchMarket("bench"));
  const registered = await StallWorkflows.registerMany(
    store,
    systemClock,
    SYSTEM,
    "bench",
    Array.from({ length: stalls.count }, (_, i) => ({
      code: `${stalls.prefix}-${i}`,
      vendorName: "Bench",
      bank: {
        bin: stalls.bin ?? "970405",
        accountNumber: `${stalls.firstAccount + i}`,
        accountName: "BENCH",
      },
    })),
  );
  return {
    config,
    store,
    deps: { store, clock: systemClock, config, logger: silentLogger },
    stalls: registered.flatMap((s) => (s.ok ? [s.stall] : [])),
  };
}

/** A stall's realtime socket, opened as the vendor's page opens it: a single-use ticket, then the URL it names. */
export async function openStallSocket(base: string, token: string, stallId: string): Promise<WebSocket> {
  const res = await fetch(`${base}/api/realtime/tickets`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ stallId }),
  });
  const { url } = (await res.json()) as { url: string };
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  return ws;
}

/** Runs `total` tasks with `inFlight` at a time; returns each task's latency in ms (sorted) and the wall time. */
export async function pool(total: number, inFlight: number, task: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await task(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), seconds: (performance.now() - start) / 1000 };
}
