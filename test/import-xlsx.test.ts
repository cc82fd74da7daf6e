import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as Banks from "@market40/core/bank/directory";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness } from "./support/harness";

/** Excel both ways (issue 27): Vietnamese headers, `.xlsx` in and out, Excel's damage to numbers named. */
let h: Harness;
beforeAll(async () => {
  h = await harness();
  await h.call("POST", "/api/markets", { body: DONG_VAN });
});
afterAll(() => h.close());

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
type ImportError = { line: number; code?: string; message: string };

const upload = (body: string | Uint8Array, type = "text/csv") =>
  h.call("POST", "/api/markets/dong-van/stalls/import", { body, headers: { "content-type": type } });

async function workbook(rows: unknown[][]): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("Trang tính1");
  for (const r of rows) sheet.addRow(r);
  book.addWorksheet("Ghi chú").addRow(["Không đọc sheet này"]);
  return new Uint8Array(await book.xlsx.writeBuffer());
}

const stalls = async () =>
  (await h.call("GET", "/api/markets/dong-van/stalls?reveal=1")).body.items as {
    code: string;
    phone?: string;
    bank: { bin: string; accountNumber: string };
  }[];

describe("import with Vietnamese headers", () => {
  it("reads a CSV with Vietnamese headers in another order, `;`, no BOM; strips spaces, dots and dashes", async () => {
    const csv = [
      "STT;Số tài khoản;Chủ tài khoản;Ngân hàng;Tên người bán;Mã quầy;SĐT;Mặt hàng",
      "1;8888 3000 01;LO VAN A;Agribank;Lò Văn A;V-01;0912.345.678;Rau",
      "2;8888-3000-02;LO VAN B;BIDV;Lò Văn B;V-02;0912 345 679;",
    ].join("\r\n");
    const res = await upload(csv);
    expect(res.body).toEqual({ created: 2, skipped: 0, errors: [] });
    const byCode = Object.fromEntries((await stalls()).map((s) => [s.code, s]));
    expect(byCode["V-01"]).toMatchObject({ phone: "0912345678", bank: { accountNumber: "8888300001" } });
    expect(byCode["V-02"]).toMatchObject({ phone: "0912345679", bank: { accountNumber: "8888300002" } });
  });

  it("refuses Excel's scientific notation and a phone without its leading 0, naming row, column and value", async () => {
    const csv = [
      "Mã quầy,Tên người bán,Số điện thoại,Ngành hàng,Ngân hàng,Số tài khoản,Chủ tài khoản",
      'W-01,Lò Văn C,,,Agribank,"8,88801E+12",LO VAN C',
      "W-02,Lò Văn D,912345678,,Agribank,8888300003,LO VAN D",
    ].join("\r\n");
    const { errors } = (await upload(csv)).body as { errors: ImportError[] };
    expect(errors.map((e) => [e.line, e.code])).toEqual([
      [2, "W-01"],
      [3, "W-02"],
    ]);
    expect(errors[0]!.message).toBe(
      "Số tài khoản: nhận được '8,88801E+12': Excel đã đổi số sang dạng số mũ nên mất chữ số — hãy định dạng cột là Văn bản (Text) rồi gõ lại đủ số",
    );
    expect(errors[1]!.message).toBe(
      "Số điện thoại: nhận được '912345678': đã mất số 0 ở đầu — hãy định dạng cột là Văn bản (Text) rồi gõ 0912345678",
    );
  });

  it("says which header is missing in the clerk's words", async () => {
    const res = await upload("Mã quầy;Tên người bán;Ngân hàng\r\nX;Y;Agribank\r\n");
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("Dòng tiêu đề thiếu cột: Số tài khoản, Tên chủ tài khoản");
  });
});

