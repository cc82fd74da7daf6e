import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput } from "./support/harness";

/**
 * A bank's own statement (issue 27, docs/contract.md §18): read through the column mapping an admin sets once per
 * bank and market40 remembers; compared with stored payments by the bank's reference; a missing mapping and a bad
 * cell are named in Vietnamese, with the row and the column as the file names it.
 */
let h: Harness;
const ACCOUNT = "0123456789012";
const BIN = "970405"; // Agribank
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const MAPPING = {
  id: "Số bút toán",
  paidAt: "Ngày giao dịch",
  dateFormat: "dd/MM/yyyy HH:mm",
  amount: "Ghi có",
  fixedAccountNumber: ACCOUNT,
  description: "Diễn giải",
};

beforeAll(async () => {
  h = await harness("2026-11-29T08:00:00Z");
  await h.call("POST", "/api/markets", { body: DONG_VAN });
  await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("X-1", ACCOUNT, BIN) });
  // Two payments delivered through SePay, each carrying the bank's reference: FT…A1 and FT…A2.
  const csv = [
    "id,bank_brand_name,transaction_date,account_number,amount_in,amount_out,transaction_content,reference_number",
    `SP-1,Agribank,2026-11-29 09:00:00,${ACCOUNT},50000,0,X1 rau,FT26333A1`,
    `SP-2,Agribank,2026-11-29 09:10:00,${ACCOUNT},20000,0,X1 thit,FT26333A2`,
  ].join("\n");
  const stored = await h.call("POST", "/api/reconciliation/sepay?ingest=true", {
    body: csv,
    headers: { "content-type": "text/csv" },
  });
  expect(stored.body).toMatchObject({ ingested: 2 });
});
afterAll(() => h.close());

const upload = (body: Uint8Array, ingest = false, lang?: string) =>
  h.call("POST", `/api/reconciliation/sepay?bank=${BIN}&ingest=${ingest}`, {
    body,
    headers: { "content-type": XLSX, ...(lang ? { "accept-language": lang } : {}) },
  });

async function workbook(rows: unknown[][]): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("Sao kê");
  for (const r of rows) sheet.addRow(r);
  return new Uint8Array(await book.xlsx.writeBuffer());
}

/** Agribank's statement as a clerk downloads it: debits and credits in their own columns. */
const statement = () =>
  workbook([
    ["STT", "Ngày giao dịch", "Số bút toán", "Diễn giải", "Ghi nợ", "Ghi có", "Số dư"],
    [1, "29/11/2026 09:00", "FT26333A1", "X1 rau", "", "50.000", "1.050.000"],
    [2, "29/11/2026 09:30", "FT26333A3", "X1 ca", "", "35.000", "1.085.000"],
    [3, "29/11/2026 09:40", "FT26333D1", "rut tien", "100.000", "", "985.000"],
    [4, "29/11/2026 25:00", "FT26333A4", "gio sai", "", "10.000", ""],
    [5, "29/11/2026 10:00", "FT26333A5", "le dong", "", "12.500,5", ""],
  ]);

