import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { type Bill, BillItem } from "@market40/core/fee/billItem";
import { issueForMarket } from "@market40/core/fee/bills";
import { pdfText } from "@market40/devkit/oracles";
import { genericBody, signGeneric } from "@market40/devkit/signing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOTS } from "./support/browser";
import { DONG_VAN, type Harness, harness, stallInput, TEST_SECRETS } from "./support/harness";
import { readXlsx } from "./support/xlsx";

/**
 * `fees` in evaluations (docs/evaluations.md "Fees", docs/contract.md §20), against a hand-worked table.
 *
 * Đồng Văn (Sundays) charges 20,000 ₫ a session; three stalls, November's five Sundays: 15 bills of 20,000 ₫.
 *
 * | stall | 1/11                 | 8/11   | 15/11             | 22/11               | 29/11 |
 * | A-1   | QR                   | cash   | QR 5,000 (short)  | QR 25,000 (over)    | open  |
 * | A-2   | waived               | QR     | QR 8,000 + 12,000 cash | open           | QR    |
 * | A-3   | QR 5,000, then waived | open  | open              | open                | open  |
 *
 * billed 300,000; waived 20,000 + 15,000 = 35,000; collected A-1 65,000 + A-2 60,000 + A-3 5,000 = 130,000, of it by
 * QR 45,000 + 48,000 + 5,000 = 98,000; excess 5,000; outstanding 300,000 − 35,000 − 130,000 = 135,000;
 * cashless 98,000 / 130,000 = 75.38 %; collected 130,000 / 265,000 = 49.06 %.
 *
 * Chợ Lớn (daily) charges 300,000 ₫ a month: October's bill is due on 10 November, so it counts in November.
 * Mèo Vạc has no fee schedule: its evaluation has no `fees`.
 */
let h: Harness;
const ids: Record<string, string> = {};
const SUNDAYS = ["2026-11-01", "2026-11-08", "2026-11-15", "2026-11-22", "2026-11-29"];
const DAILY = { ...DONG_VAN, id: "cho-lon", name: "Chợ Lớn", schedule: { kind: "daily" as const } };
const BOARD = { bin: "970436", accountNumber: "0451000111222", accountName: "BQL CHO DONG VAN" };

/** What settlement (issue 29's other half) writes on a bill: put here directly. */
async function settle(marketId: string, periodKey: string, code: string, fields: Partial<Bill>) {
  const bill = await BillItem.get(h.store, marketId, periodKey, ids[code]!);
  expect(bill, `${code} ${periodKey}`).toBeDefined();
  const paid = (fields.paidQr ?? 0) + (fields.paidCash ?? 0);
  const { ConditionExpression: _c, ...put } = BillItem.create(h.store, { ...bill!, paid, ...fields }).Put!;
  await h.store.doc.send(new PutCommand(put));
}

