import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { StallDayItem } from "@market40/core/rollup/stallDayItem";
import { pullCasso } from "@market40/core/sync/pull";
import { SyncCursorItem } from "@market40/core/sync/syncCursorItem";
import type { SignedRequest, SimulatedPayment } from "@market40/devkit/providerClients";
import { CassoStandIn } from "@market40/devkit/providerStandIn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput, TEST_SECRETS } from "./support/harness";

/**
 * Casso's transaction API pulled (docs/contract.md §16, docs/callbacks.md "Pull sync"): the callback route stops,
 * Casso's webhooks fail, then the sync reads Casso's list (the devkit stand-in, its documented shape) — every bank
 * transaction is stored once, whether it came by webhook and by pull, or is listed by Casso under two ids.
 */
let h: Harness;
let casso: CassoStandIn;
let baseUrl: string;
let stallId: string;
const API_KEY = "casso-api-key-test";
const VCB = "970436";
const DAY = "2026-11-29";
const N = 140;

const payment = (n: number): SimulatedPayment => ({
  id: `FT26336${String(n).padStart(6, "0")}`,
  bin: VCB,
  accountNumber: "7070707070",
  bankShortName: "Vietcombank",
  amount: 3000 + 10 * n,
  paidAt: new Date(Date.UTC(2026, 10, 28, 23, 0) + n * 180_000),
  description: `C thanh toan ${n}`,
});

beforeAll(async () => {
  h = await harness("2026-11-29T12:00:00Z");
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "cho-c", name: "Chợ C" } });
  stallId = (
    await h.call("POST", "/api/markets/cho-c/stalls", { body: stallInput("C-1", "7070707070", VCB) })
  ).body.id;
  casso = new CassoStandIn(API_KEY, () => h.clock.now());
  baseUrl = await casso.start();
});
afterAll(async () => {
  await casso.stop();
  await h.close();
});

let up = true;
const post = async (req: SignedRequest) =>
  up
    ? (
        await h.call("POST", `/api/callbacks/${req.provider}`, {
          token: null,
          body: req.body,
          headers: req.headers,
        })
      ).status
    : 503;
const client = {
  fetch: globalThis.fetch,
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
};
const run = () => pullCasso(h.deps, client, { apiKey: API_KEY, baseUrl });
const listed = async () =>
  (await h.call("GET", `/api/markets/cho-c/transactions?from=${DAY}&to=${DAY}&limit=500`)).body.items as {
    amount: number;
    description: string;
    source: string;
    arrivals: { source: string; provider: string; id: string }[];
  }[];

describe("Casso's transaction API", () => {
  it("stores every payment once after a day without callbacks; webhook-and-pull and two Casso ids count once", async () => {
    for (let n = 0; n < 20; n++) casso.add(payment(n));
    expect(await casso.deliverWebhooks(TEST_SECRETS, h.clock.now(), post)).toEqual({
      delivered: 20,
      failed: 0,
    });
    up = false;
    for (let n = 20; n < N; n++) casso.add(payment(n));
    // Casso lists one bank transaction again under a new id (same bank reference `tid`).
    const again = casso.add(payment(50));
    expect(again.id).not.toBe(casso.held[50]!.id);
    expect((await casso.deliverWebhooks(TEST_SECRETS, h.clock.now(), post)).failed).toBe(N - 20 + 1);
    up = true;

    const report = await run();
    // 141 records on two pages of 100; 20 came by webhook, one is the same bank transaction under a second id.
    expect(report).toMatchObject({ pages: 2, listed: N + 1, recovered: N - 20, duplicates: 21 });
    const items = await listed();
    expect(items).toHaveLength(N);
    expect(new Set(items.map((t) => t.description)).size).toBe(N);
    expect(items.filter((t) => t.arrivals.map((a) => a.source).join() === "callback,sync")).toHaveLength(20);
    const twice = items.find((t) => t.description === payment(50).description)!;
    expect(twice.arrivals.map((a) => a.id).sort()).toEqual(
      [String(casso.held[50]!.id), String(again.id)].sort(),
    );
    const day = (
      await h.store.doc.send(
        new GetCommand({ TableName: h.store.table, Key: StallDayItem.key("cho-c", stallId, DAY) }),
      )
    ).Item!;
    expect({ count: day.count, value: day.value }).toEqual({
      count: N,
      value: items.reduce((s, t) => s + t.amount, 0),
    });
    // The cursor is the Vietnam date of the newest record stored.
    expect((await SyncCursorItem.get(h.store, "casso")).cursor).toBe(DAY);
  });

  it("asks from the day before its cursor to today, Casso's names and formats, and stores nothing twice", async () => {
    const asked: URL[] = [];
    const report = await pullCasso(
      h.deps,
      {
        ...client,
        fetch: (input, init) => {
          asked.push(new URL(String(input)));
          return globalThis.fetch(input, init);
        },
      },
      { apiKey: API_KEY, baseUrl },
    );
    expect(Object.fromEntries(asked[0]!.searchParams)).toEqual({
      fromDate: "2026-11-28",
      toDate: DAY,
      page: "1",
      pageSize: "100",
      sort: "ASC",
    });
    expect(report).toMatchObject({ recovered: 0, duplicates: N + 1 });
    expect(await listed()).toHaveLength(N);
  });

  it("waits out a 429 with its Retry-After, and refuses a list not in Casso's shape without moving the cursor", async () => {
    for (let i = 0; i < 6; i++)
      await fetch(`${baseUrl}/v2/transactions`, { headers: { authorization: "x" } });
    casso.add(payment(N));
    const report = await run();
    expect(report.rateLimited).toBeGreaterThanOrEqual(1);
    expect(report.recovered).toBe(1);
    const before = await SyncCursorItem.get(h.store, "casso");
    const odd = {
      ...client,
      fetch: async () =>
        new Response(JSON.stringify({ error: 0, data: { records: "none" } }), { status: 200 }),
    };
    await expect(pullCasso(h.deps, odd, { apiKey: API_KEY, baseUrl })).rejects.toThrow(/documented shape/);
    expect(await SyncCursorItem.get(h.store, "casso")).toEqual(before);
    expect(await listed()).toHaveLength(N + 1);
  });
});