describe("a bank's statement through its column mapping", () => {
  it("is refused in Vietnamese until an admin sets the bank's mapping", async () => {
    const res = await upload(await statement());
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      `Chưa đặt cột cho sao kê của ngân hàng Agribank: quản trị viên cần đặt trước một lần (cột mã giao dịch, ngày giờ, số tiền ghi có, số tài khoản) rồi tải lại (PUT /api/reconciliation/mappings/${BIN})`,
    );
    const got = await h.call("GET", `/api/reconciliation/mappings/${BIN}`);
    expect(got.status).toBe(404);
    expect(got.body.error.message).toBe("Chưa đặt cột cho sao kê của ngân hàng Agribank");
  });

  it("is set by an admin only, validated, and audited once per change", async () => {
    const manager = await h.token("manager", { marketId: "dong-van" });
    const denied = await h.call("PUT", `/api/reconciliation/mappings/${BIN}`, {
      body: MAPPING,
      token: manager,
    });
    expect(denied.status).toBe(403);
    expect((await h.call("GET", `/api/reconciliation/mappings/${BIN}`, { token: manager })).status).toBe(403);

    const both = await h.call("PUT", `/api/reconciliation/mappings/${BIN}`, {
      body: { ...MAPPING, accountNumber: "Số tài khoản" },
    });
    expect(both.status).toBe(400);
    const format = await h.call("PUT", `/api/reconciliation/mappings/${BIN}`, {
      body: { ...MAPPING, dateFormat: "hôm nay" },
    });
    expect(format.status).toBe(400);
    const unknown = await h.call("PUT", "/api/reconciliation/mappings/123456", { body: MAPPING });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe(
      "Mã BIN '123456' không phải ngân hàng nào trong danh sách VietQR",
    );

    const set = await h.call("PUT", `/api/reconciliation/mappings/${BIN}`, { body: MAPPING });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ ...MAPPING, bin: BIN, bankName: "Agribank" });
    const again = await h.call("PUT", `/api/reconciliation/mappings/${BIN}`, { body: MAPPING });
    expect(again.status).toBe(200);
    const entries = (await h.call("GET", "/api/audit")).body.items.filter(
      (e: { action: string }) => e.action === "statement.mappingChanged",
    );
    expect(entries).toEqual([
      expect.objectContaining({
        entity: { kind: "bank", id: BIN },
        actor: expect.objectContaining({ role: "admin" }),
        after: expect.objectContaining({ id: "Số bút toán", amount: "Ghi có" }),
      }),
    ]);
  });

  it("reconciles by the bank's reference: matched, missing, extra; names bad cells by row and column", async () => {
    const book = await statement();
    const dry = await upload(book);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      provider: "sepay",
      rows: 2,
      matched: 1,
      ingested: 0,
      from: "2026-11-29",
    });
    expect(dry.body.missing).toEqual([
      expect.objectContaining({
        line: 3,
        id: "FT26333A3",
        amount: 35000,
        paidAt: "2026-11-29T02:30:00.000Z",
      }),
    ]);
    // SP-2 (FT26333A2) was delivered but is not on the bank's statement.
    expect(dry.body.extra).toEqual([
      expect.objectContaining({ id: "SP-2", amount: 20000, stallCode: "X-1" }),
    ]);
    expect(dry.body.errors).toEqual([
      {
        line: 5,
        message:
          "Cột 'Ngày giao dịch': nhận được '29/11/2026 25:00', không phải ngày giờ — cần dạng dd/MM/yyyy HH:mm",
      },
      { line: 6, message: "Cột 'Ghi có': nhận được '12.500,5', không phải số tiền nguyên (đồng)" },
    ]);
    const en = await upload(book, false, "en");
    expect(en.body.errors[1].message).toBe("Column 'Ghi có': '12.500,5' is not a whole amount of VND");

    // Remembered across uploads: the next statement is read with no mapping sent.
    const wet = await upload(book, true);
    expect(wet.body).toMatchObject({ ingested: 1 });
    const after = await upload(book, true);
    expect(after.body).toMatchObject({ matched: 2, missing: [], ingested: 0 });
  });

  it("finds the header below the bank's title lines, and reads rows by their sheet line", async () => {
    const book = await workbook([
      ["NGÂN HÀNG NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN VIỆT NAM"],
      ["SAO KÊ TÀI KHOẢN", ACCOUNT],
      ["Từ ngày 29/11/2026 đến ngày 29/11/2026"],
      [],
      ["STT", "Ngày giao dịch", "Số bút toán", "Diễn giải", "Ghi nợ", "Ghi có", "Số dư"],
      [1, "29/11/2026 09:00", "FT26333A1", "X1 rau", "", "50.000", "1.050.000"],
      [2, "29/11/2026 25:00", "FT26333A4", "gio sai", "", "10.000", ""],
    ]);
    const res = await upload(book);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rows: 1, matched: 1 });
    expect(res.body.errors).toEqual([
      {
        line: 7,
        message:
          "Cột 'Ngày giao dịch': nhận được '29/11/2026 25:00', không phải ngày giờ — cần dạng dd/MM/yyyy HH:mm",
      },
    ]);
  });

  it("names the mapped column a statement lacks", async () => {
    const book = await workbook([
      ["Ngày giao dịch", "Số bút toán", "Có"],
      ["29/11/2026 09:00", "FT26333A1", "50.000"],
    ]);
    const res = await upload(book);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("Dòng tiêu đề thiếu cột: Ghi có");
  });
});