describe("import from .xlsx", () => {
  it("reads the first sheet, row numbers as the sheet's, and refuses numbers Excel stored as numbers", async () => {
    const body = await workbook([
      ["Mã quầy", "Tên người bán", "Số điện thoại", "Ngân hàng", "Số tài khoản", "Chủ tài khoản"],
      ["X-01", "Giàng Thị E", "0987 654 321", "Vietcombank", "0071 0001 2345", "GIANG THI E"],
      [],
      ["X-02", "Giàng Thị F", 987654322, "VCB", "0071000123456", "GIANG THI F"],
      ["X-03", "Giàng Thị G", "", "VCB", 71000123457, "GIANG THI G"],
      ["X-04", "Giàng Thị H", "", "VCB", 8.888012345678901e18, "GIANG THI H"],
    ]);
    const res = await upload(body, XLSX);
    expect(res.body.error).toBeUndefined();
    expect(res.body.created).toBe(1);
    const errors = res.body.errors as ImportError[];
    expect(errors.map((e) => [e.line, e.code])).toEqual([
      [4, "X-02"],
      [5, "X-03"],
      [6, "X-04"],
    ]);
    expect(errors[0]!.message).toContain("'987654322'");
    expect(errors[1]!.message).toBe(
      "Số tài khoản: nhận được '71000123457': Excel lưu ô này dạng số nên có thể đã mất số 0 ở đầu — hãy định dạng cột là Văn bản (Text) rồi gõ lại số",
    );
    expect(errors[2]!.message).toContain("dạng số mũ");
    const x1 = (await stalls()).find((s) => s.code === "X-01")!;
    expect(x1).toMatchObject({ phone: "0987654321", bank: { bin: "970436", accountNumber: "007100012345" } });
  });

  it("refuses a file that is neither CSV nor a workbook, in Vietnamese", async () => {
    const res = await upload(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), XLSX);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      "Không đọc được tệp Excel này; hãy lưu lại dạng .xlsx hoặc CSV UTF-8",
    );
    const pdf = await upload("%PDF", "application/pdf");
    expect(pdf.status).toBe(415);
  });
});

describe("the .xlsx template", () => {
  let bytes: Uint8Array;
  beforeAll(async () => {
    const res = await h.app.request("/api/markets/dong-van/stalls/import/template.xlsx", {
      headers: { authorization: `Bearer ${h.adminToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(XLSX);
    bytes = new Uint8Array(await res.arrayBuffer());
  });

  it("has Vietnamese headers, a bank drop-down of every VietQR bank and text-formatted number columns", async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes.buffer as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect(sheet.name).toBe("Danh sách quầy");
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([
      "Mã quầy",
      "Tên người bán",
      "Số điện thoại",
      "Ngành hàng",
      "Ngân hàng",
      "Số tài khoản",
      "Chủ tài khoản",
    ]);
    // Account numbers and phones are text: the example keeps its leading 0.
    expect(sheet.getCell("F2").value).toBe("0888012345678");
    expect(sheet.getCell("F2").numFmt).toBe("@");
    expect(sheet.getCell("F300").numFmt).toBe("@");
    expect(sheet.getCell("C300").numFmt).toBe("@");
    const rule = sheet.getCell("E300").dataValidation;
    expect(rule.type).toBe("list");
    const banks = book.getWorksheet("Ngân hàng")!;
    const listed = banks.getColumn(1).values.slice(2);
    expect(listed).toEqual(Banks.list().map((b) => b.shortName));
    expect(rule.formulae[0]).toBe(`'Ngân hàng'!$A$2:$A$${Banks.list().length + 1}`);
  });

  it("imports as is", async () => {
    await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "meo-vac", name: "Chợ Mèo Vạc" } });
    const res = await h.call("POST", "/api/markets/meo-vac/stalls/import", {
      body: bytes,
      headers: { "content-type": XLSX },
    });
    expect(res.body).toEqual({ created: 1, skipped: 0, errors: [] });
  });

  it("opens in LibreOffice with every header and the account number's leading 0", (ctx) => {
    const soffice = ["/usr/bin/soffice", "/usr/bin/libreoffice"].find((p) => {
      try {
        execFileSync(p, ["--version"], { stdio: "ignore" });
        return true;
      } catch {
        return false;
      }
    });
    if (!soffice) {
      console.log("LibreOffice (libreoffice-calc-nogui) is not installed: the LibreOffice check is skipped");
      ctx.skip();
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), "m40-lo-"));
    writeFileSync(join(dir, "mau.xlsx"), bytes);
    execFileSync(
      soffice,
      [
        `-env:UserInstallation=file://${dir}/profile`,
        "--headless",
        "--convert-to",
        "csv:Text - txt - csv (StarCalc):59,34,76",
        "--outdir",
        dir,
        join(dir, "mau.xlsx"),
      ],
      { timeout: 120_000 },
    );
    const lines = readFileSync(join(dir, "mau.csv"), "utf8").trim().split(/\r?\n/);
    expect(lines[0]).toBe(
      "Mã quầy;Tên người bán;Số điện thoại;Ngành hàng;Ngân hàng;Số tài khoản;Chủ tài khoản",
    );
    expect(lines[1]!.split(";")).toEqual([
      "A-01",
      "Nguyễn Thị Hùng",
      "0912345678",
      "Rau củ",
      "Agribank",
      "0888012345678",
      "NGUYEN THI HUNG",
    ]);
  });
});
