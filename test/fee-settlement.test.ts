import { issueForMarket } from "@market40/core/fee/bills";
import * as Rollups from "@market40/core/rollup/rollups";
import { decode } from "@market40/core/vietqr/payload";
import { decodePng, decodeSvg } from "@market40/devkit/oracles";
import { genericBody, signGeneric } from "@market40/devkit/signing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput, TEST_SECRETS } from "./support/harness";

/**
 * Bills settled by payments to the board's account (docs/contract.md §20): by the reference in a signed callback,
 * in the transaction that stores it; by the manager's assignment of a waiting payment; in cash; or waived.
 */
let h: Harness;
let manager: string;
let otherManager: string;
let vendorA: string;
let vendorB: string;
let stallA: string;
let stallB: string;
let stallC: string;

const BOARD = { bin: "970436", accountNumber: "0451000777888", accountName: "BQL CHO DONG VAN" };

beforeAll(async () => {
  h = await harness("2026-11-01T01:00:00Z");
  await h.call("POST", "/api/markets", { body: DONG_VAN });
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "meo-vac", name: "Chợ phiên Mèo Vạc" } });
  const stall = async (code: string, account: string) =>
    (await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput(code, account) })).body
      .id as string;
  stallA = await stall("A-12", "7777000001");
  stallB = await stall("B-3", "7777000002");
  stallC = await stall("C-7", "7777000003");
  manager = await h.token("manager", { marketId: "dong-van" });
  otherManager = await h.token("manager", { marketId: "meo-vac" });
  vendorA = await h.token("vendor", { stallId: stallA, marketId: "dong-van" });
  vendorB = await h.token("vendor", { stallId: stallB, marketId: "dong-van" });
  expect((await h.call("PUT", "/api/markets/dong-van/fees/account", { body: BOARD })).status).toBe(200);
  const schedule = await h.call("PUT", "/api/markets/dong-van/fees/schedule", {
    body: { rates: [{ appliesTo: { kind: "all" }, period: "session", amount: 20000, from: "2026-11-01" }] },
  });
  expect(schedule.status).toBe(200);
  // Sunday 29 November, after the session: the bills of the 22nd and the 29th (the look-back window).
  h.clock.set("2026-11-29T10:00:00Z");
  expect((await issueForMarket(h.deps, "dong-van")).issued).toBe(6);
});
afterAll(() => h.close());

const id = (periodKey: string, stallId: string) => `${periodKey}_${stallId}`;
const bill = async (billId: string) =>
  (await h.call("GET", `/api/markets/dong-van/fees/bills/${billId}`, { token: manager })).body;

