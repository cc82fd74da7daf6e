import { GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { StallDayItem } from "@market40/core/rollup/stallDayItem";
import type { Store } from "@market40/core/store/client";
import { pullSepay } from "@market40/core/sync/pull";
import { SyncCursorItem } from "@market40/core/sync/syncCursorItem";
import type { SimulatedPayment } from "@market40/devkit/providerClients";
import { SepayStandIn } from "@market40/devkit/providerStandIn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput } from "./support/harness";

/**
 * A sync that dies mid-page (docs/contract.md §16): the cursor moves only after a page is stored, so a process that
 * stored part of a page and died leaves the cursor before that page; the next run asks for the page again and
 * stores each payment exactly once (the ones stored before the crash are duplicates, counted nowhere).
 * The crash is a store whose every write after the Nth fails — the process's last act before it dies.
 */
let h: Harness;
let sepay: SepayStandIn;
let baseUrl: string;
let stallId: string;
const API_KEY = "c".repeat(64);
const VCB = "970436";
const DAY = "2026-11-29";
const N = 150;

const payment = (n: number): SimulatedPayment => ({
  id: `FT26335${String(n).padStart(6, "0")}`,
  bin: VCB,
  accountNumber: "6060606060",
  bankShortName: "Vietcombank",
  amount: 2000 + 100 * n,
  paidAt: new Date(Date.UTC(2026, 10, 29, 0, 0) + n * 120_000),
  description: `K thanh toan ${n}`,
});

beforeAll(async () => {
  h = await harness("2026-11-29T12:00:00Z");
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "cho-k", name: "Chợ K" } });
  stallId = (
    await h.call("POST", "/api/markets/cho-k/stalls", { body: stallInput("K-1", "6060606060", VCB) })
  ).body.id;
  sepay = new SepayStandIn(API_KEY);
  baseUrl = await sepay.start();
  for (let n = 0; n < N; n++) sepay.add(payment(n));
});
afterAll(async () => {
  await sepay.stop();
  await h.close();
});

/** The harness's store, dying at the payment transaction after `writes` of them went through. */
function dyingAfter(writes: number): { store: Store; written: () => number } {
  let done = 0;
  const real = h.store.doc;
  const doc = new Proxy(real, {
    get(target, prop, receiver) {
      if (prop !== "send") return Reflect.get(target, prop, receiver);
      return async (command: unknown) => {
        if (command instanceof TransactWriteCommand) {
          if (done >= writes) throw Object.assign(new Error("the process died"), { name: "ProcessDied" });
          done++;
        }
        return (target.send as (c: unknown) => Promise<unknown>)(command);
      };
    },
  });
  return { store: { ...h.store, doc }, written: () => done };
}

const client = {
  fetch: globalThis.fetch,
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
};
const listed = async () =>
  (await h.call("GET", `/api/markets/cho-k/transactions?from=${DAY}&to=${DAY}&limit=500`)).body.items as {
    amount: number;
    description: string;
    arrivals: unknown[];
  }[];

describe("a sync that dies mid-page", () => {
  it("dies inside the first page: nothing moved the cursor, and the rerun stores the rest once", async () => {
    const dying = dyingAfter(40);
    await expect(
      pullSepay({ ...h.deps, store: dying.store }, client, { apiKey: API_KEY, baseUrl }),
    ).rejects.toThrow("the process died");
    expect(dying.written()).toBe(40);
    expect((await listed()).length).toBe(40);
    expect((await SyncCursorItem.get(h.store, "sepay")).cursor).toBeNull();
  });

  it("dies again in the second page: the cursor is where the first page ended", async () => {
    // The first page's 100 (the 40 stored before are duplicates, each appending its arrival in a transaction of
    // its own), then 30 of the second page's.
    const dying = dyingAfter(130);
    await expect(
      pullSepay({ ...h.deps, store: dying.store }, client, { apiKey: API_KEY, baseUrl }),
    ).rejects.toThrow("the process died");
    expect((await listed()).length).toBe(130);
    expect((await SyncCursorItem.get(h.store, "sepay")).cursor).toBe(sepay.held[99]!.id);
  });

  it("the rerun repeats only the second page and stores each payment exactly once; rollups equal the records", async () => {
    const report = await pullSepay(h.deps, client, { apiKey: API_KEY, baseUrl });
    expect(report).toMatchObject({ pages: 1, listed: 50, recovered: 20, duplicates: 30 });
    expect((await SyncCursorItem.get(h.store, "sepay")).cursor).toBe(sepay.held.at(-1)!.id);
    const items = await listed();
    expect(items).toHaveLength(N);
    expect(new Set(items.map((t) => t.description)).size).toBe(N);
    const day = (
      await h.store.doc.send(
        new GetCommand({ TableName: h.store.table, Key: StallDayItem.key("cho-k", stallId, DAY) }),
      )
    ).Item!;
    expect({ count: day.count, value: day.value }).toEqual({
      count: N,
      value: Array.from({ length: N }, (_, n) => payment(n).amount).reduce((a, b) => a + b, 0),
    });
  });
});
