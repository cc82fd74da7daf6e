import * as Rollups from "@market40/core/rollup/rollups";
import { genericBody, signGeneric } from "@market40/devkit/signing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput, TEST_SECRETS } from "./support/harness";

/** The board's collection account and fee schedule (docs/contract.md §20). */
let h: Harness;
let manager: string;
let otherManager: string;
let stallId: string;

const BOARD = { bin: "970436", accountNumber: "0451000111222", accountName: "BQL CHO DONG VAN" };
const DAILY = { ...DONG_VAN, id: "cho-lon", name: "Chợ Lớn", schedule: { kind: "daily" as const } };

beforeAll(async () => {
  h = await harness("2026-11-26T03:00:00Z");
  await h.call("POST", "/api/markets", { body: DONG_VAN });
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "meo-vac", name: "Chợ phiên Mèo Vạc" } });
  await h.call("POST", "/api/markets", { body: DAILY });
  manager = await h.token("manager", { marketId: "dong-van" });
  otherManager = await h.token("manager", { marketId: "meo-vac" });
  stallId = (await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("A-12", "8888000001") }))
    .body.id;
});
afterAll(() => h.close());

const audit = async (marketId: string) =>
  (await h.call("GET", `/api/audit?marketId=${marketId}`)).body.items as {
    action: string;
    actor: { role: string };
    before?: Record<string, unknown>;
    after?: Record<string, unknown>;
  }[];

