import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness } from "./support/harness";

/** A province's liaison reads that province only (docs/contract.md §15); an unscoped liaison and admins read all. */
let h: Harness;
let tuyenQuang: string;
let everywhere: string;
beforeAll(async () => {
  h = await harness("2026-11-29T00:00:00Z");
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "tq-1", province: "Tuyên Quang" } });
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "lc-1", province: "Lào Cai" } });
  await h.call("POST", "/api/evaluations/run", { body: { period: "2026-11" } });
  const key = await h.call("POST", "/api/keys", { body: { role: "liaison", province: "tuyên quang" } });
  expect(key.status).toBe(201);
  expect(key.body.province).toBe("tuyên quang");
  tuyenQuang = key.body.token;
  everywhere = await h.token("liaison");
});
afterAll(() => h.close());

describe("province tenancy", () => {
  it("lists and reads only the province's markets", async () => {
    const listed = await h.call("GET", "/api/markets", { token: tuyenQuang });
    expect(listed.body.items.map((m: { id: string }) => m.id)).toEqual(["tq-1"]);
    expect((await h.call("GET", "/api/markets/tq-1", { token: tuyenQuang })).status).toBe(200);
    expect((await h.call("GET", "/api/markets/lc-1", { token: tuyenQuang })).status).toBe(403);
    expect(
      (await h.call("GET", "/api/markets/lc-1/sessions?from=2026-12-01&to=2026-12-31", { token: tuyenQuang }))
        .status,
    ).toBe(403);
    const all = await h.call("GET", "/api/markets", { token: everywhere });
    expect(all.body.items.map((m: { id: string }) => m.id).sort()).toEqual(["lc-1", "tq-1"]);
  });

  it("reads only the province's evaluations, as JSON and CSV", async () => {
    const json = await h.call("GET", "/api/evaluations?period=2026-11", { token: tuyenQuang });
    expect(json.body.items.map((e: { marketId: string }) => e.marketId)).toEqual(["tq-1"]);
    const csv = await h.call("GET", "/api/evaluations?period=2026-11&format=csv", { token: tuyenQuang });
    expect(String(csv.body)).not.toContain("lc-1");
    expect((await h.call("GET", "/api/markets/lc-1/evaluations", { token: tuyenQuang })).status).toBe(403);
    expect((await h.call("GET", "/api/markets/tq-1/evaluations", { token: tuyenQuang })).status).toBe(200);
  });

  it("reads only the province's audit trail", async () => {
    expect((await h.call("GET", "/api/audit?marketId=lc-1", { token: tuyenQuang })).status).toBe(403);
    const mine = await h.call("GET", "/api/audit", { token: tuyenQuang });
    expect(mine.status).toBe(200);
    expect(new Set(mine.body.items.map((e: { marketId: string }) => e.marketId))).toEqual(new Set(["tq-1"]));
    const all = await h.call("GET", "/api/audit", { token: everywhere });
    expect(new Set(all.body.items.map((e: { marketId: string }) => e.marketId))).toContain("lc-1");
  });

  it("marks figures that may still change as provisional, and files a final version once the month is over", async () => {
    const during = (await h.call("GET", "/api/evaluations?period=2026-11", { token: everywhere })).body
      .items[0];
    expect(during).toMatchObject({ provisional: true, version: 1 });
    h.clock.set("2026-12-01T00:00:00Z");
    const after = (
      await h.call("POST", "/api/evaluations/run", { body: { period: "2026-11", marketId: "tq-1" } })
    ).body.items[0];
    expect(after).toMatchObject({ provisional: false, version: 2, changes: { transactions: 0, stalls: 0 } });
    const again = (
      await h.call("POST", "/api/evaluations/run", { body: { period: "2026-11", marketId: "tq-1" } })
    ).body.items[0];
    expect(again.version).toBe(2);
    h.clock.set("2026-11-29T00:00:00Z");
  });

  it("gives a province only to a liaison key", async () => {
    const res = await h.call("POST", "/api/keys", {
      body: { role: "manager", marketId: "tq-1", province: "Tuyên Quang" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([{ path: "province", message: expect.any(String) }]);
  });
});
