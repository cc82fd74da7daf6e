import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { localDateOf } from "@market40/core/calendar/localDate";
import { pdfText } from "@market40/devkit/oracles";
import { genericBody, signGeneric } from "@market40/devkit/signing";
import { DAILY_STEPS } from "@market40/functions/jobs/daily";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOTS } from "./support/browser";
import { DONG_VAN, type Harness, harness, stallInput, TEST_SECRETS } from "./support/harness";
import { readXlsx } from "./support/xlsx";

/**
 * A month of fees, end to end (docs/contract.md §20, docs/evaluations.md "Fees"): the daily job issues the bills, the
 * vendors pay by QR (signed callbacks to the board's account, the bill's reference in the description), the managers
 * record cash, waive and assign a waiting transfer through the API, and November's evaluation is checked against a
 * hand-worked table. Nothing is written to the store directly.
 *
 * Đồng Văn (phiên, Sundays) charges 20,000 ₫ a session; three stalls, November's five Sundays: 15 bills due in it.
 *
 * | stall | 1/11                    | 8/11                  | 15/11                    | 22/11            | 29/11            |
 * |-------|-------------------------|-----------------------|--------------------------|------------------|------------------|
 * | A-1   | QR 20,000               | cash                  | QR 5,000 (short)         | QR 25,000 (over) | open             |
 * | A-2   | waived                  | QR, no reference,     | QR 8,000, then 12,000    | open             | QR 20,000 on 1/12|
 * |       |                         | assigned by manager   | cash (paid-cash)         |                  | (late)           |
 * | A-3   | QR 5,000, then waived   | open                  | open                     | open             | open             |
 *
 * | figure            | A-1                      | A-2                       | A-3    | Đồng Văn                    |
 * |-------------------|--------------------------|---------------------------|--------|-----------------------------|
 * | billed            | 100,000                  | 100,000                   | 100,000| 300,000                     |
 * | waived            | 0                        | 20,000                    | 15,000 | 35,000                      |
 * | collected         | 20+20+5+20 = 65,000      | 20+20+20 = 60,000         | 5,000  | 130,000                     |
 * | collectedCashless | 20+5+20 = 45,000         | 20+8+20 = 48,000          | 5,000  | 98,000                      |
 * | excess            | 5,000                    | 0                         | 0      | 5,000                       |
 * | outstanding       | 15+20 = 35,000           | 20,000                    | 80,000 | 135,000                     |
 * feesCashlessPct 98,000 / 130,000 = 75.38 %; feesCollectedPct 130,000 / (300,000 − 35,000) = 49.06 %.
 * A transfer of 50,000 ₫ naming no bill ("Ung ho quy cho") waits for the manager and counts nowhere.
 *
 * Chợ Lớn (daily) charges 300,000 ₫ a month; October's bills are issued on 1 November and due on 10 November, so they
 * count in November. L-6 was registered on 17 October: 15 of October's 31 days, 300,000 × 15 / 31 = 145,161 ₫.
 *
 * | stall | October's bill | how paid                                   | collected | by QR   | outstanding |
 * |-------|----------------|--------------------------------------------|-----------|---------|-------------|
 * | L-1   | 300,000        | QR on 3/11                                 | 300,000   | 300,000 | 0           |
 * | L-2   | 300,000        | cash on 10/11                              | 300,000   | 0       | 0           |
 * | L-3   | 300,000        | QR 100,000 on 5/11 (partly)                | 100,000   | 100,000 | 200,000     |
 * | L-4   | 300,000        | QR on 25/11 (late)                         | 300,000   | 300,000 | 0           |
 * | L-5   | 300,000        | not at all                                 | 0         | 0       | 300,000     |
 * | L-6   | 145,161        | QR from its bill's VietQR on 5/11          | 145,161   | 145,161 | 0           |
 * | total | 1,645,161      |                                            | 1,145,161 | 845,161 | 500,000     |
 * feesCashlessPct 845,161 / 1,145,161 = 73.8 %; feesCollectedPct 1,145,161 / 1,645,161 = 69.61 %.
 *
 * Mèo Vạc has no fee schedule: its evaluation has no `fees`.
 */
