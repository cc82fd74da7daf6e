import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { StallDayItem } from "@market40/core/rollup/stallDayItem";
import { pullSepay } from "@market40/core/sync/pull";
import { SyncCursorItem } from "@market40/core/sync/syncCursorItem";
import { type SimulatedPayment, signAs } from "@market40/devkit/providerClients";
import { SepayStandIn } from "@market40/devkit/providerStandIn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput, TEST_SECRETS } from "./support/harness";

/**
 * No payment is lost when the platform is down for a day (issue 25, docs/contract.md §16): the callback route is
 * stopped for a simulated day, SePay's webhooks fail and run out of retries, then the pull sync reads SePay's
 * transaction list (the devkit stand-in, as documented) — every payment is stored exactly once, the rollups equal
 * the records, and a payment that came by webhook and by pull, or by Casso under two ids, counts once.
 */
let h: Harness;
let sepay: SepayStandIn;
let baseUrl: string;
const API_KEY = "a".repeat(64);
const VCB = "970436";
const ACCOUNTS = ["1010101010", "2020202020", "3030303030"];
const stalls: string[] = [];
const DAY = "2026-11-29";

beforeAll(async () => {
  h = await harness("2026-11-29T12:00:00Z");
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "cho-y", name: "Chợ Y" } });
  for (const [i, account] of ACCOUNTS.entries())
    stalls.push(
      (await h.call("POST", "/api/markets/cho-y/stalls", { body: stallInput(`Y-${i}`, account, VCB) })).body
        .id,
    );
  sepay = new SepayStandIn(API_KEY);
  baseUrl = await sepay.start();
});
afterAll(async () => {
  await sepay.stop();
  await h.close();
});

const payment = (n: number): SimulatedPayment => ({
  id: `FT26333${String(n).padStart(6, "0")}`,
  bin: VCB,
  accountNumber: ACCOUNTS[n % ACCOUNTS.length]!,
  bankShortName: "Vietcombank",
  amount: 1000 * (5 + (n % 37)),
  // Across the simulated day, Vietnam time 05:00 to 18:52.
  paidAt: new Date(Date.UTC(2026, 10, 28, 22, 0) + n * 200_000),
  description: `Y thanh toan ${n}`,
});

let callbacksUp = true;
/** The callback route, or — while it is "stopped" — a 503 without reaching the app. */
const post = async (req: { provider: string; body: string; headers: Record<string, string> }) => {
  if (!callbacksUp) return 503;
  return (
    await h.call("POST", `/api/callbacks/${req.provider}`, {
      token: null,
      body: req.body,
      headers: req.headers,
    })
  ).status;
};

const client = {
  fetch: globalThis.fetch,
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
};
const run = () => pullSepay(h.deps, client, { apiKey: API_KEY, baseUrl });

const listed = async () =>
  (await h.call("GET", `/api/markets/cho-y/transactions?from=${DAY}&to=${DAY}&limit=500`)).body.items as {
    id: string;
    provider: string;
    stallId: string;
    amount: number;
    source: string;
    arrivals: { source: string; provider: string; id: string }[];
    description: string;
  }[];

describe("a day without callbacks", () => {
  const N = 230;

  it("stores every payment exactly once after the sync, and the rollups equal the records", async () => {
    // Morning: the route is up, 30 webhooks arrive.
    for (let n = 0; n < 30; n++) sepay.add(payment(n));
    expect(await sepay.deliverWebhooks(TEST_SECRETS, h.clock.now(), post)).toEqual({
      delivered: 30,
      failed: 0,
    });
    // The route stops for the rest of the day: every later webhook fails, SePay retries, then gives up.
    callbacksUp = false;
    for (let n = 30; n < N; n++) sepay.add(payment(n));
    for (let retry = 0; retry < 3; retry++) await sepay.deliverWebhooks(TEST_SECRETS, h.clock.now(), post);
    expect(await listed()).toHaveLength(30);

    callbacksUp = true;
    const report = await run();
    expect(report).toMatchObject({ listed: N, recovered: N - 30, duplicates: 30, pages: 3 });
    expect(report.webhookFailed).toBe(N - 30);

    const items = await listed();
    expect(items).toHaveLength(N);
    // One record per bank transaction: no reference twice.
    expect(new Set(items.map((t) => t.description)).size).toBe(N);
    // The morning's payments arrived both ways and say so; the rest came by the sync.
    const both = items.filter((t) => t.arrivals.map((a) => a.source).join() === "callback,sync");
    expect(both).toHaveLength(30);
    expect(items.filter((t) => t.source === "sync")).toHaveLength(N - 30);
    // Rollups equal the records, stall by stall.
    for (const stallId of stalls) {
      const mine = items.filter((t) => t.stallId === stallId);
      const day = (
        await h.store.doc.send(
          new GetCommand({ TableName: h.store.table, Key: StallDayItem.key("cho-y", stallId, DAY) }),
        )
      ).Item!;
      expect({ count: day.count, value: day.value }).toEqual({
        count: mine.length,
        value: mine.reduce((s, t) => s + t.amount, 0),
      });
    }
    const uptake = (await h.call("GET", `/api/markets/cho-y/uptake?from=${DAY}&to=${DAY}`)).body;
    expect(uptake.totals.transactions).toBe(N);
  });

  it("a second run finds nothing new, and the cursor stays where the last stored page ended", async () => {
    const before = await SyncCursorItem.get(h.store, "sepay");
    const again = await run();
    expect(again).toMatchObject({ listed: 0, recovered: 0, pages: 0 });
    expect((await SyncCursorItem.get(h.store, "sepay")).cursor).toBe(before.cursor);
    expect(before.cursor).toBe(sepay.held.at(-1)!.id);
  });

  it("late webhooks for payments the sync stored are duplicates, each listed as one more arrival", async () => {
    const h0 = sepay.held[100]!;
    expect(await sepay.deliverWebhooks(TEST_SECRETS, h.clock.now(), post)).toEqual({
      delivered: N - 30,
      failed: 0,
    });
    const items = await listed();
    expect(items).toHaveLength(N);
    const t = items.find((x) => x.description === h0.payment.description)!;
    expect(t.arrivals.map((a) => a.source)).toEqual(["sync", "callback"]);
  });

  it("waits out a 429 with the Retry-After it names, then goes on", async () => {
    for (let n = N; n < N + 5; n++) sepay.add(payment(n));
    // Another client on the same IP takes the second's requests first.
    for (let i = 0; i < 3; i++)
      await fetch(`${baseUrl}/v2/transactions`, { headers: { authorization: "Bearer x" } });
    const report = await run();
    expect(report.rateLimited).toBeGreaterThanOrEqual(1);
    expect(report).toMatchObject({ recovered: 5 });
    expect(await listed()).toHaveLength(N + 5);
  });

  it("Casso re-delivering one transaction under a new id counts once here too", async () => {
    const p = { ...payment(9000), paidAt: payment(7).paidAt, providerId: 777001, reference: "FT26333CASSO1" };
    for (const id of [777001, 777002]) {
      const req = signAs("casso", { ...p, providerId: id }, TEST_SECRETS, h.clock.now());
      expect(await post(req)).toBe(200);
    }
    expect(await listed()).toHaveLength(N + 6);
  });
});
