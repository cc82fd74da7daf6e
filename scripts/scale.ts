/**
 * `npm run scale`: the whole country's daily evaluation job on one machine. Seeds SCALE_MARKETS markets (8,500 by
 * default) with a log-normal spread of stalls around SCALE_STALLS_MEAN, weekly, daily, lunar and zodiac schedules,
 * and a month of payments written as the callback path leaves them (stall items, stall-day and market-day rollups),
 * into an in-memory DynamoDB Local; then runs the daily job as `npm start` does — one evaluation job per market
 * through the in-process queue, EVALUATION_CONCURRENCY at a time — and prints its time, read units per market and
 * peak memory. A second run on the same day shows the cost of a run that finds nothing changed.
 *
 *   npm run scale                                   # 8,500 markets, ~12 stalls each (fits a laptop)
 *   SCALE_MARKETS=200 SCALE_STALLS_MEAN=235 npm run scale   # one province at the national mean market size
 *
 * The recorded figures are in docs/benchmarks.md ("scale"); docs/capacity.md derives the AWS concurrency from them.
 */
import { fixedClock } from "@market40/core/clock";
import { createStore } from "@market40/core/store/client";
import { ensureTable } from "@market40/core/store/table";
import { startDynamoDbLocal } from "@market40/devkit/dynamodbLocal";
import { runDailyAtScale, seedCountry } from "@market40/devkit/scale";

const markets = Number(process.env.SCALE_MARKETS ?? 8_500);
const stallsMean = Number(process.env.SCALE_STALLS_MEAN ?? 12);
// The job runs at 00:30 on 20 October: October 1–19 month-to-date, no previous month to finalise.
const clock = fixedClock("2026-10-19T17:30:00Z");

const ddb = await startDynamoDbLocal({ jit: "full" });
try {
  const store = createStore({ tableName: "scale", endpoint: ddb.endpoint });
  await ensureTable(store);
  let started = performance.now();
  const seeded = await seedCountry(store, { markets, stallsMean, month: "2026-10", day: "2026-10-20" }, (n) =>
    process.stdout.write(`\r  seeded ${n} markets`),
  );
  const seedSeconds = (performance.now() - started) / 1000;
  console.log(
    `\nseeded: ${seeded.markets} markets, ${seeded.stalls} stalls, ${seeded.stallDays} stall-days, ` +
      `${seeded.payments} payments, ${seeded.items} items in ${seedSeconds.toFixed(0)} s`,
  );
  for (const label of ["first run", "same-day re-run"]) {
    started = performance.now();
    const run = await runDailyAtScale(store, clock);
    console.log(
      `${label}: ${run.evaluated} evaluated, ${run.failed} failed in ${(run.ms / 1000).toFixed(1)} s ` +
        `(${((run.ms / 1000 / markets) * run.concurrency).toFixed(3)} s per market per consumer, concurrency ${run.concurrency}); ` +
        `${(run.readUnits / markets).toFixed(1)} read units per market; peak RSS ${run.peakRssMb.toFixed(0)} MB`,
    );
    if (run.failed > 0) process.exitCode = 1;
  }
} finally {
  await ddb.stop();
}
