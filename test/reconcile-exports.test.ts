import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput } from "./support/harness";

/**
 * Reconciliation reads real exports (issue 27, docs/contract.md §18): SePay's and Casso's transaction exports as
 * `.xlsx` or CSV, with their documented fields or the Vietnamese labels; a bad row is named by its row, its column
 * as the file names it and the value as received, in Vietnamese by default.
 */
let h: Harness;
const ACCOUNT = "0123456789012";
const BIN = "970405"; // Agribank

beforeAll(async () => {
  h = await harness("2026-11-29T08:00:00Z");
  await h.call("POST", "/api/markets", { body: DONG_VAN });
  await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("X-1", ACCOUNT, BIN) });
});
afterAll(() => h.close());

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const upload = (provider: string, body: string | Uint8Array, type: string, ingest = false, lang?: string) =>
  h.call("POST", `/api/reconciliation/${provider}?ingest=${ingest}`, {
    body,
    headers: { "content-type": type, ...(lang ? { "accept-language": lang } : {}) },
  });

async function workbook(rows: unknown[][]): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("Giao dịch");
  for (const r of rows) sheet.addRow(r);
  return new Uint8Array(await book.xlsx.writeBuffer());
}

describe("SePay's export", () => {
  it("reads an .xlsx with Vietnamese labels, Excel dates and amounts with dots; ingests once; names a bad row's column", async () => {
    const book = await workbook([
      [
        "ID",
        "Ngân hàng",
        "Ngày giao dịch",
        "Số tài khoản",
        "Tài khoản phụ",
        "Số tiền vào",
        "Số tiền ra",
        "Lũy kế",
        "Nội dung thanh toán",
        "Mã tham chiếu",
      ],
      // Excel keeps a date-time without a zone: ExcelJS writes this instant's UTC wall clock, read as Vietnam time.
      [
        "SP-1001",
        "Agribank",
        new Date(Date.UTC(2026, 10, 29, 9, 15, 0)),
        ACCOUNT,
        "",
        "50.000",
        0,
        "1.050.000",
        "X1 rau cai",
        "FT26333SP1",
      ],
      ["SP-1002", "Agribank", "29/11/2026 09:20:00", ACCOUNT, "", 0, "20,000", "", "rut tien", "FT26333SP2"],
      ["SP-1003", "Agribank", "29/11/2026 25:00", ACCOUNT, "", "12.000", 0, "", "gio sai", "FT26333SP3"],
      ["SP-1004", "Agribank", "29/11/2026 09:30:00", ACCOUNT, "", "12.500,5", 0, "", "le dong", "FT26333SP4"],
    ]);
    const dry = await upload("sepay", book, XLSX);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      provider: "sepay",
      rows: 1,
      from: "2026-11-29",
      matched: 0,
      ingested: 0,
    });
    expect(dry.body.missing).toEqual([
      expect.objectContaining({ line: 2, id: "SP-1001", amount: 50000, paidAt: "2026-11-29T02:15:00.000Z" }),
    ]);
    expect(dry.body.errors).toEqual([
      {
        line: 4,
        message:
          "Cột 'Ngày giao dịch': nhận được '29/11/2026 25:00', không phải ngày giờ — cần dạng dd/MM/yyyy HH:mm:ss",
      },
      { line: 5, message: "Cột 'Số tiền vào': nhận được '12.500,5', không phải số tiền nguyên (đồng)" },
    ]);

    const wet = await upload("sepay", book, XLSX, true);
    expect(wet.body).toMatchObject({ ingested: 1 });
    const again = await upload("sepay", book, XLSX, true);
    expect(again.body).toMatchObject({ matched: 1, ingested: 0, missing: [] });
    const listed = await h.call("GET", "/api/markets/dong-van/stalls");
    const stallId = listed.body.items[0].id;
    const txns = (await h.call("GET", `/api/stalls/${stallId}/transactions?from=2026-11-29&to=2026-11-29`))
      .body.items;
    expect(txns).toEqual([expect.objectContaining({ id: "SP-1001", amount: 50000, source: "statement" })]);
  });

  it("reads a CSV with the API's field names; a missing column is named in the reader's language", async () => {
    const csv = [
      "id,bank_brand_name,transaction_date,account_number,amount_in,amount_out,transaction_content,reference_number",
      `SP-2001,Agribank,2026-11-29 10:00:00,${ACCOUNT},30000,0,X1 trung,FT26333SP21`,
    ].join("\n");
    const res = await upload("sepay", csv, "text/csv");
    expect(res.body).toMatchObject({ rows: 1, errors: [] });
    expect(res.body.missing.map((m: { id: string }) => m.id)).toEqual(["SP-2001"]);

    const bad = await upload(
      "sepay",
      "ID;Ngày giao dịch;Số tài khoản\nSP-1;29/11/2026 10:00;1\n",
      "text/csv",
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe("Dòng tiêu đề thiếu cột: Số tiền vào");
    const en = await upload(
      "sepay",
      "ID;Ngày giao dịch;Số tài khoản\nSP-1;29/11/2026 10:00;1\n",
      "text/csv",
      false,
      "en",
    );
    expect(en.body.error.message).toBe("The header row lacks: Số tiền vào");
  });
});

describe("Casso's export", () => {
  it("reads a `;` CSV with a BOM and signed amounts; English errors with Accept-Language: en", async () => {
    const csv = `\uFEFF${[
      "Mã GD;Mô tả;Số tiền;Ngày giao dịch;Số tài khoản;Mã tham chiếu;Ngân hàng",
      `CS-1;X1 thit;+45,000;29/11/2026 11:00:00;${ACCOUNT};FT26333CS1;Agribank`,
      `CS-2;hoan tien;-10,000;29/11/2026 11:05:00;${ACCOUNT};FT26333CS2;Agribank`,
      `CS-3;so tk sai;5,000;29/11/2026 11:06:00;88-88 abc!;FT26333CS3;Agribank`,
    ].join("\r\n")}\r\n`;
    const res = await upload("casso", csv, "text/csv");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ provider: "casso", rows: 1 });
    expect(res.body.missing).toEqual([expect.objectContaining({ line: 2, id: "CS-1", amount: 45000 })]);
    expect(res.body.errors).toEqual([
      {
        line: 4,
        message:
          "Cột 'Số tài khoản': nhận được '88-88 abc!', không phải số tài khoản (1–19 chữ số hoặc chữ cái)",
      },
    ]);
    const en = await upload("casso", csv, "text/csv", false, "en");
    expect(en.body.errors[0].message).toBe(
      "Column 'Số tài khoản': '88-88 abc!' is not an account number — 1 to 19 letters or digits",
    );
  });

  it("still reads market40's own statement CSV for Casso", async () => {
    const csv = `id,paidAt,accountNumber,amount,description\nCS-9,2026-11-29 12:00:00,${ACCOUNT},7000,X1\n`;
    const res = await upload("casso", csv, "text/csv");
    expect(res.body).toMatchObject({ rows: 1, errors: [] });
  });
});