/** A provider's signed callback of a transfer into the board's account. */
async function pay(txnId: string, amount: number, description: string, paidAt = "2026-11-29T09:00:00+07:00") {
  const body = genericBody({ id: txnId, ...BOARD, amount, paidAt, description });
  const res = await h.call("POST", "/api/callbacks/generic", {
    token: null,
    body,
    headers: {
      "content-type": "application/json",
      "x-signature": signGeneric(TEST_SECRETS.generic, body, h.clock.now()),
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.status as string;
}

const waiting = async () =>
  (await h.call("GET", "/api/markets/dong-van/fees/payments/waiting", { token: manager })).body.items as {
    id: string;
    amount: number;
    billId: string | null;
  }[];

const auditOf = async (action: string) =>
  (
    (await h.call("GET", "/api/audit?marketId=dong-van")).body.items as {
      action: string;
      actor: { role: string };
      entity: { id: string };
      before?: Record<string, unknown>;
      after?: Record<string, unknown>;
    }[]
  ).filter((e) => e.action === action);

describe("settling by QR", () => {
  it("lists the issued bills: open, nothing paid, with their references", async () => {
    const res = await h.call("GET", "/api/markets/dong-van/fees/bills?date=2026-11-29", { token: manager });
    expect(res.status).toBe(200);
    expect(
      res.body.items
        .map((b: { reference: string; status: string; outstanding: number }) => [
          b.reference,
          b.status,
          b.outstanding,
        ])
        // Listed by period, then stall id (the key's order); the stalls' ids were made in the same millisecond.
        .sort((a: string[], b: string[]) => a[0]!.localeCompare(b[0]!)),
    ).toEqual([
      ["PHI A12 2911", "open", 20000],
      ["PHI B3 2911", "open", 20000],
      ["PHI C7 2911", "open", 20000],
    ]);
  });

  it("exact: the transfer naming a bill's reference settles it, once; a duplicate changes nothing", async () => {
    expect(await pay("FT-EXACT", 20000, "NGUYEN VAN A chuyen tien Phí A12 2911")).toBe("stored");
    const settled = await bill(id("2026-11-29", stallA));
    expect(settled).toMatchObject({
      status: "paid",
      amount: 20000,
      paid: 20000,
      paidQr: 20000,
      paidCash: 0,
      excess: 0,
      outstanding: 0,
      settledAt: "2026-11-29T02:00:00.000Z",
      payments: ["generic:FT-EXACT"],
    });
    expect(await pay("FT-EXACT", 20000, "NGUYEN VAN A chuyen tien Phí A12 2911")).toBe("duplicate");
    expect(await bill(id("2026-11-29", stallA))).toEqual(settled);
    // Neither waiting for the manager nor for an admin, and no stall's or market's takings.
    expect((await waiting()).map((p) => p.id)).not.toContain("generic:FT-EXACT");
    const unmatched = (await h.call("GET", "/api/callbacks/unmatched")).body.items as { id: string }[];
    expect(unmatched.map((t) => t.id)).not.toContain("FT-EXACT");
    const day = (await Rollups.marketDays(h.store, "dong-van", "2026-11-29", "2026-11-29")).get("2026-11-29");
    expect(day?.count ?? 0).toBe(0);
    const listed = await h.call("GET", "/api/markets/dong-van/fees/payments?from=2026-11-29&to=2026-11-29", {
      token: manager,
    });
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id: "generic:FT-EXACT", billId: id("2026-11-29", stallA), amount: 20000 }),
    ]);
  });

  it("short, then the rest: partly paid, the QR asks for what is owed, then paid", async () => {
    expect(await pay("FT-SHORT-1", 15000, "MBVCB.3344556677.phi b3 2911.CT tu 0123456789")).toBe("stored");
    expect(await bill(id("2026-11-29", stallB))).toMatchObject({
      status: "partly-paid",
      paid: 15000,
      paidQr: 15000,
      outstanding: 5000,
      settledAt: null,
    });
    const qr = await h.call("GET", `/api/markets/dong-van/fees/bills/${id("2026-11-29", stallB)}/qr`, {
      token: vendorB,
    });
    expect(qr.status).toBe(200);
    expect(qr.body).toMatchObject({ kind: "dynamic", amount: 5000, purpose: "PHI B3 2911" });
    expect(decode(qr.body.payload)).toMatchObject({
      initiation: "dynamic",
      bin: BOARD.bin,
      accountNumber: BOARD.accountNumber,
      amount: "5000",
      additional: { purpose: "PHI B3 2911" },
    });
    // The payer's app pre-fills the purpose: that text settles the bill.
    expect(await pay("FT-SHORT-2", 5000, qr.body.purpose, "2026-11-29T09:30:00+07:00")).toBe("stored");
    expect(await bill(id("2026-11-29", stallB))).toMatchObject({
      status: "paid",
      paid: 20000,
      excess: 0,
      settledAt: "2026-11-29T02:30:00.000Z",
      payments: ["generic:FT-SHORT-1", "generic:FT-SHORT-2"],
    });
    const paidQr = await h.call("GET", `/api/markets/dong-van/fees/bills/${id("2026-11-29", stallB)}/qr`, {
      token: vendorB,
    });
    expect(paidQr.status).toBe(409);
  });

  it("over: the excess is recorded", async () => {
    expect(await pay("FT-OVER", 25000, "IBFT PHI C7 2911 FT26330123456")).toBe("stored");
    expect(await bill(id("2026-11-29", stallC))).toMatchObject({
      status: "paid",
      paid: 25000,
      excess: 5000,
      outstanding: 0,
    });
  });

  it("late: a bill paid days after its due date is settled the same way", async () => {
    h.clock.set("2026-12-03T02:00:00Z");
    expect(await pay("FT-LATE", 20000, "PHI A-12 22/11", "2026-12-03T09:00:00+07:00")).toBe("stored");
    expect(await bill(id("2026-11-22", stallA))).toMatchObject({
      status: "paid",
      dueOn: "2026-11-22",
      settledAt: "2026-12-03T02:00:00.000Z",
    });
  });

  it("an unknown reference waits for the manager (reason board), for an admin too, and settles nothing", async () => {
    expect(await pay("FT-UNKNOWN", 20000, "PHI Z9 2911")).toBe("unmatched");
    expect(await pay("FT-NOREF", 20000, "nop phi cho")).toBe("unmatched");
    expect((await waiting()).map((p) => [p.id, p.billId]).sort()).toEqual([
      ["generic:FT-NOREF", null],
      ["generic:FT-UNKNOWN", null],
    ]);
    const unmatched = (await h.call("GET", "/api/callbacks/unmatched")).body.items as {
      id: string;
      reason: string;
    }[];
    expect(unmatched.map((t) => [t.id, t.reason]).sort()).toEqual([
      ["FT-NOREF", "board"],
      ["FT-UNKNOWN", "board"],
    ]);
  });
});

