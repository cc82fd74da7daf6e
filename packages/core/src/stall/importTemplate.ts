import type { DataValidation, Worksheet } from "exceljs";
import * as Banks from "../bank/directory";
import { IMPORT_COLUMNS, IMPORT_HEADERS, MAX_IMPORT_ROWS, TEMPLATE_EXAMPLE } from "./import";

/** Column widths in characters, so every header and the example show whole when the file opens. */
const WIDTHS: Record<(typeof IMPORT_COLUMNS)[number], number> = {
  code: 10,
  vendorName: 26,
  phone: 15,
  category: 16,
  bankBin: 18,
  accountNumber: 20,
  accountName: 24,
};
const TEXT_COLUMNS = new Set(["code", "phone", "accountNumber"]);

/**
 * The stall import template as an Excel workbook (`GET /api/markets/{id}/stalls/import/template.xlsx`,
 * docs/contract.md §4): sheet "Danh sách quầy" with the Vietnamese headers and one example row; the bank column a
 * drop-down of every bank in the VietQR directory (listed with their full names on sheet "Ngân hàng"); code,
 * phone and account number columns formatted as text, so Excel keeps leading zeros and long numbers whole.
 * ExcelJS is loaded on first use.
 */
export async function renderImportTemplate(): Promise<Uint8Array> {
  const { default: ExcelJS } = await import("exceljs");
  const book = new ExcelJS.Workbook();
  book.creator = "market40";
  book.title = "Mẫu nhập danh sách quầy";
  // A fixed date: the same template every time.
  book.created = book.modified = new Date("2026-01-01T00:00:00Z");

  const sheet = book.addWorksheet("Danh sách quầy");
  const banks = book.addWorksheet("Ngân hàng");
  sheet.columns = IMPORT_COLUMNS.map((c) => ({
    header: IMPORT_HEADERS[c][0],
    width: WIDTHS[c],
    ...(TEXT_COLUMNS.has(c) ? { style: { numFmt: "@" } } : {}),
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: "frozen", ySplit: 1 }];
  const example = sheet.addRow(IMPORT_COLUMNS.map((c) => TEMPLATE_EXAMPLE[c]));
  for (const [i, c] of IMPORT_COLUMNS.entries()) if (TEXT_COLUMNS.has(c)) example.getCell(i + 1).numFmt = "@";

  banks.columns = [
    { header: "Ngân hàng", width: 18 },
    { header: "Tên đầy đủ", width: 60 },
    { header: "Mã BIN", width: 10, style: { numFmt: "@" } },
  ];
  banks.getRow(1).font = { bold: true };
  const list = Banks.list();
  for (const b of list) banks.addRow([b.shortName, b.name, b.bin]);

  const bankColumn = String.fromCharCode(65 + IMPORT_COLUMNS.indexOf("bankBin"));
  const range = `${bankColumn}2:${bankColumn}${MAX_IMPORT_ROWS + 1}`;
  // One rule for the whole column (ExcelJS has it at runtime; its types do not declare it).
  (
    sheet as Worksheet & { dataValidations: { add(range: string, rule: DataValidation): void } }
  ).dataValidations.add(range, {
    type: "list",
    allowBlank: true,
    formulae: [`'Ngân hàng'!$A$2:$A$${list.length + 1}`],
    showErrorMessage: true,
    errorStyle: "error",
    errorTitle: "Ngân hàng",
    error: "Chọn ngân hàng trong danh sách (sheet Ngân hàng)",
    showInputMessage: true,
    promptTitle: "Ngân hàng",
    prompt: "Chọn ngân hàng nhận tiền của quầy",
  });
  return new Uint8Array(await book.xlsx.writeBuffer());
}