describe("the board's collection account", () => {
  it("is 404 until set, then set by the manager with its bank's name, and audited with the number masked", async () => {
    expect((await h.call("GET", "/api/markets/dong-van/fees/account", { token: manager })).status).toBe(404);
    const res = await h.call("PUT", "/api/markets/dong-van/fees/account", { token: manager, body: BOARD });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ ...BOARD, marketId: "dong-van", bankName: "Vietcombank" });
    expect((await h.call("GET", "/api/markets/dong-van/fees/account", { token: manager })).body).toEqual(
      res.body,
    );
    const entry = (await audit("dong-van")).find((e) => e.action === "market.boardAccountChanged")!;
    expect(entry.actor.role).toBe("manager");
    expect(JSON.stringify(entry)).not.toContain("0451000111222");
    expect(entry.after).toMatchObject({ bin: "970436", accountName: "BQL CHO DONG VAN" });
  });

  it("setting the same account again changes nothing and writes no audit entry", async () => {
    const before = (await audit("dong-van")).length;
    const res = await h.call("PUT", "/api/markets/dong-van/fees/account", { token: manager, body: BOARD });
    expect(res.status).toBe(200);
    expect((await audit("dong-van")).length).toBe(before);
  });

  it("refuses a bad BIN or account number with the field's path", async () => {
    const res = await h.call("PUT", "/api/markets/dong-van/fees/account", {
      token: manager,
      body: { ...BOARD, bin: "999999" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain("bin");
  });

  it("no stall may register the board's account, and the board may not take a stall's", async () => {
    const stall = await h.call("POST", "/api/markets/dong-van/stalls", {
      body: stallInput("B-1", BOARD.accountNumber, BOARD.bin),
    });
    expect(stall.status).toBe(409);
    const taken = await h.call("PUT", "/api/markets/meo-vac/fees/account", {
      token: otherManager,
      body: { bin: "970405", accountNumber: "8888000001", accountName: "X" },
    });
    expect(taken.status).toBe(409);
    // In Vietnamese by default, naming neither the market nor the stall that holds it.
    expect(taken.body.error.message).toBe("Tài khoản ngân hàng này đã được đăng ký trên hệ thống");
  });

  it("another market's manager may not take the number at another bank; an admin may", async () => {
    const other = { bin: "970405", accountNumber: BOARD.accountNumber, accountName: "BQL CHO MEO VAC" };
    const squat = await h.call("PUT", "/api/markets/meo-vac/fees/account", {
      token: otherManager,
      body: other,
    });
    expect(squat.status).toBe(409);
    expect((await h.call("GET", "/api/markets/meo-vac/fees/account")).status).toBe(404);
    const stall = await h.call("POST", "/api/markets/meo-vac/stalls", {
      token: otherManager,
      body: stallInput("C-1", BOARD.accountNumber, "970405"),
    });
    expect(stall.status).toBe(409);
    expect((await h.call("PUT", "/api/markets/meo-vac/fees/account", { body: other })).status).toBe(200);
  });

  it("moving to a new account frees the old one for a stall", async () => {
    const moved = { ...BOARD, accountNumber: "0451000333444" };
    expect(
      (await h.call("PUT", "/api/markets/dong-van/fees/account", { token: manager, body: moved })).status,
    ).toBe(200);
    const stall = await h.call("POST", "/api/markets/dong-van/stalls", {
      body: stallInput("B-2", BOARD.accountNumber, BOARD.bin),
    });
    expect(stall.status, JSON.stringify(stall.body)).toBe(201);
    const taken = await h.call("POST", "/api/markets/dong-van/stalls", {
      body: stallInput("B-3", moved.accountNumber, moved.bin),
    });
    expect(taken.status).toBe(409);
  });

  it("a payment to the board's account waits as the board's and counts in no stall's or market's uptake", async () => {
    const body = genericBody({
      id: "FT-BOARD-1",
      bin: "970436",
      accountNumber: "0451000333444",
      amount: 20000,
      paidAt: "2026-11-26T08:00:00+07:00",
      description: "PHI A12 2611",
    });
    const res = await h.call("POST", "/api/callbacks/generic", {
      token: null,
      body,
      headers: {
        "content-type": "application/json",
        "x-signature": signGeneric(TEST_SECRETS.generic, body, h.clock.now()),
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("unmatched");
    const market = (await Rollups.marketDays(h.store, "dong-van", "2026-11-26", "2026-11-26")).get(
      "2026-11-26",
    );
    expect(market?.count ?? 0).toBe(0);
    const unmatched = await h.call("GET", "/api/callbacks/unmatched");
    const waiting = unmatched.body.items.find((t: { id: string }) => t.id === "FT-BOARD-1");
    expect(waiting).toMatchObject({ reason: "board", amount: 20000 });
    // Not a stall's takings: an admin cannot give it to one.
    const assign = await h.call("POST", "/api/callbacks/unmatched/FT-BOARD-1/assign", {
      body: { stallId, reason: "thử gán" },
    });
    expect(assign.status).toBe(409);
  });
});

describe("the fee schedule", () => {
  const rate = (over: Record<string, unknown> = {}) => ({
    appliesTo: { kind: "all" },
    period: "session",
    amount: 20000,
    from: "2026-12-01",
    ...over,
  });

  it("the manager sets rates starting after today; they come back sorted, with a revision, and audited", async () => {
    const res = await h.call("PUT", "/api/markets/dong-van/fees/schedule", {
      token: manager,
      body: {
        rates: [
          rate({ appliesTo: { kind: "stall", stallId }, amount: 30000 }),
          rate({ appliesTo: { kind: "category", category: "Rau" }, amount: 10000 }),
          rate(),
        ],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.rev).toBe(1);
    expect(res.body.rates.map((r: { appliesTo: { kind: string } }) => r.appliesTo.kind)).toEqual([
      "all",
      "category",
      "stall",
    ]);
    const read = await h.call("GET", "/api/markets/dong-van/fees/schedule", { token: manager });
    expect(read.body).toEqual(res.body);
    const entry = (await audit("dong-van")).find((e) => e.action === "market.feeScheduleChanged")!;
    expect(entry.after).toEqual({ rates: res.body.rates });
    expect(entry.before).toEqual({ rates: [] });
  });

  it("refuses a period the market's calendar does not have, a repeated rate and another market's stall", async () => {
    const res = await h.call("PUT", "/api/markets/dong-van/fees/schedule", {
      token: manager,
      body: {
        rates: [
          rate({ period: "month" }),
          rate(),
          rate(),
          rate({ appliesTo: { kind: "stall", stallId: "nope" } }),
        ],
      },
      headers: { "accept-language": "en" },
    });
    expect(res.status).toBe(400);
    const paths = res.body.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(["rates.0.period", "rates.2.from", "rates.3.appliesTo.stallId"]),
    );
    const daily = await h.call("PUT", "/api/markets/cho-lon/fees/schedule", {
      body: { rates: [rate({ period: "session" })] },
    });
    expect(daily.status).toBe(400);
    const monthly = await h.call("PUT", "/api/markets/cho-lon/fees/schedule", {
      body: {
        rates: [
          rate({ period: "month", amount: 300000 }),
          rate({ period: "day", amount: 15000, appliesTo: { kind: "category", category: "cá" } }),
        ],
      },
    });
    expect(monthly.status, JSON.stringify(monthly.body)).toBe(200);
    expect((await h.call("GET", "/api/markets/dong-van/fees/schedule")).body.rev).toBe(1);
  });

  it("once a rate has started, only an admin may change or remove it; a manager may add a later one", async () => {
    h.clock.set("2026-12-02T03:00:00Z");
    const current = (await h.call("GET", "/api/markets/dong-van/fees/schedule")).body.rates;
    const changed = current.map((r: { amount: number }, i: number) =>
      i === 0 ? { ...r, amount: 25000 } : r,
    );
    const refused = await h.call("PUT", "/api/markets/dong-van/fees/schedule", {
      token: manager,
      body: { rates: changed },
    });
    expect(refused.status).toBe(403);
    const removed = await h.call("PUT", "/api/markets/dong-van/fees/schedule", {
      token: manager,
      body: { rates: current.slice(1) },
    });
    expect(removed.status).toBe(403);
    const later = await h.call("PUT", "/api/markets/dong-van/fees/schedule", {
      token: manager,
      body: { rates: [...current, rate({ amount: 25000, from: "2027-01-01" })] },
    });
    expect(later.status, JSON.stringify(later.body)).toBe(200);
    expect(later.body.rev).toBe(2);
    const admin = await h.call("PUT", "/api/markets/dong-van/fees/schedule", { body: { rates: changed } });
    expect(admin.status).toBe(200);
    expect((await audit("dong-van")).filter((e) => e.action === "market.feeScheduleChanged").length).toBe(3);
  });

  it("a manager of another market may not read or set it", async () => {
    expect((await h.call("GET", "/api/markets/dong-van/fees/schedule", { token: otherManager })).status).toBe(
      403,
    );
    expect(
      (
        await h.call("PUT", "/api/markets/dong-van/fees/schedule", {
          token: otherManager,
          body: { rates: [] },
        })
      ).status,
    ).toBe(403);
  });
});
