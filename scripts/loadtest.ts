/**
 * `npm run loadtest`: 20,000 signed callbacks over 2,000 stalls, 30 % of them redeliveries, 32 in flight, against a
 * real `npm start` server on loopback (started here on a fresh data folder), while the evaluation job runs. Then a
 * recount: every acknowledged callback is stored exactly once and every rollup equals the recount of the records.
 * Prints throughput, p50/p99 and errors; the last recorded output is in docs/benchmarks.md.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@market40/devkit/dynamodbLocal";
import { killAll, start, waitReady } from "@market40/devkit/process";
import { ProviderClients } from "@market40/devkit/providerClients";

const TOTAL = Number(process.env.LOAD_TOTAL ?? 20_000);
const STALLS = Number(process.env.LOAD_STALLS ?? 2_000);
const IN_FLIGHT = Number(process.env.LOAD_IN_FLIGHT ?? 32);
const DUPLICATES = 0.3;

const dataDir = mkdtempSync(join(tmpdir(), "m40-load-"));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = start({ PORT: String(port), DATA_DIR: dataDir, SEED: "0", SIMULATE: "0", LOG_LEVEL: "ERROR" });
try {
  await waitReady(port, server);
  const secrets = JSON.parse(readFileSync(join(dataDir, "secrets.json"), "utf8"));
  const admin = { authorization: `Bearer ${secrets.adminToken}` };
  const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
  const market = {
    id: "load",
    name: "Chợ tải",
    province: "Tuyên Quang",
    commune: "Đồng Yên",
    launchedOn: "2026-01-01",
    schedule: { kind: "daily" },
    hours: { open: "00:00", close: "23:59" },
  };
  await fetch(`${base}/api/markets`, {
    method: "POST",
    headers: { ...admin, "content-type": "application/json" },
    body: JSON.stringify(market),
  });
  const csv = ["code,vendorName,phone,category,bankBin,accountNumber,accountName"];
  for (let i = 0; i < STALLS; i++) csv.push(`L-${i},Người bán ${i},,rau,970405,${60_000_000 + i},NGUOI BAN`);
  const imported = await (
    await fetch(`${base}/api/markets/load/stalls/import`, {
      method: "POST",
      headers: { ...admin, "content-type": "text/csv" },
      body: csv.join("\n"),
    })
  ).json();
  console.log(`stalls imported: ${imported.created}`);

  // The stream: 70 % new payments, 30 % redeliveries of one already sent.
  const unique = Math.round(TOTAL * (1 - DUPLICATES));
  const plan: number[] = [];
  for (let i = 0; i < TOTAL; i++) plan.push(i < unique ? i : Math.floor(Math.random() * unique));
  plan.sort(() => Math.random() - 0.5);
  const amountOf = (n: number) => 5000 + (n % 96) * 5000;
  const acked = new Set<number>();
  const latencies: number[] = [];
  const errors = new Map<string, number>();
  const statuses = new Map<string, number>();
  const evaluations = (async () => {
    let runs = 0;
    while (latencies.length < TOTAL) {
      await fetch(`${base}/api/evaluations/run`, {
        method: "POST",
        headers: { ...admin, "content-type": "application/json" },
        body: JSON.stringify({ from: today, to: today, marketId: "load" }),
      });
      runs++;
    }
    return runs;
  })();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < plan.length) {
        const n = plan[next++]!;
        const now = new Date();
        const req = ProviderClients.generic(
          {
            id: `LOAD-${n}`,
            bin: "970405",
            accountNumber: String(60_000_000 + (n % STALLS)),
            bankShortName: "Agribank",
            amount: amountOf(n),
            paidAt: now,
            description: "load",
            payer: `p${n % 3000}`,
          },
          secrets,
          now,
        );
        const t0 = performance.now();
        try {
          const res = await fetch(`${base}/api/callbacks/generic`, {
            method: "POST",
            body: req.body,
            headers: req.headers,
          });
          const body = (await res.json()) as { status?: string };
          latencies.push(performance.now() - t0);
          if (res.status === 200) {
            acked.add(n);
            statuses.set(body.status ?? "?", (statuses.get(body.status ?? "?") ?? 0) + 1);
          } else errors.set(String(res.status), (errors.get(String(res.status)) ?? 0) + 1);
        } catch (err) {
          latencies.push(performance.now() - t0);
          errors.set((err as Error).name, (errors.get((err as Error).name) ?? 0) + 1);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const evaluationRuns = await evaluations;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
  console.log(
    `callbacks: ${TOTAL} (${unique} distinct, ${TOTAL - unique} redeliveries) over ${STALLS} stalls, ${IN_FLIGHT} in flight`,
  );
  console.log(
    `throughput: ${(TOTAL / seconds).toFixed(0)}/s over ${seconds.toFixed(1)} s; latency p50 ${pct(50)} ms, p99 ${pct(99)} ms`,
  );
  console.log(
    `answers: ${JSON.stringify(Object.fromEntries(statuses))}; errors: ${JSON.stringify(Object.fromEntries(errors))}; evaluation runs meanwhile: ${evaluationRuns}`,
  );

  // Recount: the stored records against what was acknowledged and against the rollups.
  const ids = new Set<string>();
  let value = 0;
  let records = 0;
  let cursor = "";
  do {
    const page = await (
      await fetch(
        `${base}/api/markets/load/transactions?from=${today}&to=${today}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        { headers: admin },
      )
    ).json();
    for (const t of page.items as { id: string; amount: number }[]) {
      records++;
      ids.add(t.id);
      value += t.amount;
    }
    cursor = page.nextCursor ?? "";
  } while (cursor);
  const uptake = await (
    await fetch(`${base}/api/markets/load/uptake?from=${today}&to=${today}`, { headers: admin })
  ).json();
  const expectedValue = [...acked].reduce((s, n) => s + amountOf(n), 0);
  const checks = {
    "every acknowledged payment stored": [...acked].every((n) => ids.has(`LOAD-${n}`)),
    "no record twice": ids.size === records,
    "nothing stored that was not acknowledged": records === acked.size,
    "rollup count = records": uptake.totals.transactions === records,
    "rollup value = records": uptake.totals.value === value && value === expectedValue,
  };
  console.log(
    `recount: ${records} records, ${ids.size} distinct, value ${value}; rollups ${uptake.totals.transactions} / ${uptake.totals.value}`,
  );
  for (const [name, ok] of Object.entries(checks)) console.log(`  ${ok ? "ok  " : "FAIL"} ${name}`);
  process.exitCode = Object.values(checks).every(Boolean) ? 0 : 1;
} finally {
  // A graceful stop, so the server ends its DynamoDB Local too; SIGKILL only if it does not stop in time.
  server.child.kill("SIGTERM");
  await Promise.race([server.exited, new Promise((r) => setTimeout(r, 15_000))]);
  killAll();
  rmSync(dataDir, { recursive: true, force: true });
}
