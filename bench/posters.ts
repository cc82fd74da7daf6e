import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { splitIntoParts } from "@market40/core/vietqr/issuance";
import { forStall } from "@market40/core/vietqr/stallQr";
import { workerPosterRenderer } from "@market40/functions/local/posterRenderer";
import { benchStall, type Figure, percentile, round } from "./harness";

/**
 * Batch posters of a 1,500-stall market in parts (issue 15, docs/contract.md §12), rendered as `npm start` renders
 * them: on the worker thread, one part at a time. Meanwhile a plain HTTP answer on the main thread (what
 * `/api/health` needs of the event loop) is asked for every 10 ms; its p99 is the figure. Peak RSS is the whole
 * process's (main thread + worker), sampled every 20 ms.
 */
export async function posterBench(): Promise<Figure[]> {
  const stalls = Array.from({ length: 1500 }, (_, i) => benchStall(i));
  const parts = splitIntoParts(stalls);
  const render = workerPosterRenderer();
  const server = createServer((_req, res) => res.end('{"status":"ok"}'));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  const baseRss = process.memoryUsage.rss();
  let peakRss = baseRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 20);
  const latencies: number[] = [];
  let pinging = true;
  const pinger = (async () => {
    while (pinging) {
      const t = performance.now();
      await (await fetch(`http://127.0.0.1:${port}/api/health`)).text();
      latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const times: number[] = [];
  let biggest = 0;
  try {
    // Warm-up: the worker's first part also loads fonts and code.
    await render(
      "warm",
      parts[0]!.stalls
        .slice(0, 5)
        .map((s) => ({ marketName: "Chợ", stall: s, payload: forStall(s).payload })),
      {},
    );
    for (const part of parts) {
      const t = performance.now();
      const pdf = await render(
        `Mã QR — bench (${part.part.from}–${part.part.to})`,
        part.stalls.map((s) => ({ marketName: "Chợ bench", stall: s, payload: forStall(s).payload })),
        {},
      );
      times.push(performance.now() - t);
      biggest = Math.max(biggest, pdf.length);
    }
  } finally {
    pinging = false;
    await pinger;
    clearInterval(sampler);
    await render.close();
    server.close();
  }
  const lambda = lambdaSizedPart();
  const sortedTimes = [...times].sort((a, b) => a - b);
  const sortedLat = [...latencies].sort((a, b) => a - b);
  const MiB = 1024 * 1024;
  return [
    {
      suite: "posters",
      name: "parts for 1,500 stalls",
      value: parts.length,
      unit: "parts",
      note: "≤ 200 stalls each",
    },
    {
      suite: "posters",
      name: "time per part (median)",
      value: round(percentile(sortedTimes, 50)),
      unit: "ms",
      note: `max ${round(sortedTimes.at(-1)!)} ms`,
    },
    {
      suite: "posters",
      name: "largest part PDF",
      value: round(biggest / MiB, 2),
      unit: "MiB",
      peer: "limit",
      peerValue: 4,
      ratio: round(4 / (biggest / MiB), 1),
    },
    {
      suite: "posters",
      name: "peak RSS while rendering",
      value: round(peakRss / MiB),
      unit: "MiB",
      note: `before: ${round(baseRss / MiB)} MiB`,
    },
    {
      suite: "posters",
      name: "health answer p99 while rendering",
      value: round(percentile(sortedLat, 99)),
      unit: "ms",
      note: `${latencies.length} requests, max ${round(sortedLat.at(-1)!)} ms`,
    },
    {
      suite: "posters",
      name: "one part in-process, heap capped as a 512 MB Lambda: peak RSS",
      value: round(lambda.maxRssKiB / 1024),
      unit: "MiB",
      peer: "Lambda memory",
      peerValue: 512,
      ratio: round(512 / (lambda.maxRssKiB / 1024), 1),
    },
    {
      suite: "posters",
      name: "one part in-process: time here, cold / warm",
      value: round(lambda.coldMs),
      unit: "ms",
      note: `warm ${round(lambda.warmMs)} ms; the API function's 1,024 MB gets 1024/1769 of a vCPU → ~${round((lambda.coldMs * 1769) / 1024 / 1000, 1)} s cold (estimate; its timeout is 20 s)`,
    },
  ];
}

/** bench/posterLambda.ts in a child process with a 512 MB Lambda's heap. */
function lambdaSizedPart(): { coldMs: number; warmMs: number; bytes: number; maxRssKiB: number } {
  const out = execFileSync(
    process.execPath,
    [
      "--max-old-space-size=448",
      "--import",
      "tsx",
      fileURLToPath(new URL("./posterLambda.ts", import.meta.url)),
    ],
    { encoding: "utf8" },
  );
  return JSON.parse(out.trim().split("\n").at(-1)!);
}
