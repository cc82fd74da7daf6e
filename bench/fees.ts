import { randomBytes } from "node:crypto";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { SYSTEM } from "@market40/core/audit/audit";
import { addDays, localDateOf, monthsBetween } from "@market40/core/calendar/localDate";
import { fixedClock, systemClock } from "@market40/core/clock";
import { type Bill, BillItem } from "@market40/core/fee/billItem";
import { issueAll, issueForMarket } from "@market40/core/fee/bills";
import { setBoardAccount, setSchedule } from "@market40/core/fee/board";
import { FeeScheduleItem } from "@market40/core/fee/feeScheduleItem";
import * as Market from "@market40/core/market/market";
import { createStore, type Store } from "@market40/core/store/client";
import { ensureTable } from "@market40/core/store/table";
import { type DynamoDbLocal, freePort, startDynamoDbLocal } from "@market40/devkit/dynamodbLocal";
import { ProviderClients } from "@market40/devkit/providerClients";
import { batchWrite, countReadUnits, seedCountry } from "@market40/devkit/scale";
import { listen } from "@market40/functions/local/server";
import { BENCH_SECRETS, benchSetup, type Figure, percentile, pool, round } from "./harness";
import { itemSize, writeUnits } from "./itemSize";

/**
 * Issue 29's costs (docs/benchmarks.md "fees"): what a payment to a market board's account that settles a bill
 * costs over a stall's payment — rate, latency, DynamoDB requests and write units by AWS's rules — and the daily
 * job's bill issuing for many markets (FEES_BENCH_MARKETS, 500 by default; 8,500 is the scale run's country).
 */
export async function feeBench(): Promise<Figure[]> {
  return [...(await callbackCosts()), ...(await issuingAtScale())];
}

const BOARD = { bin: "970405", accountNumber: "4444000000001", accountName: "BQL CHO BENCH" };

/** Counts the DynamoDB requests sent through the store until `stop`. */
function countRequests(store: Store) {
  const counter = { n: 0 };
  store.doc.middlewareStack.add(
    (next) => async (args) => {
      counter.n++;
      return next(args);
    },
    { step: "initialize", name: "feeBenchCounter" },
  );
  return { counter, stop: () => store.doc.middlewareStack.remove("feeBenchCounter") };
}