async function runNovember() {
  const res = await h.call("POST", "/api/evaluations/run", { body: { period: "2026-11" } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return Object.fromEntries(res.body.items.map((e: { marketId: string }) => [e.marketId, e]));
}

beforeAll(async () => {
  h = await harness("2026-10-01T01:00:00Z");
  for (const m of [DONG_VAN, DAILY, { ...DONG_VAN, id: "meo-vac", name: "Chợ Mèo Vạc" }])
    expect((await h.call("POST", "/api/markets", { body: m })).status).toBe(201);
  for (const [market, code, account] of [
    ["dong-van", "A-1", "5001"],
    ["dong-van", "A-2", "5002"],
    ["dong-van", "A-3", "5003"],
    ["cho-lon", "L-1", "5004"],
    ["meo-vac", "M-1", "5005"],
  ] as const) {
    const res = await h.call("POST", `/api/markets/${market}/stalls`, { body: stallInput(code, account) });
    ids[code] = res.body.id;
  }
  const session = { appliesTo: { kind: "all" }, period: "session", amount: 20_000, from: "2026-10-01" };
  const month = { appliesTo: { kind: "all" }, period: "month", amount: 300_000, from: "2026-10-01" };
  expect(
    (await h.call("PUT", "/api/markets/dong-van/fees/schedule", { body: { rates: [session] } })).status,
  ).toBe(200);
  expect(
    (await h.call("PUT", "/api/markets/cho-lon/fees/schedule", { body: { rates: [month] } })).status,
  ).toBe(200);
  for (const at of [...SUNDAYS.map((d) => `${d}T06:00:00+07:00`), "2026-11-05T06:00:00+07:00"]) {
    h.clock.set(at);
    await issueForMarket(h.deps, "dong-van");
    await issueForMarket(h.deps, "cho-lon");
  }
  const [d1, d8, d15, d22, d29] = SUNDAYS as [string, string, string, string, string];
  const at = "2026-11-29T08:00:00+07:00";
  // A-1's first fee, paid by QR to the board's account at 07:15 on 1 November: stored as the board's payment.
  expect((await h.call("PUT", "/api/markets/dong-van/fees/account", { body: BOARD })).status).toBe(200);
  const transfer = genericBody({
    id: "FEE-A1-0111",
    bin: BOARD.bin,
    accountNumber: BOARD.accountNumber,
    amount: 20_000,
    paidAt: "2026-11-01T07:15:00+07:00",
    description: "PHI A1 0111",
  });
  h.clock.set("2026-11-01T07:16:00+07:00");
  const paid = await h.call("POST", "/api/callbacks/generic", {
    token: null,
    body: transfer,
    headers: {
      "content-type": "application/json",
      "x-signature": signGeneric(TEST_SECRETS.generic, transfer, h.clock.now()),
    },
  });
  expect(paid.status).toBe(200);
  await settle("dong-van", d1, "A-1", {
    status: "paid",
    paidQr: 20_000,
    settledAt: "2026-11-01T07:16:00+07:00",
    payments: ["generic:FEE-A1-0111"],
  });
  await settle("dong-van", d8, "A-1", { status: "paid-cash", paidCash: 20_000, settledAt: at });
  await settle("dong-van", d15, "A-1", { status: "partly-paid", paidQr: 5_000 });
  await settle("dong-van", d22, "A-1", { status: "paid", paidQr: 25_000, excess: 5_000, settledAt: at });
  await settle("dong-van", d1, "A-2", { status: "waived", waivedReason: "Ốm", settledAt: at });
  await settle("dong-van", d8, "A-2", { status: "paid", paidQr: 20_000, settledAt: at });
  await settle("dong-van", d15, "A-2", { status: "paid", paidQr: 8_000, paidCash: 12_000, settledAt: at });
  await settle("dong-van", d29, "A-2", { status: "paid", paidQr: 20_000, settledAt: at });
  await settle("dong-van", d1, "A-3", { status: "waived", paidQr: 5_000, waivedReason: "Ốm", settledAt: at });
  await settle("cho-lon", "2026-10", "L-1", { status: "paid", paidQr: 300_000, settledAt: at });
  h.clock.set("2026-12-02T01:00:00Z");
});
afterAll(() => h.close());

describe("fees in evaluations", () => {
  it("counts November's bills as the hand-worked table does", async () => {
    const items = await runNovember();
    expect(items["dong-van"].fees).toEqual({
      billed: 300_000,
      waived: 35_000,
      collected: 130_000,
      collectedCashless: 98_000,
      excess: 5_000,
      outstanding: 135_000,
      feesCashlessPct: 75.38,
      feesCollectedPct: 49.06,
      bills: 15,
    });
    // October's month, due on 10 November, paid by QR.
    expect(items["cho-lon"].fees).toMatchObject({
      billed: 300_000,
      collected: 300_000,
      collectedCashless: 300_000,
      feesCashlessPct: 100,
      feesCollectedPct: 100,
      bills: 1,
    });
    expect(items["meo-vac"]).not.toHaveProperty("fees");
    // Fees are reported, not rated, unless the criterion is set.
    expect(items["dong-van"].method.thresholds).not.toHaveProperty("feesCashlessPct");
  });

  it("files a new version when a bill is paid, and the same one when nothing changed", async () => {
    const before = await runNovember();
    expect((await runNovember())["dong-van"].version).toBe(before["dong-van"].version);
    expect((await runNovember())["meo-vac"].version).toBe(before["meo-vac"].version);
    await settle("dong-van", "2026-11-29", "A-1", { status: "paid-cash", paidCash: 20_000 });
    const after = (await runNovember())["dong-van"];
    expect(after.version).toBe(before["dong-van"].version + 1);
    expect(after.fees).toMatchObject({ collected: 150_000, outstanding: 115_000, feesCashlessPct: 65.33 });
    expect(after.inputs.bills).toBe(15);
    expect(after.changes.bills).toBe(0);
  });
});

/** The raw answer of the province's export in a format. */
async function download(format: string) {
  const res = await h.app.request(`/api/evaluations?period=2026-11&format=${format}`, {
    headers: { authorization: `Bearer ${h.adminToken}` },
  });
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

describe("fees in the reports", () => {
  // biome-ignore lint/suspicious/noExplicitAny: the JSON as the API answers it
  let json: Record<string, any>;
  beforeAll(async () => {
    h.clock.set("2026-12-02T01:00:00Z");
    const items = (await h.call("GET", "/api/evaluations?period=2026-11")).body.items;
    json = Object.fromEntries(items.map((e: { marketId: string }) => [e.marketId, e]));
  });

  it("the CSV carries every figure under its dotted name, empty for a market without fees", async () => {
    const text = new TextDecoder().decode(await download("csv")).replace(/^\uFEFF/, "");
    // No cell of these markets holds a comma or a quote: a plain split reads them.
    const [header, ...rows] = text
      .trim()
      .split("\r\n")
      .map((l) => l.split(","));
    const at = (row: string[], name: string) => row[header!.indexOf(name)];
    const row = (id: string) => rows.find((r) => r[0] === id)!;
    // The columns scripts know keep their places; fees come after `id`.
    expect(header!.indexOf("fees.billed")).toBeGreaterThan(header!.indexOf("id"));
    for (const name of [
      "bills",
      "billed",
      "waived",
      "collected",
      "collectedCashless",
      "excess",
      "outstanding",
      "feesCashlessPct",
      "feesCollectedPct",
    ])
      expect(at(row("dong-van"), `fees.${name}`), name).toBe(String(json["dong-van"].fees[name]));
    expect(at(row("dong-van"), "fees.feesCashlessPct")).toBe(String(json["dong-van"].fees.feesCashlessPct));
    expect(at(row("meo-vac"), "fees.billed")).toBe("");
    expect(at(row("meo-vac"), "method.thresholds.feesCashlessPct")).toBe("");
  });

  it("the workbook has the fees as VND and percentages, and defines them", async () => {
    const [main, defs] = readXlsx(await download("xlsx"));
    const head = main!.rows[0]!.map((c) => c.value);
    const rowOf = (id: string) => main!.rows.find((r) => r[0]?.value === id)!;
    const cell = (id: string, header: string) => rowOf(id)[head.indexOf(header)];
    const dongVan = json["dong-van"].fees;
    expect(cell("dong-van", "Phí chợ đã lập (đồng)")).toMatchObject({
      value: dongVan.billed,
      format: "#,##0",
    });
    expect(cell("dong-van", "Phí chợ đã thu (đồng)")!.value).toBe(dongVan.collected);
    expect(cell("dong-van", "Phí chợ thu qua QR (đồng)")!.value).toBe(dongVan.collectedCashless);
    expect(cell("dong-van", "Phí chợ còn nợ (đồng)")!.value).toBe(dongVan.outstanding);
    expect(cell("dong-van", "Phí chợ được miễn (đồng)")!.value).toBe(dongVan.waived);
    const cashless = cell("dong-van", "Tỷ lệ phí thu không dùng tiền mặt")!;
    expect(cashless.value as number).toBeCloseTo(dongVan.feesCashlessPct / 100, 10);
    expect(cashless.format).toBe("0.00%");
    expect((cell("dong-van", "Tỷ lệ phí đã thu")!.value as number) * 100).toBeCloseTo(
      dongVan.feesCollectedPct,
      8,
    );
    expect(cell("meo-vac", "Phí chợ đã lập (đồng)")?.value ?? null).toBeNull();
    const terms = defs!.rows.map((r) => r[0]?.value);
    expect(terms).toEqual(
      expect.arrayContaining(["Phí chợ", "Tỷ lệ phí thu không dùng tiền mặt", "Tỷ lệ phí đã thu"]),
    );
  });

  it("the printable report says it in Vietnamese, for the province and for each market with fees", async () => {
    const pages = (await pdfText(await download("pdf"))).map((p) => p.replace(/\s+/g, " "));
    const flat = pages.join(" ").replace(/\s/g, "");
    // After A-1's last Sunday was paid in cash (above): Đồng Văn 300,000 billed, 150,000 collected (98,000 by QR),
    // 115,000 owed, 35,000 waived; with Chợ Lớn, 450,000 collected of which 398,000 by QR (88.44 %), of 565,000.
    expect(flat).toContain(
      "Phíchợ:đãlập600.000₫,đãthu450.000₫(88,44%khôngdùngtiềnmặt),cònnợ115.000₫,đượcmiễn35.000₫(2chợcóbiểuphí;tỷlệphíđãthu79,65%).",
    );
    expect(flat).toContain(
      "Phíchợ:đãlập300.000₫,đãthu150.000₫(65,33%khôngdùngtiềnmặt),cònnợ115.000₫,đượcmiễn35.000₫;tỷlệphíđãthu56,6%.",
    );
    expect(flat).toContain(
      "Phíchợ:đãlập300.000₫,đãthu300.000₫(100%khôngdùngtiềnmặt),cònnợ0₫;tỷlệphíđãthu100%.",
    );
  });
});

describe("bills and receipts", () => {
  let vendorA1: string;
  let vendorA2: string;
  let manager: string;
  beforeAll(async () => {
    vendorA1 = await h.token("vendor", { marketId: "dong-van", stallId: ids["A-1"]! });
    vendorA2 = await h.token("vendor", { marketId: "dong-van", stallId: ids["A-2"]! });
    manager = await h.token("manager", { marketId: "dong-van" });
  });

  /** The receipt's answer and, for a PDF, its text as pdf.js reads it (spaces folded). */
  /** A bill's id in the API (`<periodKey>_<stallId>`) from its reference as printed (`PHIA10111`: A-1, 01/11). */
  const billIdOf = (compact: string) => {
    const m = /^PHIA(\d)(\d\d)(\d\d)$/.exec(compact);
    return m ? `2026-${m[3]}-${m[2]}_${ids[`A-${m[1]}`]}` : compact;
  };

  async function receipt(reference: string, token: string, market = "dong-van") {
    const billId = billIdOf(reference);
    const res = await h.app.request(`/api/markets/${market}/fees/bills/${billId}/receipt.pdf`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (res.status === 200) {
      // For a person to look at (test-results/screenshots).
      mkdirSync(SHOTS, { recursive: true });
      writeFileSync(join(SHOTS, `receipt-${reference}.pdf`), bytes);
    }
    const text = res.status === 200 ? (await pdfText(bytes)).join(" ").replace(/\s+/g, " ") : "";
    return { status: res.status, type: res.headers.get("content-type"), text, pages: text ? 1 : 0 };
  }

  it("the manager lists a session's bills, and narrows them by status", async () => {
    const res = await h.call("GET", "/api/markets/dong-van/fees/bills?date=2026-11-15", { token: manager });
    expect(res.status).toBe(200);
    const byCode = (a: { stallCode: string }, b: { stallCode: string }) =>
      a.stallCode.localeCompare(b.stallCode);
    expect(
      res.body.items
        .sort(byCode)
        .map((b: { stallCode: string; status: string; paid: number; receipt: boolean }) => [
          b.stallCode,
          b.status,
          b.paid,
          b.receipt,
        ]),
    ).toEqual([
      ["A-1", "partly-paid", 5_000, true],
      ["A-2", "paid", 20_000, true],
      ["A-3", "open", 0, false],
    ]);
    expect(res.body.items[0]).toMatchObject({
      id: `2026-11-15_${ids["A-1"]}`,
      reference: "PHI A1 1511",
      amount: 20_000,
    });
    const refs = async (query: string) =>
      (await h.call("GET", `/api/markets/dong-van/fees/bills?${query}`, { token: manager })).body.items
        .map((b: { reference: string }) => b.reference)
        .sort();
    expect(await refs("month=2026-11&status=waived")).toEqual(["PHI A2 0111", "PHI A3 0111"]);
    expect(await refs("date=2026-11-22&status=open")).toEqual(["PHI A2 2211", "PHI A3 2211"]);
    expect(
      (await h.call("GET", "/api/markets/dong-van/fees/bills?date=2026-11-31", { token: manager })).status,
    ).toBe(400);
  });

  it("a vendor lists its own stall's bills only", async () => {
    const own = await h.call("GET", `/api/stalls/${ids["A-1"]}/bills`, { token: vendorA1 });
    expect(own.status).toBe(200);
    // The first run's look-back reached October's last Sunday too.
    expect(own.body.items.map((b: { periodKey: string }) => b.periodKey)).toEqual([
      ...[...SUNDAYS].reverse(),
      "2026-10-25",
    ]);
    expect((await h.call("GET", `/api/stalls/${ids["A-1"]}/bills`, { token: vendorA2 })).status).toBe(403);
  });

  it("a QR-paid bill's receipt says who paid what, for which session, in figures and in words, and when", async () => {
    const r = await receipt("PHIA10111", vendorA1);
    expect(r.status).toBe(200);
    expect(r.type).toBe("application/pdf");
    for (const want of [
      "BIÊN LAI THU PHÍ CHỢ",
      "Số: BL-PHIA10111",
      "BAN QUẢN LÝ CHỢ PHIÊN ĐỒNG VĂN",
      "Tài khoản thu phí: BQL CHO DONG VAN — Vietcombank",
      "A-1 — Giàng Thị Mai",
      "Phiên chợ ngày 01/11/2026",
      "PHI A1 0111",
      "Số tiền đã nộp 20.000 ₫",
      "Bằng chữ Hai mươi nghìn đồng",
      "Chuyển khoản bằng mã QR",
      // The bank's time of the transfer, in Vietnam time.
      "07:15 01/11/2026: 20.000 ₫ qua QR",
      "Đã nộp đủ",
    ])
      expect(r.text, want).toContain(want);
    // The manager prints the same receipt, with the same number.
    const again = await receipt("PHIA10111", manager);
    expect(again.text).toContain("Số: BL-PHIA10111");
  });

  it("says cash, both, a part paid and what is left", async () => {
    const cash = await receipt("PHIA10811", manager);
    expect(cash.text).toContain("Hình thức nộp Tiền mặt");
    const both = await receipt("PHIA21511", vendorA2);
    expect(both.text).toContain("Chuyển khoản bằng mã QR và tiền mặt");
    const part = await receipt("PHIA11511", vendorA1);
    expect(part.text).toContain("Số tiền đã nộp 5.000 ₫");
    expect(part.text).toContain("Bằng chữ Năm nghìn đồng");
    expect(part.text).toContain("Còn phải nộp 15.000 ₫");
    expect(part.text).toContain("Đã nộp một phần");
    const over = await receipt("PHIA12211", vendorA1);
    expect(over.text).toContain("Nộp thừa 5.000 ₫");
  });

  it("is 409 for an open or a waived bill, and 403 for another stall's vendor or another market", async () => {
    expect((await receipt("PHIA30811", manager)).status).toBe(409);
    expect((await receipt("PHIA20111", manager)).status).toBe(409);
    expect((await receipt("PHIA10111", vendorA2)).status).toBe(403);
    const other = await h.token("manager", { marketId: "meo-vac" });
    expect((await receipt("PHIA10111", other)).status).toBe(403);
    expect((await receipt("PHIA10111", await h.token("liaison"))).status).toBe(403);
    expect((await receipt("PHIZZ", manager)).status).toBe(404);
  });
});