describe("the manager's side", () => {
  it("assigns a waiting payment to a bill: it waits no more, the bill counts it, audited; a second time is 409", async () => {
    const target = id("2026-11-22", stallB);
    const res = await h.call("POST", "/api/markets/dong-van/fees/payments/generic:FT-UNKNOWN/assign", {
      token: manager,
      body: { billId: target },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: "paid", paidQr: 20000, payments: ["generic:FT-UNKNOWN"] });
    expect(await bill(target)).toEqual(res.body);
    expect((await waiting()).map((p) => p.id)).toEqual(["generic:FT-NOREF"]);
    const unmatched = (await h.call("GET", "/api/callbacks/unmatched")).body.items as { id: string }[];
    expect(unmatched.map((t) => t.id)).not.toContain("FT-UNKNOWN");
    const [entry] = await auditOf("bill.paymentAssigned");
    expect(entry).toMatchObject({
      actor: { role: "manager" },
      entity: { id: target },
      after: { payment: "generic:FT-UNKNOWN", amount: 20000, status: "paid" },
    });
    const again = await h.call("POST", "/api/markets/dong-van/fees/payments/FT-UNKNOWN/assign", {
      token: manager,
      body: { billId: id("2026-11-22", stallC) },
    });
    expect(again.status).toBe(409);
    expect((await bill(id("2026-11-22", stallC))).paid).toBe(0);
  });

  it("records cash on an open bill (with a note), audited; not twice; a later transfer naming it waits", async () => {
    const target = id("2026-11-22", stallC);
    const res = await h.call("POST", `/api/markets/dong-van/fees/bills/${target}/cash`, {
      token: manager,
      body: { cashNote: "Thu tại quầy, biên lai giấy số 12" },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      status: "paid-cash",
      paid: 20000,
      paidCash: 20000,
      paidQr: 0,
      outstanding: 0,
      cashNote: "Thu tại quầy, biên lai giấy số 12",
      settledAt: h.clock.now().toISOString(),
    });
    const [entry] = await auditOf("bill.paidCash");
    expect(entry).toMatchObject({
      actor: { role: "manager" },
      before: { status: "open" },
      after: { paidCash: 20000 },
    });
    expect(
      (await h.call("POST", `/api/markets/dong-van/fees/bills/${target}/cash`, { token: manager, body: {} }))
        .status,
    ).toBe(409);
    expect(await pay("FT-AFTER-CASH", 20000, "PHI C7 2211")).toBe("unmatched");
    expect((await waiting()).map((p) => p.id)).toContain("generic:FT-AFTER-CASH");
    expect((await bill(target)).paidQr).toBe(0);
  });

  it("waives only with a reason, audited; a waived bill takes no assignment", async () => {
    h.clock.set("2026-12-06T10:00:00Z");
    await issueForMarket(h.deps, "dong-van"); // Sunday 6 December's bills
    const target = id("2026-12-06", stallA);
    const noReason = await h.call("POST", `/api/markets/dong-van/fees/bills/${target}/waive`, {
      token: manager,
      body: {},
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.issues.map((i: { path: string }) => i.path)).toContain("waivedReason");
    const res = await h.call("POST", `/api/markets/dong-van/fees/bills/${target}/waive`, {
      token: manager,
      body: { waivedReason: "Quầy bị ngập sau mưa lớn" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: "waived",
      waivedReason: "Quầy bị ngập sau mưa lớn",
      outstanding: 0,
    });
    expect((await auditOf("bill.waived"))[0]).toMatchObject({
      after: { status: "waived", waivedReason: "Quầy bị ngập sau mưa lớn" },
    });
    const assign = await h.call("POST", "/api/markets/dong-van/fees/payments/generic:FT-NOREF/assign", {
      token: manager,
      body: { billId: target },
    });
    expect(assign.status).toBe(409);
    expect((await waiting()).map((p) => p.id)).toContain("generic:FT-NOREF");
    expect(
      (await h.call("GET", `/api/markets/dong-van/fees/bills/${target}/qr`, { token: vendorA })).status,
    ).toBe(409);
  });

  it("lists by status and by stall", async () => {
    const paid = await h.call("GET", "/api/markets/dong-van/fees/bills?month=2026-11&status=paid", {
      token: manager,
    });
    expect(paid.body.items.map((b: { reference: string }) => b.reference).sort()).toEqual([
      "PHI A12 2211",
      "PHI A12 2911",
      "PHI B3 2211",
      "PHI B3 2911",
      "PHI C7 2911",
    ]);
    const ofStall = await h.call("GET", `/api/markets/dong-van/fees/bills?month=2026-11&stallId=${stallC}`, {
      token: manager,
    });
    expect(ofStall.body.items.map((b: { status: string }) => b.status)).toEqual(["paid-cash", "paid"]);
  });
});

describe("who may see and change bills", () => {
  it("a vendor reads its own stall's bills, one of them and its QR (PNG and SVG decode to the payload)", async () => {
    const own = await h.call("GET", `/api/stalls/${stallA}/bills`, { token: vendorA });
    expect(own.status).toBe(200);
    expect(own.body.items.map((b: { periodKey: string }) => b.periodKey)).toEqual([
      "2026-12-06",
      "2026-11-29",
      "2026-11-22",
    ]);
    const open = await h.call("GET", `/api/stalls/${stallB}/bills?status=open`, { token: vendorB });
    expect(open.body.items.map((b: { reference: string }) => b.reference)).toEqual(["PHI B3 0612"]);
    const target = id("2026-12-06", stallB);
    const { payload } = (
      await h.call("GET", `/api/markets/dong-van/fees/bills/${target}/qr`, { token: vendorB })
    ).body;
    const png = await h.app.request(`/api/markets/dong-van/fees/bills/${target}/qr.png?size=400`, {
      headers: { authorization: `Bearer ${vendorB}` },
    });
    expect(png.headers.get("content-type")).toBe("image/png");
    expect(decodePng(new Uint8Array(await png.arrayBuffer()))).toBe(payload);
    const svg = await h.app.request(`/api/markets/dong-van/fees/bills/${target}/qr.svg`, {
      headers: { authorization: `Bearer ${manager}` },
    });
    expect(decodeSvg(await svg.text())).toBe(payload);
  });

  it("another stall's vendor, another market's manager: 403; a vendor may not record cash or waive", async () => {
    const target = id("2026-12-06", stallB);
    for (const path of [
      `/api/markets/dong-van/fees/bills/${target}`,
      `/api/markets/dong-van/fees/bills/${target}/qr`,
      `/api/markets/dong-van/fees/bills/${target}/qr.png`,
      `/api/stalls/${stallB}/bills`,
    ]) {
      expect((await h.call("GET", path, { token: vendorA })).status, path).toBe(403);
      expect((await h.call("GET", path, { token: otherManager })).status, path).toBe(403);
    }
    for (const action of ["cash", "waive"])
      expect(
        (
          await h.call("POST", `/api/markets/dong-van/fees/bills/${target}/${action}`, {
            token: vendorB,
            body: action === "waive" ? { waivedReason: "tự miễn" } : {},
          })
        ).status,
      ).toBe(403);
    expect((await h.call("GET", "/api/markets/dong-van/fees/bills", { token: vendorB })).status).toBe(403);
    expect(
      (
        await h.call("POST", "/api/markets/dong-van/fees/payments/generic:FT-NOREF/assign", {
          token: otherManager,
          body: { billId: target },
        })
      ).status,
    ).toBe(403);
    expect((await bill(target)).status).toBe("open");
  });

  it("an unknown bill is 404", async () => {
    expect(
      (await h.call("GET", "/api/markets/dong-van/fees/bills/2026-11-29_nope", { token: manager })).status,
    ).toBe(404);
    expect((await h.call("GET", "/api/markets/dong-van/fees/bills/garbage", { token: manager })).status).toBe(
      404,
    );
  });
});
