import { ingest } from "@market40/core/callback/ingest";
import { pullSepay, SEPAY_REQUEST_INTERVAL_MS } from "@market40/core/sync/pull";
import { SEPAY_PAGE_SIZE } from "@market40/core/sync/sepay";
import { startDynamoDbLocal } from "@market40/devkit/dynamodbLocal";
import { SepayStandIn } from "@market40/devkit/providerStandIn";
import { benchSetup, type Figure, round } from "./harness";
import { itemSize, writeUnits } from "./itemSize";

/**
 * Issue 25's figures: what the bank-reference dedupe adds to each callback (DynamoDB requests as `ingest` counts
 * them; write units by AWS's rules for the guard item, doubled as every transactional write is), and how fast the
 * pull sync recovers a day's payments from the SePay stand-in while keeping to SePay's 3 requests a second.
 */
export async function syncBench(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const ddb = await startDynamoDbLocal({ jit: "full" });
  try {
    const { deps, stalls } = await benchSetup(
      ddb.endpoint,
      { count: 50, prefix: "S", firstAccount: 7000000, bin: "970436" },
      "bench-sync",
    );
    const accounts = stalls.map((s) => s.bank.accountNumber);

    // Bank-reference dedupe: the same callbacks with and without the bank's reference.
    const n = 400;
    const calls = { with: 0, without: 0 };
    // Warm the account cache first (a provider's steady state), so both passes meet it warm.
    for (let i = 0; i < accounts.length; i++)
      await ingest(deps, {
        provider: "sepay",
        providerTxnId: `W-${i}`,
        bin: "970436",
        accountNumber: accounts[i]!,
        amount: 1000,
        direction: "in",
        paidAt: new Date().toISOString(),
        description: "warm-up",
      });
    for (const withRef of [false, true])
      for (let i = 0; i < n; i++) {
        const r = await ingest(deps, {
          provider: "sepay",
          providerTxnId: `${withRef ? "R" : "N"}-${i}`,
          bin: "970436",
          accountNumber: accounts[i % accounts.length]!,
          amount: 10000 + (i % 50) * 1000,
          direction: "in",
          paidAt: new Date().toISOString(),
          description: "bench",
          ...(withRef ? { bankRef: `FT26336${String(i).padStart(7, "0")}` } : {}),
        });
        calls[withRef ? "with" : "without"] += r.storeCalls;
      }
    figures.push({
      suite: "sync",
      name: "extra DynamoDB requests per callback from the bank-reference dedupe",
      value: round((calls.with - calls.without) / n, 2),
      unit: "req",
      note: `${round(calls.with / n, 2)} with the reference, ${round(calls.without / n, 2)} without (warm account cache)`,
    });
    const guard = {
      pk: `BANKREF#970436#7000000#FT263360000001#59000`,
      sk: "BANKREF",
      type: "bankRef",
      v: 1,
      provider: "sepay",
      id: "0b6f3c9e-5d1a-4c2e-9f7a-1e2d3c4b5a69",
    };
    figures.push({
      suite: "sync",
      name: "extra write units per callback from the bank-reference dedupe",
      value: 2 * writeUnits(itemSize(guard)),
      unit: "WCU",
      note: `one guard item of ~${itemSize(guard)} B in the same transaction (transactional writes cost 2 units per KB)`,
    });

    // Pull sync against the stand-in: a day's payments its webhooks never delivered.
    const sepay = new SepayStandIn("b".repeat(64));
    const baseUrl = await sepay.start();
    try {
      const day = 1500;
      for (let i = 0; i < day; i++)
        sepay.add({
          id: `FT26337${String(i).padStart(7, "0")}`,
          bin: "970436",
          accountNumber: accounts[i % accounts.length]!,
          bankShortName: "Vietcombank",
          amount: 5000 + (i % 40) * 1000,
          paidAt: new Date(Date.now() - (day - i) * 30_000),
          description: `sync bench ${i}`,
        });
      const client = {
        fetch: globalThis.fetch,
        sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
      };
      const t0 = performance.now();
      const report = await pullSepay(deps, client, { apiKey: "b".repeat(64), baseUrl });
      const seconds = (performance.now() - t0) / 1000;
      const ceiling = (1000 / SEPAY_REQUEST_INTERVAL_MS) * SEPAY_PAGE_SIZE;
      figures.push({
        suite: "sync",
        name: "payments recovered per second by the SePay pull sync (stand-in, 3 req/s)",
        value: round(report.recovered / seconds, 0),
        unit: "/s",
        peer: "SePay's ceiling: 3 requests/s × 100 a page",
        peerValue: round(ceiling, 0),
        ratio: round(report.recovered / seconds / ceiling, 2),
        note: `${report.recovered}/${day} recovered in ${round(seconds, 1)} s, ${report.requests} requests, ${report.rateLimited} answered 429`,
      });
    } finally {
      await sepay.stop();
    }
  } finally {
    await ddb.stop();
  }
  return figures;
}
