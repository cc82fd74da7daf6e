import { SYSTEM } from "@market40/core/audit/audit";
import { localDateOf } from "@market40/core/calendar/localDate";
import { TransactionItem } from "@market40/core/callback/transactionItem";
import { systemClock } from "@market40/core/clock";
import * as Evaluations from "@market40/core/evaluation/evaluations";
import * as Market from "@market40/core/market/market";
import { StallDayItem } from "@market40/core/rollup/stallDayItem";
import * as Stall from "@market40/core/stall/stall";
import { createStore, type Store } from "@market40/core/store/client";
import { ensureTable } from "@market40/core/store/table";
import { startDynamoDbLocal } from "@market40/devkit/dynamodbLocal";
import { batchWrite } from "@market40/devkit/scale";
import { benchMarket, type Figure, round, time } from "./harness";

const STALLS = 200;

/**
 * Writes `n` October transactions over a market's stalls: the records, and the stall-day and market-day rollups
 * exactly as the callback path would have left them (aggregated here, in bulk, to seed 100,000 in seconds).
 */
async function seedTransactions(store: Store, marketId: string, stalls: Stall.Stall[], n: number) {
  const days = new Map<
    string,
    {
      stallId: string;
      date: string;
      count: number;
      value: number;
      minutes: Set<number>;
      payers: Set<string>;
      amounts: Map<number, number>;
    }
  >();
  const records: Record<string, unknown>[] = [];
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  for (let i = 0; i < n; i++) {
    const stall = stalls[Math.floor(rnd() * stalls.length)]!;
    const day = 1 + Math.floor(rnd() * 31);
    const minute = 5 * 60 + Math.floor(rnd() * 7 * 60);
    const paidAt = new Date(Date.UTC(2026, 9, day, 0, 0) - 7 * 3600_000 + minute * 60_000).toISOString();
    const amount = (5 + Math.floor(rnd() * 100)) * 1000;
    const date = localDateOf(paidAt);
    const key = `${stall.id}|${date}`;
    const d = days.get(key) ?? {
      stallId: stall.id,
      date,
      count: 0,
      value: 0,
      minutes: new Set(),
      payers: new Set(),
      amounts: new Map(),
    };
    d.count++;
    d.value += amount;
    d.minutes.add(minute);
    d.payers.add(`p${Math.floor(rnd() * 5000)}`);
    d.amounts.set(amount, (d.amounts.get(amount) ?? 0) + 1);
    days.set(key, d);
    records.push({
      ...TransactionItem.key("generic", `${marketId}-${i}`),
      type: "transaction",
      id: `${marketId}-${i}`,
      provider: "generic",
      stallId: stall.id,
      marketId,
      amount,
      paidAt,
    });
  }
  const rollups: Record<string, unknown>[] = [];
  for (const d of days.values())
    rollups.push(StallDayItem.toItem(marketId, { ...d, minutes: [...d.minutes], payers: [...d.payers] }));
  await batchWrite(store, [...records, ...rollups]);
}

async function marketWithStalls(store: Store, id: string) {
  const market = await Market.create(store, systemClock, benchMarket(id, "Đồng Yên"));
  const results = await Stall.registerMany(
    store,
    systemClock,
    SYSTEM,
    id,
    Array.from({ length: STALLS }, (_, i) => ({
      code: `S-${i}`,
      vendorName: "Bench",
      bank: { bin: "970405", accountNumber: `${id.length}${i}${Date.now() % 100000}`, accountName: "BENCH" },
    })),
  );
  return { market, stalls: results.flatMap((r) => (r.ok ? [r.stall] : [])) };
}

/** Evaluation cost against transaction volume (it must not grow with it) and for 200 markets. */
export async function evaluationBench(): Promise<Figure[]> {
  const ddb = await startDynamoDbLocal({ jit: "full" });
  try {
    const store = createStore({ tableName: "bench-eval", endpoint: ddb.endpoint });
    await ensureTable(store);
    const small = await marketWithStalls(store, "eval-1k");
    const medium = await marketWithStalls(store, "eval-10k");
    const large = await marketWithStalls(store, "eval-100k");
    await seedTransactions(store, "eval-1k", small.stalls, 1_000);
    await seedTransactions(store, "eval-10k", medium.stalls, 10_000);
    await seedTransactions(store, "eval-100k", large.stalls, 100_000);
    const measure = async (market: Market.Market) => {
      const runs: number[] = [];
      for (let i = 0; i < 5; i++)
        runs.push((await time(() => Evaluations.run(store, systemClock, market, { period: "2026-10" }))).ms);
      return runs.sort((a, b) => a - b)[2]!;
    };
    await measure(small.market); // warm-up
    const t1k = await measure(small.market);
    const t10k = await measure(medium.market);
    const t100k = await measure(large.market);
    const e = await Evaluations.run(store, systemClock, large.market, { period: "2026-10" });
    const all = await time(async () => {
      for (let i = 0; i < 200; i++)
        await Evaluations.run(store, systemClock, i % 2 ? small.market : large.market, { period: "2026-10" });
    });
    const perMarket = all.ms / 200;
    return [
      {
        suite: "evaluations",
        name: "1 month, 200 stalls, 1,000 transactions",
        value: round(t1k, 0),
        unit: "ms",
        note: "median of 5",
      },
      {
        suite: "evaluations",
        name: "1 month, 200 stalls, 100,000 transactions",
        value: round(t100k, 0),
        unit: "ms",
        peer: "the 1,000-transaction month (aim: ratio < 1.5)",
        peerValue: round(t1k, 0),
        ratio: round(t100k / t1k, 2),
        note: `${e.uptake.transactions} transactions counted; 1,000 fill only ~900 of the 6,200 stall-days`,
      },
      {
        suite: "evaluations",
        name: "1 month, 200 stalls, 100,000 vs 10,000 transactions",
        value: round(t100k, 0),
        unit: "ms",
        peer: "the 10,000-transaction month (stall-days nearly all filled)",
        peerValue: round(t10k, 0),
        ratio: round(t100k / t10k, 2),
        note: "10× the transactions over the same stall-days",
      },
      {
        suite: "evaluations",
        name: "200 market-months evaluated, one after another",
        value: round(all.ms / 1000, 1),
        unit: "s",
        peer: "Lambda limit",
        peerValue: 900,
        ratio: round(900 / (all.ms / 1000), 1),
        note: `${round(perMarket, 0)} ms per market on DynamoDB Local`,
      },
    ];
  } finally {
    await ddb.stop();
  }
}