let h: Harness;
const ids: Record<string, string> = {};
const SUNDAYS = ["2026-11-01", "2026-11-08", "2026-11-15", "2026-11-22", "2026-11-29"];
const DAILY = { ...DONG_VAN, id: "cho-lon", name: "Chợ Lớn", schedule: { kind: "daily" as const } };
const BOARD = { bin: "970436", accountNumber: "0451000111222", accountName: "BQL CHO DONG VAN" };
const BOARD_CHO_LON = { bin: "970436", accountNumber: "0451000333444", accountName: "BQL CHO LON" };
const ISSUE_BILLS = DAILY_STEPS.find((s) => s.name === "issue fee bills")!;
/** What the daily job's runs said they issued, summed. */
let issuedByJob = 0;

/** A provider's signed callback of a transfer into a board's account, sent at the transfer's time. */
async function transfer(
  txnId: string,
  amount: number,
  description: string,
  paidAt: string,
  board: typeof BOARD = BOARD,
) {
  h.clock.set(paidAt);
  const body = genericBody({ id: txnId, ...board, amount, paidAt, description });
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

/** A bill's id in the API: its period and stall. */
const billOf = (periodKey: string, code: string) => `${periodKey}_${ids[code]}`;

/** The manager records a bill paid in cash, or waives it, through the API at `at`. */
async function manage(
  market: string,
  billId: string,
  action: "cash" | "waive",
  body: Record<string, string>,
  at: string,
) {
  h.clock.set(at);
  const token = await h.token("manager", { marketId: market });
  const res = await h.call("POST", `/api/markets/${market}/fees/bills/${billId}/${action}`, { token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function runNovember() {
  const res = await h.call("POST", "/api/evaluations/run", { body: { period: "2026-11" } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return Object.fromEntries(res.body.items.map((e: { marketId: string }) => [e.marketId, e]));
}

/** The daily job's bill issuing, run at 00:30 local each day from `from` to `to` (inclusive). */
async function dailyJob(from: string, to: string) {
  for (let d = new Date(`${from}T00:00:00Z`); localDateOf(d) <= to; d = new Date(d.getTime() + 86_400_000)) {
    h.clock.set(`${d.toISOString().slice(0, 10)}T00:30:00+07:00`);
    const report = (await ISSUE_BILLS.run(h.deps)) as { issued: number; failed: unknown[] };
    expect(report.failed).toEqual([]);
    issuedByJob += report.issued;
  }
}

beforeAll(async () => {
  h = await harness("2026-10-01T01:00:00Z");
  for (const m of [DONG_VAN, DAILY, { ...DONG_VAN, id: "meo-vac", name: "Chợ Mèo Vạc" }])
    expect((await h.call("POST", "/api/markets", { body: m })).status).toBe(201);
  const register = async (market: string, code: string, account: string) => {
    const res = await h.call("POST", `/api/markets/${market}/stalls`, { body: stallInput(code, account) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ids[code] = res.body.id;
  };
  for (const [market, code, account] of [
    ["dong-van", "A-1", "5001"],
    ["dong-van", "A-2", "5002"],
    ["dong-van", "A-3", "5003"],
    ["cho-lon", "L-1", "5011"],
    ["cho-lon", "L-2", "5012"],
    ["cho-lon", "L-3", "5013"],
    ["cho-lon", "L-4", "5014"],
    ["cho-lon", "L-5", "5015"],
    ["meo-vac", "M-1", "5005"],
  ] as const)
    await register(market, code, account);
  const session = { appliesTo: { kind: "all" }, period: "session", amount: 20_000, from: "2026-10-01" };
  const month = { appliesTo: { kind: "all" }, period: "month", amount: 300_000, from: "2026-10-01" };
  expect(
    (await h.call("PUT", "/api/markets/dong-van/fees/schedule", { body: { rates: [session] } })).status,
  ).toBe(200);
  expect(
    (await h.call("PUT", "/api/markets/cho-lon/fees/schedule", { body: { rates: [month] } })).status,
  ).toBe(200);
  expect((await h.call("PUT", "/api/markets/dong-van/fees/account", { body: BOARD })).status).toBe(200);
  expect((await h.call("PUT", "/api/markets/cho-lon/fees/account", { body: BOARD_CHO_LON })).status).toBe(
    200,
  );
  // L-6 opens on 17 October, mid-month.
  h.clock.set("2026-10-17T08:00:00+07:00");
  await register("cho-lon", "L-6", "5016");

  // 1 November, Sunday. The job's first run also reaches October's last Sunday (the look-back) and bills October.
  await dailyJob("2026-11-01", "2026-11-01");
  expect(await transfer("FEE-A1-0111", 20_000, "PHI A1 0111", "2026-11-01T07:15:00+07:00")).toBe("stored");
  await manage(
    "dong-van",
    billOf("2026-11-01", "A-2"),
    "waive",
    { waivedReason: "Ốm, nghỉ phiên" },
    "2026-11-01T08:00:00+07:00",
  );
  expect(
    await transfer("FEE-A3-0111", 5_000, "GIANG VAN C nop PHI A3 0111", "2026-11-01T09:00:00+07:00"),
  ).toBe("stored");
  await manage(
    "dong-van",
    billOf("2026-11-01", "A-3"),
    "waive",
    { waivedReason: "Ốm giữa phiên, đã nộp 5.000 ₫" },
    "2026-11-01T10:00:00+07:00",
  );
  await dailyJob("2026-11-02", "2026-11-03");
  expect(
    await transfer(
      "FEE-L1",
      300_000,
      "MBVCB.1234.PHI L1 T1026.CT tu 0909",
      "2026-11-03T10:00:00+07:00",
      BOARD_CHO_LON,
    ),
  ).toBe("stored");
  await dailyJob("2026-11-04", "2026-11-05");
  expect(
    await transfer("FEE-L3", 100_000, "phi l3 t1026 tra truoc", "2026-11-05T09:00:00+07:00", BOARD_CHO_LON),
  ).toBe("stored");
  // L-6's vendor pays from the bill's own VietQR: its amount and purpose, as the banking app pre-fills them.
  const vendorL6 = await h.token("vendor", { marketId: "cho-lon", stallId: ids["L-6"]! });
  const qr = await h.call("GET", `/api/markets/cho-lon/fees/bills/${billOf("2026-10", "L-6")}/qr`, {
    token: vendorL6,
  });
  expect(qr.status, JSON.stringify(qr.body)).toBe(200);
  expect(qr.body).toMatchObject({ amount: 145_161, purpose: "PHI L6 T1026" });
  expect(
    await transfer("FEE-L6", qr.body.amount, qr.body.purpose, "2026-11-05T10:00:00+07:00", BOARD_CHO_LON),
  ).toBe("stored");

  // 8 November, Sunday.
  await dailyJob("2026-11-06", "2026-11-08");
  await manage(
    "dong-van",
    billOf("2026-11-08", "A-1"),
    "cash",
    { cashNote: "Thu tại quầy" },
    "2026-11-08T07:30:00+07:00",
  );
  // A-2 forgets the reference: the transfer waits, and the manager gives it to the bill.
  expect(await transfer("FEE-A2-NOREF", 20_000, "nop phi cho", "2026-11-08T08:00:00+07:00")).toBe(
    "unmatched",
  );
  h.clock.set("2026-11-08T09:00:00+07:00");
  const assigned = await h.call("POST", "/api/markets/dong-van/fees/payments/generic:FEE-A2-NOREF/assign", {
    token: await h.token("manager", { marketId: "dong-van" }),
    body: { billId: billOf("2026-11-08", "A-2") },
  });
  expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
  expect(assigned.body).toMatchObject({ status: "paid", paidQr: 20_000 });

  await dailyJob("2026-11-09", "2026-11-10");
  await manage("cho-lon", billOf("2026-10", "L-2"), "cash", {}, "2026-11-10T15:00:00+07:00");

  // 15 November, Sunday.
  await dailyJob("2026-11-11", "2026-11-15");
  expect(await transfer("FEE-A1-1511", 5_000, "PHI A1 1511", "2026-11-15T07:00:00+07:00")).toBe("stored");
  expect(await transfer("FEE-A2-1511", 8_000, "PHI A2 1511", "2026-11-15T07:05:00+07:00")).toBe("stored");
  const rest = await manage(
    "dong-van",
    billOf("2026-11-15", "A-2"),
    "cash",
    { cashNote: "Nộp nốt bằng tiền mặt" },
    "2026-11-15T08:00:00+07:00",
  );
  expect(rest).toMatchObject({ status: "paid-cash", paidQr: 8_000, paidCash: 12_000, outstanding: 0 });

  // 22 November, Sunday.
  await dailyJob("2026-11-16", "2026-11-22");
  expect(await transfer("FEE-A1-2211", 25_000, "PHI A1 2211", "2026-11-22T07:00:00+07:00")).toBe("stored");

  // L-4 pays October's fee on the 25th, after its due date.
  await dailyJob("2026-11-23", "2026-11-25");
  expect(await transfer("FEE-L4", 300_000, "PHI L4 T1026", "2026-11-25T11:00:00+07:00", BOARD_CHO_LON)).toBe(
    "stored",
  );

  // 29 November, Sunday: a gift with no reference waits and counts nowhere.
  await dailyJob("2026-11-26", "2026-11-29");
  expect(await transfer("FEE-GIFT", 50_000, "Ung ho quy cho", "2026-11-29T09:00:00+07:00")).toBe("unmatched");

  // A-2 pays the 29th's fee late, on 1 December; November's month bills of Chợ Lớn are due in December.
  await dailyJob("2026-11-30", "2026-12-01");
  expect(await transfer("FEE-A2-2911", 20_000, "PHI A2 2911", "2026-12-01T18:00:00+07:00")).toBe("stored");
  await dailyJob("2026-12-02", "2026-12-02");
  h.clock.set("2026-12-02T01:00:00Z");
});
afterAll(() => h.close());

describe("fees in evaluations", () => {
  it("counts November's bills as the hand-worked tables do", async () => {
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
    // October's month, due on 10 November.
    expect(items["cho-lon"].fees).toEqual({
      billed: 1_645_161,
      waived: 0,
      collected: 1_145_161,
      collectedCashless: 845_161,
      excess: 0,
      outstanding: 500_000,
      feesCashlessPct: 73.8,
      feesCollectedPct: 69.61,
      bills: 6,
    });
    expect(items["meo-vac"]).not.toHaveProperty("fees");
    // Fees are reported, not rated, unless the criterion is set.
    expect(items["dong-van"].method.thresholds).not.toHaveProperty("feesCashlessPct");
  });

  it("the daily job issued each bill once and counted every one it issued", async () => {
    // Đồng Văn: 25 October (the first run's look-back) and November's five Sundays for three stalls; Chợ Lớn:
    // October's and November's months (the latter on 1 December) for six stalls.
    expect(issuedByJob).toBe(3 + 15 + 6 + 6);
    const manager = await h.token("manager", { marketId: "cho-lon" });
    const nov = await h.call("GET", "/api/markets/cho-lon/fees/bills?month=2026-11", { token: manager });
    expect(nov.body.items.map((b: { dueOn: string }) => b.dueOn)).toEqual(Array(6).fill("2026-12-10"));
  });

  it("each bill's state is what the month did to it", async () => {
    const manager = await h.token("manager", { marketId: "dong-van" });
    const res = await h.call("GET", "/api/markets/dong-van/fees/bills?month=2026-11", { token: manager });
    expect(res.status).toBe(200);
    const table = Object.fromEntries(
      res.body.items.map(
        (b: {
          stallCode: string;
          periodKey: string;
          status: string;
          paidQr: number;
          paidCash: number;
          excess: number;
        }) => [`${b.stallCode} ${b.periodKey.slice(8)}`, [b.status, b.paidQr, b.paidCash, b.excess]],
      ),
    );
    expect(table).toEqual({
      "A-1 01": ["paid", 20_000, 0, 0],
      "A-1 08": ["paid-cash", 0, 20_000, 0],
      "A-1 15": ["partly-paid", 5_000, 0, 0],
      "A-1 22": ["paid", 25_000, 0, 5_000],
      "A-1 29": ["open", 0, 0, 0],
      "A-2 01": ["waived", 0, 0, 0],
      "A-2 08": ["paid", 20_000, 0, 0],
      "A-2 15": ["paid-cash", 8_000, 12_000, 0],
      "A-2 22": ["open", 0, 0, 0],
      "A-2 29": ["paid", 20_000, 0, 0],
      "A-3 01": ["waived", 5_000, 0, 0],
      "A-3 08": ["open", 0, 0, 0],
      "A-3 15": ["open", 0, 0, 0],
      "A-3 22": ["open", 0, 0, 0],
      "A-3 29": ["open", 0, 0, 0],
    });
    // The late payment settled the 29th's bill at its bank time.
    expect(res.body.items.find((b: { reference: string }) => b.reference === "PHI A2 2911").settledAt).toBe(
      "2026-12-01T11:00:00.000Z",
    );
    // The gift waits for the manager, given to no bill; the assigned transfer waits no more.
    const waiting = await h.call("GET", "/api/markets/dong-van/fees/payments/waiting", { token: manager });
    expect(waiting.body.items.map((p: { id: string; amount: number }) => [p.id, p.amount])).toEqual([
      ["generic:FEE-GIFT", 50_000],
    ]);
    // Board payments are no stall's takings: Đồng Văn's stalls took nothing in November.
    const items = await runNovember();
    expect(items["dong-van"].inputs.transactions).toBe(0);
  });

  it("files a new version when a bill is paid, and the same one when nothing changed", async () => {
    const before = await runNovember();
    expect((await runNovember())["dong-van"].version).toBe(before["dong-van"].version);
    expect((await runNovember())["meo-vac"].version).toBe(before["meo-vac"].version);
    await manage("dong-van", billOf("2026-11-29", "A-1"), "cash", {}, "2026-12-02T08:00:00+07:00");
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
    // 115,000 owed, 35,000 waived; with Chợ Lớn (1,645,161 billed, 1,145,161 collected, 845,161 by QR, 500,000 owed):
    // 1,945,161 billed, 1,295,161 collected of which 943,161 by QR (72.82 %), 615,000 owed, 35,000 waived;
    // collected 1,295,161 / (1,945,161 − 35,000) = 67.8 %.
    expect(flat).toContain(
      "Phíchợ:đãlập1.945.161₫,đãthu1.295.161₫(72,82%khôngdùngtiềnmặt),cònnợ615.000₫,đượcmiễn35.000₫(2chợcóbiểuphí;tỷlệphíđãthu67,8%).",
    );
    expect(flat).toContain(
      "Phíchợ:đãlập300.000₫,đãthu150.000₫(65,33%khôngdùngtiềnmặt),cònnợ115.000₫,đượcmiễn35.000₫;tỷlệphíđãthu56,6%.",
    );
    expect(flat).toContain(
      "Phíchợ:đãlập1.645.161₫,đãthu1.145.161₫(73,8%khôngdùngtiềnmặt),cònnợ500.000₫;tỷlệphíđãthu69,61%.",
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
      ["A-2", "paid-cash", 20_000, true],
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