async function callbackCosts(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const ddb: DynamoDbLocal = await startDynamoDbLocal({ jit: "full" });
  try {
    const { store, deps, stalls } = await benchSetup(ddb.endpoint, {
      count: 200,
      prefix: "F",
      firstAccount: 6000000,
    });
    await setBoardAccount(store, systemClock, SYSTEM, "bench", BOARD);
    const from = addDays(localDateOf(new Date()), -30);
    await setSchedule(store, systemClock, SYSTEM, "bench", {
      rates: [{ appliesTo: { kind: "all" }, period: "day", amount: 5_000, from }],
    });
    // 200 stalls × the look-back window's 8 days: 1,600 open bills, one for each settling payment below. The stalls
    // were registered just now, so the job is run as if a week on (the bills' days: today and the next 7).
    const weekOn = fixedClock(new Date(Date.now() + 7 * 86_400_000).toISOString());
    const started = performance.now();
    const issued = await issueForMarket({ store, clock: weekOn }, "bench");
    const issueSeconds = (performance.now() - started) / 1000;
    const today = localDateOf(weekOn.now());
    const open: Bill[] = [];
    for (const m of monthsBetween(addDays(today, -8), today))
      open.push(...(await BillItem.byMarketMonth(store, "bench", m)));
    const port = await freePort();
    const server = await listen(deps, port, "127.0.0.1");
    const send = async (id: string, accountNumber: string, amount: number, description: string) => {
      const now = new Date();
      const req = ProviderClients.generic(
        {
          id,
          bin: "970405",
          accountNumber,
          bankShortName: "Agribank",
          amount,
          paidAt: now,
          description,
          payer: id,
        },
        BENCH_SECRETS,
        now,
      );
      const res = await fetch(`http://127.0.0.1:${port}/api/callbacks/generic`, {
        method: "POST",
        body: req.body,
        headers: req.headers,
      });
      return ((await res.json()) as { status?: string }).status;
    };
    const stallPayment = (id: string, i: number) =>
      send(id, stalls[i % stalls.length]!.bank.accountNumber, 10_000 + (i % 50) * 1000, "rau cai");
    // Warm-up: the JVM, the pools, the account cache; a few of the bills (kept out of the runs below).
    const warm = open.splice(0, 100);
    await pool(600, 16, (i) => stallPayment(`W-${i}`, i).then(() => undefined));
    await pool(warm.length, 16, (i) =>
      send(`WB-${i}`, BOARD.accountNumber, 5_000, `CT ${warm[i]!.reference}`).then(() => undefined),
    );

    const run = randomBytes(3).toString("hex");
    const kinds = [
      ["a stall's payment", (i: number) => stallPayment(`S${run}-${i}`, i), "stored"],
      [
        "a board payment settling a bill (its reference in the description)",
        (i: number) =>
          send(`F${run}-${i}`, BOARD.accountNumber, 5_000, `MBVCB.${i}.${open[i]!.reference}.CT tu`),
        "stored",
      ],
      [
        "a board payment naming no bill (waits for the manager)",
        (i: number) => send(`U${run}-${i}`, BOARD.accountNumber, 5_000, `nop phi cho ${i}`),
        "unmatched",
      ],
    ] as const;
    const n = Math.min(1_200, open.length);
    const results: Record<string, { rate: number; p50: number; p99: number; requests: number }> = {};
    for (const [name, task, expected] of kinds) {
      const { counter, stop } = countRequests(store);
      let ok = 0;
      const http = await pool(n, 16, async (i) => {
        if ((await task(i)) === expected) ok++;
      });
      stop();
      if (ok !== n) throw new Error(`${name}: ${ok}/${n} ${expected}`);
      results[name] = {
        rate: n / http.seconds,
        p50: percentile(http.latencies, 50),
        p99: percentile(http.latencies, 99),
        requests: counter.n / n,
      };
    }
    const stall = results[kinds[0][0]]!;
    for (const [name] of kinds.slice(1)) {
      const r = results[name]!;
      figures.push(
        {
          suite: "fees",
          name: `callbacks/s over HTTP, 16 in flight: ${name}`,
          value: round(r.rate, 0),
          unit: "/s",
          peer: "a stall's payment, same run",
          peerValue: round(stall.rate, 0),
          ratio: round(r.rate / stall.rate, 2),
          note: `${n} callbacks`,
        },
        {
          suite: "fees",
          name: `latency p50 / p99: ${name}`,
          value: round(r.p50, 1),
          unit: "ms",
          peer: "a stall's payment p50",
          peerValue: round(stall.p50, 1),
          ratio: round(stall.p50 / r.p50, 2),
          note: `p99 ${round(r.p99, 1)} ms (a stall's ${round(stall.p99, 1)} ms)`,
        },
        {
          suite: "fees",
          name: `DynamoDB requests per callback: ${name}`,
          value: round(r.requests, 2),
          unit: "req",
          peer: "a stall's payment",
          peerValue: round(stall.requests, 2),
        },
      );
    }
    figures.push(...(await settlementWriteUnits(store)));
    figures.push({
      suite: "fees",
      name: `bill issuing, one market of 200 stalls, the 8-day window (${issued.issued} bills)`,
      value: round(issueSeconds, 2),
      unit: "s",
      note: `${round(issued.issued / issueSeconds, 0)} bills/s`,
    });
    await new Promise((r) => server.close(r));
  } finally {
    await ddb.stop();
  }
  return figures;
}

/**
 * The write units by AWS's published rules (as the callbacks suite sizes them, bench/itemSize.ts) of a board payment
 * settling a bill, from the items' sizes after the run: the payment's record (Put, 2 per KB, and its copy in the
 * board's payments index gsi2, 1 per KB), the board account's ConditionCheck (2 per KB of that item) and the bill
 * replaced (2 per KB of the larger of before and after, and its copy in the stall's bills index gsi1, 1 per KB).
 * A payment naming no bill: the record (its waiting-queue copy in gsi1), the account check and its ref item.
 */
