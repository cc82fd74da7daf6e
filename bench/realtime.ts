import * as ApiKeys from "@market40/core/auth/keys";
import { systemClock } from "@market40/core/clock";
import { type DynamoDbLocal, freePort, startDynamoDbLocal } from "@market40/devkit/dynamodbLocal";
import { ProviderClients } from "@market40/devkit/providerClients";
import { listen } from "@market40/functions/local/server";
import type WebSocket from "ws";
import { BENCH_SECRETS, benchSetup, type Figure, openStallSocket, percentile, round } from "./harness";

const PAYMENTS = 300;

/**
 * The payment speaker's delay (issue 17) on `npm start`'s server over DynamoDB Local: a signed callback sent, its
 * `200`, and the moment the message reaches a vendor's WebSocket, with 1 and with 200 vendors connected (one socket
 * per stall, payments spread over them), one callback at a time. Also the memory an open socket costs.
 */
export async function realtimeBench(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const ddb: DynamoDbLocal = await startDynamoDbLocal({ jit: "full" });
  const sockets: WebSocket[] = [];
  try {
    const { store, deps, stalls } = await benchSetup(ddb.endpoint, {
      count: 200,
      prefix: "R",
      firstAccount: 6000000,
    });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // Tickets name the socket URL from configuration, never from the request (docs/contract.md §14).
    const server = await listen({ ...deps, config: { ...deps.config, publicUrl: base } }, port, "127.0.0.1");

    /** Resolvers waiting for a payment id at a client, and when it arrived. */
    const waiting = new Map<string, (at: number) => void>();
    const open = async (stallId: string) => {
      // A key holds at most a few sockets (§14): each stall listens with its own vendor key, as phones do.
      const vendor = await ApiKeys.create(store, systemClock, { role: "vendor", stallId, marketId: "bench" });
      const ws = await openStallSocket(base, vendor.token, stallId);
      ws.on("message", (data) => {
        const at = performance.now();
        const msg = JSON.parse(String(data)) as { type: string; id?: string };
        if (msg.type === "payment" && msg.id) waiting.get(msg.id)?.(at);
      });
      sockets.push(ws);
    };
    const pay = async (id: string, stall: (typeof stalls)[number]) => {
      const now = new Date();
      const req = ProviderClients.generic(
        {
          id,
          bin: "970405",
          accountNumber: stall.bank.accountNumber,
          bankShortName: "Agribank",
          amount: 35_000,
          paidAt: now,
          description: "bench",
        },
        BENCH_SECRETS,
        now,
      );
      const heard = new Promise<number>((r) => waiting.set(id, r));
      const sent = performance.now();
      const res = await fetch(`${base}/api/callbacks/generic`, {
        method: "POST",
        body: req.body,
        headers: req.headers,
      });
      await res.arrayBuffer();
      const replied = performance.now();
      const at = await heard;
      waiting.delete(id);
      return { callback: replied - sent, message: at - sent, afterReply: at - replied };
    };

    let memory = { rss: 0, heap: 0, sockets: 0 };
    for (const connected of [1, 200]) {
      global.gc?.();
      const before = process.memoryUsage();
      const had = sockets.length;
      while (sockets.length < connected) await open(stalls[sockets.length]!.id);
      global.gc?.();
      const usage = process.memoryUsage();
      if (connected === 200)
        memory = {
          rss: usage.rss - before.rss,
          heap: usage.heapUsed - before.heapUsed,
          sockets: connected - had,
        };
      // Warm-up: JIT, account cache, connection pool.
      for (let i = 0; i < 50; i++) await pay(`RTW-${connected}-${i}`, stalls[i % connected]!);
      const runs: { callback: number; message: number; afterReply: number }[] = [];
      for (let i = 0; i < PAYMENTS; i++) runs.push(await pay(`RT-${connected}-${i}`, stalls[i % connected]!));
      const sorted = (k: "callback" | "message" | "afterReply") =>
        runs.map((r) => r[k]).sort((a, b) => a - b);
      const cb = sorted("callback");
      const msg = sorted("message");
      const after = sorted("afterReply");
      for (const p of [50, 95, 99])
        figures.push({
          suite: "realtime",
          name: `callback sent → message at the vendor, p${p}, ${connected} connected`,
          value: round(percentile(msg, p), 1),
          unit: "ms",
          peer: `the callback's own 200, p${p}`,
          peerValue: round(percentile(cb, p), 1),
          ratio: round(percentile(cb, p) / percentile(msg, p), 2),
        });
      figures.push({
        suite: "realtime",
        name: `message after the callback's 200, p95, ${connected} connected (≤ 0: it arrives first)`,
        value: round(percentile(after, 95), 1),
        unit: "ms",
        note: "announced after the commit, before the reply",
      });
    }
    figures.push({
      suite: "realtime",
      name: `memory per open socket (heap growth opening ${memory.sockets}; server and client ends in one process)`,
      value: round(memory.heap / memory.sockets / 1024, 1),
      unit: "KiB",
      note: `RSS growth: ${round(memory.rss / memory.sockets / 1024, 1)} KiB per socket; ${server.realtime.size()} open`,
    });
    for (const ws of sockets) ws.terminate();
    await new Promise((r) => server.close(r));
  } finally {
    for (const ws of sockets) ws.terminate();
    await ddb.stop();
  }
  return figures;
}
