import type { CellValue } from "exceljs";
import { type ColumnOf, type CsvRow, cellsOf, checkHeader, readCsv } from "./csv";
import { validationError } from "./errors";

/** An `.xlsx` file is a ZIP archive: it starts with the local-file signature `PK\3\4`. */
export function isXlsx(body: Uint8Array): boolean {
  return body[0] === 0x50 && body[1] === 0x4b && body[2] === 0x03 && body[3] === 0x04;
}

/**
 * Reads an uploaded table the way a clerk saves it: an Excel workbook (`.xlsx`, its first sheet) or CSV (`,` or
 * `;`, BOM or not). Rows and cells come out as {@link readCsv} gives them, keyed by `columnOf` of the header; an
 * `.xlsx` row's `line` is its row number in the sheet, and cells Excel stored as numbers are marked `numeric`.
 * ExcelJS is loaded only when a workbook arrives, so the API's cold start does not pay for it.
 */
/** How far down a workbook's first sheet its header row is looked for. */
const HEADER_SEARCH_ROWS = 20;

export async function readTable(
  body: Uint8Array,
  required: readonly string[],
  maxRows: number,
  what: string,
  columnOf: ColumnOf,
): Promise<{ header: string[]; rows: CsvRow[] }> {
  if (!isXlsx(body)) return readCsv(body, required, maxRows, what, columnOf);
  const { default: ExcelJS } = await import("exceljs");
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(
      body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
    );
  } catch {
    throw validationError(`The ${what} is not a readable Excel workbook; save it as .xlsx or CSV UTF-8`);
  }
  const sheet = book.worksheets[0];
  if (!sheet || sheet.actualRowCount === 0)
    throw validationError(`The ${what} is empty: expected a header row and data`);
  const texts = (values: CellValue[], width: number) =>
    Array.from({ length: width }, (_, i) => cellText(values[i + 1]));
  // A bank's download often opens with title lines (the bank, the account, the period) above its header: the header
  // is the first of the top rows that names every required column; when none does, the first row, refused below
  // with what it lacks.
  let headerNumber = 1;
  for (let n = 1; n <= Math.min(HEADER_SEARCH_ROWS, sheet.actualRowCount); n++) {
    const row = sheet.getRow(n);
    const names = texts(row.values as CellValue[], row.cellCount).map((h) => columnOf(h.trim()));
    if (required.every((c) => names.includes(c))) {
      headerNumber = n;
      break;
    }
  }
  const headerRow = sheet.getRow(headerNumber);
  const width = headerRow.cellCount;
  const header = checkHeader(texts(headerRow.values as CellValue[], width), required, columnOf);
  const rows: CsvRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    if (number <= headerNumber) return;
    const values = row.values as CellValue[];
    const record = texts(values, width);
    if (record.every((c) => c === "")) return;
    const numeric = new Set<string>();
    for (const [i, h] of header.entries()) if (h && typeof values[i + 1] === "number") numeric.add(h);
    const used = Math.max(width, row.cellCount);
    rows.push({
      line: number,
      cells: cellsOf(header, record),
      // Cells to the right of the header are extra columns, as in a CSV row.
      complete: texts(values, used)
        .slice(width)
        .every((c) => c === ""),
      width: used,
      numeric,
    });
  });
  if (rows.length > maxRows) throw validationError(`At most ${maxRows} rows per ${what}; split the file`);
  return { header, rows };
}

/**
 * A cell as the clerk sees it typed: text as is, whole numbers of up to 15 digits in full, longer ones as Excel shows
 * them (`8,88801E+18`: their last digits are gone), a formula's result,
 * a link's text, rich text joined, dates as dd/MM/yyyy.
 */
export function cellText(value: CellValue | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value.trim();
  if (typeof value === "number") {
    if (Number.isInteger(value) && Math.abs(value) < 1e15) return value.toFixed(0);
    // Past 15 digits Excel has already rounded the number: show it as Excel does, "8,88801E+18".
    if (Number.isInteger(value)) return value.toExponential(5).replace(".", ",").toUpperCase();
    return String(value).replace(".", ",");
  }
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (value instanceof Date) {
    // Excel keeps a wall-clock date (and time) with no zone; ExcelJS hands it over as that instant in UTC.
    const d = value.toISOString();
    const day = `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
    return d.slice(11, 19) === "00:00:00" ? day : `${day} ${d.slice(11, 19)}`;
  }
  if ("richText" in value)
    return value.richText
      .map((r) => r.text)
      .join("")
      .trim();
  if ("text" in value) return String(value.text).trim();
  if ("result" in value) return cellText(value.result as CellValue);
  if ("error" in value) return String(value.error);
  return "";
}
