import * as Reports from "@market40/core/report/reports";
import { pdfText } from "@market40/devkit/oracles";
import { signGeneric } from "@market40/devkit/signing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput, TEST_SECRETS } from "./support/harness";
import { readXlsx, type XlsxSheet } from "./support/xlsx";

/**
 * The province's reports (docs/contract.md §15), read back with readers that share nothing with the writers: the
 * workbook through a hand-read zip and fast-xml-parser, the PDF through pdf.js. Their figures must be the JSON's.
 *
 * Tuyên Quang has two markets (Sundays 05:00–11:00). Đồng Văn: in September one stall with a QR code and two
 * payments by one payer; in October two stalls with codes, three payments by two payers and a power cut on the
 * 18th. Mèo Vạc: evaluated in October only. Lào Cai's market must never show in Tuyên Quang's reports.
 */
let h: Harness;
let province: string;
const hours = { open: "05:00", close: "11:00" };

async function pay(id: string, account: string, amount: number, paidAt: string, payer: string) {
  const body = JSON.stringify({
    id,
    bin: "970405",
    accountNumber: account,
    amount,
    paidAt,
    description: "rau",
    payer,
  });
  h.clock.set(paidAt);
  const res = await h.call("POST", "/api/callbacks/generic", {
    token: null,
    body,
    headers: {
      "content-type": "application/json",
      "x-signature": signGeneric(TEST_SECRETS.generic, body, h.clock.now()),
    },
  });
  expect(res.body.status).toBe("stored");
}

/** The stall's QR code handed over to its vendor: what QR share counts (§5). */
async function issueQr(stallId: string) {
  expect((await h.call("POST", `/api/stalls/${stallId}/handover`)).status).toBe(200);
}

