import { randomBytes } from "node:crypto";
import {
  PutCommand,
  ScanCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from "@aws-sdk/lib-dynamodb";
import * as ApiKeys from "@market40/core/auth/keys";
import { addDays, localDateOf, localTimeToUtc } from "@market40/core/calendar/localDate";
import { ingest } from "@market40/core/callback/ingest";
import { systemClock } from "@market40/core/clock";
import type { Store } from "@market40/core/store/client";
import { type DynamoDbLocal, freePort, startDynamoDbLocal } from "@market40/devkit/dynamodbLocal";
import { ProviderClients } from "@market40/devkit/providerClients";
import { listen } from "@market40/functions/local/server";
import { BENCH_SECRETS, benchSetup, cpuSeconds, type Figure, percentile, pool, rate, round } from "./harness";
import { itemSize, writeUnits } from "./itemSize";
import { profileStages } from "./profile";

/** A cheap integer hash (spreads consecutive i over payers and amounts, deterministically). */
const mix = (i: number) => Math.abs(Math.imul(i ^ (i >>> 16), 0x45d9f3b) ^ (i * 0x9e3779b1)) >>> 0;

interface Capacity {
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

/**
 * Counts every DynamoDB request the store's client sends, and the write units each transaction consumed as
 * DynamoDB reports them (`ReturnConsumedCapacity: INDEXES`: the table and each index).
 */
function countCalls(store: Store) {
  const counter = { n: 0, wcu: 0, table: 0, indexes: {} as Record<string, number> };
  store.doc.middlewareStack.add(
    (next) => async (args) => {
      counter.n++;
      const input = args.input as { TransactItems?: unknown; ReturnConsumedCapacity?: string };
      if (input.TransactItems) input.ReturnConsumedCapacity = "INDEXES";
      const out = await next(args);
      for (const c of ((out.output as { ConsumedCapacity?: Capacity[] }).ConsumedCapacity ??
        []) as Capacity[]) {
        counter.wcu += c.CapacityUnits ?? 0;
        counter.table += c.Table?.CapacityUnits ?? 0;
        for (const [name, index] of Object.entries(c.GlobalSecondaryIndexes ?? {}))
          counter.indexes[name] = (counter.indexes[name] ?? 0) + (index.CapacityUnits ?? 0);
      }
      return out;
    },
    { step: "initialize", name: "benchCounter" },
  );
  return counter;
}

/** The payments of a busy stall's day, whose stall-day item the bench weighs. */
const BUSY_DAY_PAYMENTS = 200;

/**
 * Callbacks through the full HTTP path (Hono on Node, signature check, exactly-once transaction) on DynamoDB Local,
 * beside the raw conditional-PutItem rate of the same DynamoDB Local in the same run.
 */
export async function callbackBench(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const ddb: DynamoDbLocal = await startDynamoDbLocal({ jit: "full" });
  try {
    const { store, deps, stalls } = await benchSetup(ddb.endpoint, {
      count: 200,
      prefix: "B",
      firstAccount: 5000000,
    });
    const accounts = stalls.map((s) => s.bank.accountNumber);
    await ApiKeys.create(store, systemClock, { role: "admin" });

    const rawPut = () =>
      store.doc.send(
        new PutCommand({
          TableName: store.table,
          Item: { pk: `RAW#${randomBytes(8).toString("hex")}`, sk: "RAW", amount: 1 },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    const port = await freePort();
    const server = await listen(deps, port, "127.0.0.1");
    const send = async (id: string, i: number, secrets = BENCH_SECRETS) => {
      const now = new Date();
      const req = ProviderClients.generic(
        {
          id,
          bin: "970405",
          accountNumber: accounts[i % accounts.length]!,
          bankShortName: "Agribank",
          // Spread like a market day: each stall sees many payers and ticket sizes (they size its day's item).
          amount: 10000 + (mix(i) % 50) * 1000,
          paidAt: now,
          description: "bench",
          payer: `p${mix(i + 1) % 5000}`,
        },
        secrets,
        now,
      );
      const res = await fetch(`http://127.0.0.1:${port}/api/callbacks/generic`, {
        method: "POST",
        body: req.body,
        headers: req.headers,
      });
      return { status: res.status, body: (await res.json()) as { status?: string } };
    };
    // Warm-up: the JVM's compiler, the connection pools and the account cache (a provider's steady state).
    await pool(1500, 16, async () => {
      await rawPut();
    });
    await pool(600, 16, (i) => send(`WARM-${i}`, i).then(() => undefined));

    let dynamoDbLocalReport = 0;
    for (const inFlight of [1, 16]) {
      const n = inFlight === 1 ? 500 : 3000;
      const raw = await pool(n, inFlight, async () => {
        await rawPut();
      });
      const rawRate = n / raw.seconds;

      const calls = countCalls(store);
      const run = randomBytes(3).toString("hex");
      let accepted = 0;
      const http = await pool(n, inFlight, async (i) => {
        const res = await send(`B${run}-${inFlight}-${i}`, i);
        if (res.status === 200 && res.body.status === "stored") accepted++;
      });
      store.doc.middlewareStack.remove("benchCounter");
      const rate = n / http.seconds;
      figures.push({
        suite: "callbacks",
        name: `callbacks/s over HTTP, ${inFlight} in flight`,
        value: round(rate, 0),
        unit: "/s",
        peer: `raw conditional PutItem, ${inFlight} in flight`,
        peerValue: round(rawRate, 0),
        ratio: round(rate / rawRate, 2),
        note: `${accepted}/${n} stored`,
      });
      for (const p of [50, 99]) {
        const ours = percentile(http.latencies, p);
        const peer = percentile(raw.latencies, p);
        figures.push({
          suite: "callbacks",
          name: `callback latency p${p}, ${inFlight} in flight`,
          value: round(ours, 1),
          unit: "ms",
          peer: `raw conditional PutItem p${p}`,
          peerValue: round(peer, 1),
          ratio: round(peer / ours, 2),
        });
      }
      figures.push({
        suite: "callbacks",
        name: `DynamoDB requests per stored callback, ${inFlight} in flight`,
        value: round(calls.n / Math.max(1, accepted), 2),
        unit: "req",
        peer: "INPROGRESS/COMPLETED idempotency (Powertools): put + update + the write itself",
        peerValue: 3,
        ratio: round(3 / (calls.n / Math.max(1, accepted)), 2),
      });
      // The same stores without HTTP, JSON or signatures: what the exactly-once transaction itself costs.
      const direct = await pool(n, inFlight, async (i) => {
        const paidAt = new Date().toISOString();
        await ingest(deps, {
          provider: "generic",
          providerTxnId: `D${run}-${inFlight}-${i}`,
          bin: "970405",
          accountNumber: accounts[i % accounts.length]!,
          amount: 10000 + (mix(i) % 50) * 1000,
          direction: "in",
          paidAt,
          description: "bench",
          payer: `p${mix(i + 1) % 5000}`,
        });
      });
      figures.push({
        suite: "callbacks",
        name: `ingest() alone (the transaction, no HTTP), ${inFlight} in flight`,
        value: round(n / direct.seconds, 0),
        unit: "/s",
        peer: `raw conditional PutItem, ${inFlight} in flight`,
        peerValue: round(rawRate, 0),
        ratio: round(n / direct.seconds / rawRate, 2),
        note: "where the HTTP figure above loses the rest",
      });
      if (inFlight === 16) {
        const per = (n: number) => round(n / Math.max(1, accepted), 1);
        dynamoDbLocalReport = per(calls.wcu);
        const indexes = Object.entries(calls.indexes)
          .map(([name, units]) => `${name} ${per(units)}`)
          .join(", ");
        figures.push({
          suite: "callbacks",
          name: "write units per stored callback, as DynamoDB Local reports them",
          value: per(calls.wcu),
          unit: "WRU",
          note: `ConsumedCapacity: table ${per(calls.table)}, ${indexes}`,
        });
      }
    }
    figures.push(...(await stages(ddb.pid, store, send, accounts)));
    // A busy stall's day, the largest a stall-day grows: 200 payments two minutes apart from 05:00, each from a new
    // payer, over the same 50 ticket sizes, on a day no other payment touches.
    const busyDay = addDays(localDateOf(new Date()), -2);
    for (let i = 0; i < BUSY_DAY_PAYMENTS; i++)
      await ingest(deps, {
        provider: "generic",
        providerTxnId: `BUSY-${i}`,
        bin: "970405",
        accountNumber: accounts[0]!,
        amount: 10000 + (mix(i) % 50) * 1000,
        direction: "in",
        paidAt: new Date(localTimeToUtc(busyDay, "05:00").getTime() + i * 120_000).toISOString(),
        description: "bench",
        payer: `busy${i}`,
      });
    figures.push(...(await itemSizes(store, dynamoDbLocalReport, busyDay)));
    await new Promise((r) => server.close(r));
  } finally {
    await ddb.stop();
  }
  return figures;
}

/**
 * The sizes of what a stored callback writes, read back after the run, and the write units AWS's published rules
 * give for them: a transactional write costs 2 units per started KB of each item (a ConditionCheck too, on the
 * item it checks), an update is sized by the larger of the item before and after, and each index whose copy
 * changes costs 1 unit per KB (indexes are updated after the transaction, as ordinary writes). The stall-day has
 * no index copy (it is keyed by its market's month), and there is no market-day item.
 */
async function itemSizes(store: Store, dynamoDbLocalReport: number, busyDay: string): Promise<Figure[]> {
  const byType: Record<string, number[]> = {};
  let busy = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.send(new ScanCommand({ TableName: store.table, ExclusiveStartKey }));
    for (const item of page.Items ?? []) {
      if (item.type === "stallDay" && item.date === busyDay) {
        busy = itemSize(item);
        continue;
      }
      const sizes = byType[String(item.type)] ?? [];
      sizes.push(itemSize(item));
      byType[String(item.type)] = sizes;
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  const sorted = (t: string) => (byType[t] ?? [0]).sort((a, b) => a - b);
  const record = percentile(sorted("transaction"), 50);
  const account = percentile(sorted("account"), 50);
  const stallDay = percentile(sorted("stallDay"), 50);
  const stallDayMax = percentile(sorted("stallDay"), 100);
  const paymentsPerStallDay = round(
    ((byType.transaction?.length ?? 0) - BUSY_DAY_PAYMENTS) / Math.max(1, byType.stallDay?.length ?? 1),
    0,
  );
  const units = (day: number) => ({
    table: 2 * (writeUnits(record) + writeUnits(account) + writeUnits(day)),
    indexes: 2 * writeUnits(record),
  });
  const usual = units(stallDay);
  const busiest = units(busy);
  const figures: Figure[] = [
    {
      suite: "callbacks",
      name: "transaction record size (median)",
      value: record,
      unit: "B",
      peer: "one write unit",
      peerValue: 1024,
      ratio: round(1024 / record, 2),
    },
    {
      suite: "callbacks",
      name: `stall-day rollup size after ${paymentsPerStallDay} payments (median / largest)`,
      value: stallDay,
      unit: "B",
      peer: "one write unit",
      peerValue: 1024,
      ratio: round(1024 / stallDay, 2),
      note: `largest ${stallDayMax} B`,
    },
    {
      suite: "callbacks",
      name: `stall-day rollup size after ${BUSY_DAY_PAYMENTS} payments (each a new payer)`,
      value: busy,
      unit: "B",
      peer: "one write unit",
      peerValue: 1024,
      ratio: round(1024 / busy, 2),
      note: `a payment on that day: ${busiest.table + busiest.indexes} WRU`,
    },
    {
      suite: "callbacks",
      name: "account item size",
      value: account,
      unit: "B",
    },
    {
      suite: "callbacks",
      name: "write units per matched callback by AWS's rules, from these sizes",
      value: usual.table + usual.indexes,
      unit: "WRU",
      peer: "DynamoDB Local's ConsumedCapacity report (it bills a 1-item transactional Put 4, AWS 2)",
      peerValue: dynamoDbLocalReport,
      ratio: round(dynamoDbLocalReport / (usual.table + usual.indexes), 2),
      note: `table ${usual.table} (record, account check, stall-day at 2 per KB), indexes ${usual.indexes} (record in gsi1, gsi2)`,
    },
  ];
  return figures;
}

/**
 * Where a callback's time goes at 16 in flight (issue 31): the path cut at its stages — HTTP with the callback
 * guard and a signature that fails (no store), the adapter's signature check + JSON + schema alone, and the full
 * path under V8's CPU profiler with its samples folded by stage — and how busy each process is: this Node process
 * (the bench's client and the server share its one thread, as they share the machine with DynamoDB Local's JVM).
 */
async function stages(
  jvmPid: number | undefined,
  store: Store,
  send: (id: string, i: number, secrets?: typeof BENCH_SECRETS) => Promise<{ status: number }>,
  accounts: string[],
): Promise<Figure[]> {
  const n = 2000;
  const figures: Figure[] = [];
  const refused = await pool(n, 16, async (i) => {
    const res = await send(`REFUSED-${i}`, i, { ...BENCH_SECRETS, generic: "not-the-secret" });
    if (res.status !== 401) throw new Error(`expected 401, got ${res.status}`);
  });
  const now = new Date();
  const sample = ProviderClients.generic(
    {
      id: "STAGE-1",
      bin: "970405",
      accountNumber: accounts[0]!,
      bankShortName: "Agribank",
      amount: 25000,
      paidAt: now,
      description: "bench",
      payer: "p1",
    },
    BENCH_SECRETS,
    now,
  );
  // Imported here, once the app has loaded it: its schema must be made after the OpenAPI extension of zod.
  const { generic } = await import("@market40/core/callback/providers/generic");
  const body = new TextEncoder().encode(sample.body);
  const headers = new Map(Object.entries(sample.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const verify = await rate(() =>
    generic.verifyAndParse({ body, header: (h) => headers.get(h.toLowerCase()) }, BENCH_SECRETS, now),
  );

  // The transaction itself, without our code: the `TransactWriteItems` one new callback sent (captured), replayed
  // straight through the SDK with a new record key each time — the record, the account check, the stall-day.
  let captured: TransactWriteCommandInput | undefined;
  store.doc.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as TransactWriteCommandInput;
      if (input.TransactItems && !captured) captured = structuredClone(input);
      return next(args);
    },
    { step: "initialize", name: "benchCapture" },
  );
  await send(`CAPTURE-${randomBytes(4).toString("hex")}`, 0);
  store.doc.middlewareStack.remove("benchCapture");
  if (!captured) throw new Error("no transaction captured");
  const template = captured;
  const rawTx = await pool(n, 16, async (i) => {
    const input = structuredClone(template);
    const put = input.TransactItems!.find((t) => t.Put)!.Put!;
    put.Item = { ...put.Item, pk: `RAWTX#${i}#${randomBytes(4).toString("hex")}` };
    await store.doc.send(new TransactWriteCommand(input));
  });

  const jvmBefore = cpuSeconds(jvmPid);
  const cpuBefore = process.cpuUsage();
  let full = { seconds: 0 };
  const run = randomBytes(3).toString("hex");
  const shares = await profileStages(async () => {
    full = await pool(n, 16, async (i) => {
      await send(`P${run}-${i}`, i);
    });
  });
  const cpu = process.cpuUsage(cpuBefore);
  const jvmAfter = cpuSeconds(jvmPid);
  const nodeBusy = (cpu.user + cpu.system) / 1e6 / full.seconds;
  const ms = (perSecond: number) => round(1000 / perSecond, 2);
  figures.push(
    {
      suite: "callbacks",
      name: "stage: HTTP + guard + a failing signature (401, no store), 16 in flight",
      value: round(n / refused.seconds, 0),
      unit: "/s",
      note: `${ms(n / refused.seconds)} ms of this process per request`,
    },
    {
      suite: "callbacks",
      name: "stage: signature + JSON + schema (generic.verifyAndParse), one at a time",
      value: round(verify, 0),
      unit: "/s",
      note: `${round(1e6 / verify, 1)} µs each`,
    },
    {
      suite: "callbacks",
      name: "stage: the same 3-item TransactWriteItems straight through the SDK, 16 in flight",
      value: round(n / rawTx.seconds, 0),
      unit: "/s",
      note: `${ms(n / rawTx.seconds)} ms per transaction; raw 1-item PutItem is the suite's peer`,
    },
    {
      suite: "callbacks",
      name: "full path under the CPU profiler, 16 in flight",
      value: round(n / full.seconds, 0),
      unit: "/s",
      note: `this process busy ${round(100 * nodeBusy, 0)} % of one core${
        jvmBefore !== undefined && jvmAfter !== undefined
          ? `, DynamoDB Local's JVM ${round((100 * (jvmAfter - jvmBefore)) / full.seconds, 0)} %`
          : ""
      }`,
    },
    ...shares.map((s) => ({
      suite: "callbacks",
      name: `profile, 16 in flight: ${s.stage}`,
      value: s.percent,
      unit: "%",
      note: "of this process's samples",
    })),
  );
  return figures;
}