async function settlementWriteUnits(store: Store): Promise<Figure[]> {
  const sizes: Record<string, number[]> = {};
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.send(new ScanCommand({ TableName: store.table, ExclusiveStartKey }));
    for (const item of page.Items ?? []) {
      const kind =
        item.type === "transaction"
          ? item.billId
            ? "settling"
            : item.boardOf
              ? "waiting"
              : "stallPayment"
          : String(item.type);
      sizes[kind] = [...(sizes[kind] ?? []), itemSize(item)];
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  const median = (k: string) =>
    percentile(
      (sizes[k] ?? [0]).sort((a, b) => a - b),
      50,
    );
  const settling = median("settling");
  const bill = median("bill");
  const account = Math.max(...(sizes.account ?? [0]));
  const table = 2 * (writeUnits(settling) + writeUnits(account) + writeUnits(bill));
  const indexes = writeUnits(settling) + writeUnits(bill);
  // A stall's payment as the callbacks suite sizes it: record, account check, stall-day (keyed by its market: no
  // index copy), and the record's two index copies.
  const record = median("stallPayment");
  const stallTable =
    2 * (writeUnits(record) + writeUnits(median("account")) + writeUnits(median("stallDay")));
  const stallIndexes = 2 * writeUnits(record);
  return [
    {
      suite: "fees",
      name: "write units per board payment settling a bill, by AWS's rules",
      value: table + indexes,
      unit: "WRU",
      peer: "a stall's payment, sized the same way from this run's items",
      peerValue: stallTable + stallIndexes,
      ratio: round((stallTable + stallIndexes) / (table + indexes), 2),
      note: `table ${table} (record ${settling} B, account check ${account} B, bill ${bill} B at 2 per KB), indexes ${indexes}`,
    },
    {
      suite: "fees",
      name: "bill item / board payment record size (median)",
      value: bill,
      unit: "B",
      note: `record ${settling} B; a waiting board payment ${median("waiting")} B`,
    },
  ];
}

/**
 * The daily job's bill issuing (`issueAll`, the step after the evaluations) over FEES_BENCH_MARKETS markets seeded as
 * the scale run seeds them (schedules, ~12 stalls each, a month of payments), each with a fee schedule: per day for a
 * daily market, per session for the others. Three runs: the first (the whole look-back window to issue), the next
 * day's (one day's bills: the steady state) and a same-day re-run (nothing to issue: reads only).
 */
async function issuingAtScale(): Promise<Figure[]> {
  const markets = Number(process.env.FEES_BENCH_MARKETS ?? 500);
  const ddb = await startDynamoDbLocal({ jit: "full" });
  const figures: Figure[] = [];
  try {
    const store = createStore({ tableName: "feescale", endpoint: ddb.endpoint });
    await ensureTable(store);
    await seedCountry(store, { markets, stallsMean: 12, month: "2026-10", day: "2026-10-20" });
    const all = await Market.all(store);
    await batchWrite(
      store,
      all.map(
        (m) =>
          FeeScheduleItem.write(
            store,
            m.id,
            [
              {
                appliesTo: { kind: "all" },
                period: m.schedule.kind === "daily" ? "day" : "session",
                amount: m.schedule.kind === "daily" ? 5_000 : 20_000,
                from: "2026-01-01",
              },
            ],
            0,
            "2026-10-01T00:00:00.000Z",
          ).Put!.Item as Record<string, unknown>,
      ) as never,
    );
    const runs = [
      ["first run (the 8-day window)", "2026-10-19T17:30:00Z"],
      ["next day's run (one day's bills)", "2026-10-20T17:30:00Z"],
      ["same-day re-run (nothing to issue)", "2026-10-20T17:45:00Z"],
    ] as const;
    for (const [label, at] of runs) {
      const reads = countReadUnits(store);
      const started = performance.now();
      const report = await issueAll({ store, clock: fixedClock(at) });
      const seconds = (performance.now() - started) / 1000;
      const readUnits = reads.total();
      reads.stop();
      if (report.failed.length > 0) throw new Error(`issuing failed: ${JSON.stringify(report.failed[0])}`);
      figures.push({
        suite: "fees",
        name: `bill issuing, ${markets} markets, ${label}`,
        value: round(seconds, 1),
        unit: "s",
        note: `${report.issued} bills (${round(report.issued / seconds, 0)}/s), ${round(readUnits / markets, 1)} read units per market; ×${round(8_500 / markets, 1)} for 8,500 markets ≈ ${round((seconds * 8_500) / markets, 0)} s`,
      });
    }
  } finally {
    await ddb.stop();
  }
  return figures;
}