/** The raw answer: the harness's `call` reads bodies as text, which would mangle a zip or a PDF. */
async function download(format: string, token: string, period = "2026-10") {
  const res = await h.app.request(`/api/evaluations?period=${period}&format=${format}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

beforeAll(async () => {
  h = await harness("2026-09-01T00:00:00Z");
  for (const m of [
    { ...DONG_VAN, hours, closures: [] },
    { ...DONG_VAN, id: "meo-vac", name: "Chợ Mèo Vạc", commune: "Mèo Vạc", hours, closures: [] },
    {
      ...DONG_VAN,
      id: "bac-ha",
      name: "Chợ Bắc Hà",
      province: "Lào Cai",
      commune: "Bắc Hà",
      hours,
      closures: [],
    },
  ])
    expect((await h.call("POST", "/api/markets", { body: m })).status).toBe(201);
  const s1 = (await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("A-1", "1001") })).body
    .id;
  const s2 = (await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("A-2", "1002") })).body
    .id;
  await h.call("POST", "/api/markets/meo-vac/stalls", { body: stallInput("M-1", "2001") });
  await h.call("POST", "/api/markets/bac-ha/stalls", { body: stallInput("B-1", "3001") });
  await issueQr(s1);
  await pay("S1", "1001", 20000, "2026-09-06T06:30:00+07:00", "p1");
  await pay("S2", "1001", 70000, "2026-09-13T07:30:00+07:00", "p1");
  h.clock.set("2026-10-01T01:00:00Z");
  expect(
    (await h.call("POST", "/api/evaluations/run", { body: { period: "2026-09", marketId: "dong-van" } }))
      .status,
  ).toBe(200);

  await issueQr(s2);
  await pay("T1", "1001", 35000, "2026-10-04T06:30:00+07:00", "p1");
  await pay("T2", "1002", 1234567, "2026-10-11T07:30:00+07:00", "p2");
  await pay("T3", "1001", 35000, "2026-10-25T08:30:00+07:00", "p1");
  h.clock.set("2026-10-26T00:00:00Z");
  const cut = await h.call("POST", "/api/markets/dong-van/incidents", {
    body: {
      startedAt: "2026-10-18T04:30:00+07:00",
      endedAt: "2026-10-18T12:00:00+07:00",
      cause: "power",
      note: "mất điện cả phiên",
    },
  });
  expect(cut.status).toBe(201);
  h.clock.set("2026-11-01T01:00:00Z");
  expect((await h.call("POST", "/api/evaluations/run", { body: { period: "2026-10" } })).status).toBe(200);
  province = (await h.call("POST", "/api/keys", { body: { role: "liaison", province: "Tuyên Quang" } })).body
    .token;
}, 60_000);
afterAll(() => h.close());

// biome-ignore lint/suspicious/noExplicitAny: the JSON as the API answers it
type Json = any;
const json = async (token: string): Promise<Json[]> =>
  (await h.call("GET", "/api/evaluations?period=2026-10", { token })).body.items;

describe("month over month", () => {
  it("compares with the previous month's latest version, in points and in percent", async () => {
    const [dongVan, meoVac] = await json(province);
    expect(dongVan.marketId).toBe("dong-van");
    expect(dongVan.uptake).toMatchObject({
      qrSharePct: 100,
      activeSharePct: 100,
      value: 1304567,
      uniquePayers: 2,
    });
    expect(dongVan.monthOverMonth).toEqual({
      previous: { period: "2026-09", version: 1, provisional: false },
      partial: false,
      qrSharePct: { previous: 50, points: 50 },
      activeSharePct: { previous: 100, points: 0 },
      value: { previous: 90000, change: 1214567, changePct: 1349.52 },
      uniquePayers: { previous: 1, change: 1, changePct: 100 },
    });
    expect(meoVac.marketId).toBe("meo-vac");
    expect(meoVac.monthOverMonth).toBeNull();
  });

  it("is not stored: the evaluation's history is unchanged by it", async () => {
    const history = (await h.call("GET", "/api/markets/dong-van/evaluations")).body.items;
    for (const e of history) expect(e).not.toHaveProperty("monthOverMonth");
  });
});

describe("xlsx", () => {
  let sheets: XlsxSheet[];
  let items: Json[];
  beforeAll(async () => {
    const { res, bytes } = await download("xlsx", province);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    expect(res.headers.get("content-disposition")).toBe(
      'attachment; filename="market40-danh-gia-2026-10.xlsx"',
    );
    sheets = readXlsx(bytes);
    items = await json(province);
  });

  const column = (sheet: XlsxSheet, header: string) => {
    const i = sheet.rows[0]!.findIndex((c) => c.value === header);
    expect(i, header).toBeGreaterThanOrEqual(0);
    // The markets' rows: the totals row under them (issue 27) is read in reports-excel.test.ts.
    return sheet.rows
      .slice(1)
      .filter((r) => r[1]?.value !== "Tổng cộng / bình quân")
      .map((r) => r[i] ?? { value: null, format: "General", type: "n" });
  };

  it("has the three sheets, Vietnamese headers and a frozen header row", () => {
    expect(sheets.map((s) => s.name)).toEqual(["Đánh giá", "Định nghĩa", "So với tháng trước"]);
    const [main] = sheets;
    expect(main!.rows[0]!.slice(0, 4).map((c) => c.value)).toEqual([
      "Mã chợ",
      "Tên chợ",
      "Tỉnh/Thành phố",
      "Xã/Phường",
    ]);
    expect(main!.frozen).toMatchObject({ ySplit: 1 });
    expect(sheets[2]!.frozen).toMatchObject({ ySplit: 1 });
  });

  it("has one row per market of the province only, with the JSON's figures as numbers", () => {
    const main = sheets[0]!;
    expect(column(main, "Mã chợ").map((c) => c.value)).toEqual(items.map((e) => e.marketId));
    expect(column(main, "Tên chợ").map((c) => c.value)).toEqual(["Chợ phiên Đồng Văn", "Chợ Mèo Vạc"]);
    const value = column(main, "Giá trị (đồng)");
    expect(value.map((c) => c.value)).toEqual(items.map((e) => e.uptake.value));
    expect(value.every((c) => c.type === "n" && c.format === "#,##0")).toBe(true);
    expect(column(main, "Số giao dịch").map((c) => c.value)).toEqual(items.map((e) => e.uptake.transactions));
    expect(column(main, "Người trả tiền khác nhau").map((c) => c.value)).toEqual(
      items.map((e) => e.uptake.uniquePayers),
    );
    expect(column(main, "Tạm tính").map((c) => c.value)).toEqual(
      items.map((e) => (e.provisional ? "Có" : "Không")),
    );
    expect(column(main, "Xếp loại").map((c) => c.value)).toEqual(["Không đạt", "Không đạt"]);
  });

  it("writes shares as percentage-formatted fractions, empty where the JSON has null", () => {
    const main = sheets[0]!;
    for (const [header, get] of [
      ["Tỷ lệ hoạt động", (e: Json) => e.uptime.uptimePct],
      ["Tỷ lệ quầy có QR", (e: Json) => e.uptake.qrSharePct],
      ["Tỷ lệ quầy QR có giao dịch", (e: Json) => e.uptake.activeSharePct],
    ] as const) {
      const cells = column(main, header);
      items.forEach((e, i) => {
        const want = get(e);
        if (want === null) expect(cells[i]!.value, header).toBeNull();
        else {
          expect(cells[i]!.value as number).toBeCloseTo(want / 100, 10);
          expect(cells[i]!.format).toBe("0.00%");
        }
      });
    }
    // Mèo Vạc's stall has no code: no QR holders, so no active share.
    expect(items[1].uptake.activeSharePct).toBeNull();
  });

  it("lists the definitions and the thresholds the evaluations used", () => {
    const defs = sheets[1]!;
    expect(defs.rows[0]!.map((c) => c.value)).toEqual(["Chỉ tiêu", "Định nghĩa", "Ngưỡng"]);
    const byTerm = new Map(defs.rows.slice(1).map((r) => [r[0]!.value, r]));
    expect(byTerm.get("Bộ định nghĩa")![1]!.value).toBe(items[0].method.definitions);
    const t = items[0].method.thresholds;
    for (const [term, pct] of [
      ["Ngưỡng tỷ lệ hoạt động", t.uptimePct],
      ["Ngưỡng tỷ lệ quầy có QR", t.qrSharePct],
      ["Ngưỡng tỷ lệ quầy QR có giao dịch", t.activeSharePct],
    ] as const) {
      const threshold = byTerm.get(term)![2]!;
      expect(threshold.value as number).toBeCloseTo(pct / 100, 10);
      expect(threshold.format).toBe("0.00%");
    }
  });

  it("has the month-over-month change, in points and percent", () => {
    const change = sheets[2]!;
    const [dongVan, meoVac] = items;
    expect(column(change, "Tháng so sánh").map((c) => c.value)).toEqual(["09/2026", "Chưa có"]);
    const points = column(change, "Tỷ lệ quầy có QR: thay đổi (điểm %)");
    expect(points[0]!.value as number).toBeCloseTo(dongVan.monthOverMonth.qrSharePct.points / 100, 10);
    expect(points[0]!.format).toContain("%");
    expect(points[1]!.value).toBeNull();
    expect(column(change, "Giá trị: thay đổi (đồng)")[0]!.value).toBe(dongVan.monthOverMonth.value.change);
    expect(column(change, "Giá trị: thay đổi (%)")[0]!.value as number).toBeCloseTo(
      dongVan.monthOverMonth.value.changePct / 100,
      10,
    );
    expect(column(change, "Người trả tiền: thay đổi")[0]!.value).toBe(
      dongVan.monthOverMonth.uniquePayers.change,
    );
    expect(meoVac.monthOverMonth).toBeNull();
  });

  it("covers every province for an unscoped liaison", async () => {
    const { bytes } = await download("xlsx", await h.token("liaison"));
    const ids = readXlsx(bytes)[0]!
      .rows.slice(1, -1)
      .map((r) => r[0]!.value);
    expect(ids).toEqual(["bac-ha", "dong-van", "meo-vac"]);
  });
});

describe("pdf", () => {
  let pages: string[];
  let items: Json[];
  beforeAll(async () => {
    const { res, bytes } = await download("pdf", province);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toBe(
      'attachment; filename="market40-bao-cao-2026-10.pdf"',
    );
    pages = await pdfText(bytes);
    items = await json(province);
  });

  it("opens with a summary of the province's markets", () => {
    expect(pages).toHaveLength(1 + items.length);
    const summary = pages[0]!;
    // The administrative header of Decree 30/2020/NĐ-CP (issue 27), then the province's totals.
    expect(summary).toContain("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    expect(summary).toContain("Độc lập - Tự do - Hạnh phúc");
    expect(summary).toContain("SỞ CÔNG THƯƠNG");
    expect(summary).toContain("Số: ……/BC-SCT");
    expect(summary).toContain("Tuyên Quang, ngày 01 tháng 11 năm 2026");
    expect(summary).toContain("Kết quả đánh giá mô hình chợ 4.0 tỉnh Tuyên Quang tháng 10/2026");
    expect(summary).toContain("Số chợ được đánh giá: 2 (Đạt: 0; Không đạt: 2; Chưa đủ dữ liệu: 0)");
    expect(summary).toContain("tổng giá trị: 1.304.567 đồng");
    expect(summary).toContain("Tổng cộng / bình quân");
    expect(summary).toContain("Nơi nhận:");
    expect(summary).toContain("(Ký, ghi rõ họ tên và đóng dấu)");
    expect(summary).toContain("Chợ phiên Đồng Văn");
    expect(summary).toContain("Chợ Mèo Vạc");
    expect(summary).not.toContain("Bắc Hà");
    expect(summary).toContain("1.304.567");
    expect(summary).toContain("+1.349,52%");
  });

  it("gives each market a page with the JSON's figures, its charts' dd/MM axis and the incident", () => {
    const dongVan = items[0];
    const page = pages[1]!;
    expect(page).toContain("Chợ phiên Đồng Văn");
    const vi = (n: number) => new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 2 }).format(n);
    expect(page).toContain(`${vi(dongVan.uptime.uptimePct)}%`);
    expect(page).toContain(vi(dongVan.uptake.value));
    expect(page).toContain(vi(dongVan.uptake.transactions));
    expect(page).toContain("Số giao dịch theo ngày");
    expect(page).toContain("Giá trị theo ngày (đồng)");
    for (const label of ["01/10", "06/10", "31/10"]) expect(page).toContain(label);
    // The value axis tops out at the next round number above the busiest day (1.234.567 đồng).
    expect(page).toMatch(/Giá trị theo ngày \(đồng\)\s+1\.000\.000\s+2\.000\.000\s+0/);
    expect(page).toContain("Mất điện");
    expect(page).toContain("mất điện cả phiên");
    // The cut covered the whole session of the 18th: 05:00–11:00, 360 minutes.
    expect(page).toMatch(/18\/10 04:30\s+18\/10 12:00\s+Mất điện\s+360/);
    expect(pages[2]).toContain("Không có sự cố nào được báo cáo trong giờ phiên chợ.");
  });
});

describe("pdf in parts", () => {
  it("cuts a report over more markets than a part holds into parts, each with its own summary", async () => {
    const first = await Reports.monthlyReport(h.deps, "2026-10", "Tuyên Quang", 1, { partSize: 1 });
    expect(first).toMatchObject({ part: 1, parts: 2, filename: "market40-bao-cao-2026-10-phan-1.pdf" });
    const second = await pdfText(
      (await Reports.monthlyReport(h.deps, "2026-10", "Tuyên Quang", 2, { partSize: 1 })).body,
    );
    expect(second).toHaveLength(2);
    expect(second[0]).toContain("(Phần 2/2)");
    expect(second[0]).toContain("Chợ Mèo Vạc");
    expect(second[0]).not.toContain("Chợ phiên Đồng Văn");
    await expect(
      Reports.monthlyReport(h.deps, "2026-10", "Tuyên Quang", 3, { partSize: 1 }),
    ).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("answers 404 for a part past the last, and no part headers for a report in one file", async () => {
    const { res } = await download("pdf", province);
    expect(res.headers.get("x-report-part")).toBeNull();
    expect(res.headers.get("link")).toBeNull();
    const past = await h.app.request("/api/evaluations?period=2026-10&format=pdf&part=2", {
      headers: { authorization: `Bearer ${province}` },
    });
    expect(past.status).toBe(404);
  });
});

describe("a month with no evaluations", () => {
  it("gives a workbook of headers and a report that says so, not an error", async () => {
    const xlsx = await download("xlsx", province, "2026-08");
    expect(xlsx.res.status).toBe(200);
    const [main, defs] = readXlsx(xlsx.bytes);
    expect(main!.rows).toHaveLength(1);
    expect(main!.rows[0]![0]!.value).toBe("Mã chợ");
    // The thresholds come from the engine when no evaluation carries them.
    expect(defs!.rows.some((r) => r[0]!.value === "Ngưỡng tỷ lệ hoạt động")).toBe(true);
    const pdf = await download("pdf", province, "2026-08");
    expect(pdf.res.status).toBe(200);
    const pages = await pdfText(pdf.bytes);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContain("Số chợ được đánh giá: 0");
  });
});

describe("access", () => {
  it("is the JSON's: a manager or a vendor gets 403", async () => {
    for (const format of ["xlsx", "pdf"]) {
      const manager = await h.token("manager", { marketId: "dong-van" });
      const { res } = await download(format, manager);
      expect(res.status).toBe(403);
    }
  });

  it("is described in the OpenAPI document with its formats and content types", async () => {
    const doc = (await h.call("GET", "/api/openapi.json", { token: null })).body;
    const get = doc.paths["/api/evaluations"].get;
    const format = get.parameters.find((p: { name: string }) => p.name === "format");
    expect(format.schema.enum).toEqual(["json", "csv", "excel-csv", "xlsx", "pdf"]);
    expect(Object.keys(get.responses["200"].content)).toEqual([
      "application/json",
      "text/csv",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "application/pdf",
    ]);
    expect(JSON.stringify(get.responses["200"].content["application/json"])).toContain("PeriodEvaluation");
  });

  it("rejects an unknown format", async () => {
    expect(
      (await h.call("GET", "/api/evaluations?period=2026-10&format=docx", { token: province })).status,
    ).toBe(400);
  });
});
