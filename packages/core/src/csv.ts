import { parse } from "csv-parse/sync";
import { validationError } from "./errors";

/** One data row of an uploaded CSV: its cells by column name, and its line in the file (the header is line 1). */
export interface CsvRow {
  line: number;
  cells: Record<string, string>;
  /** False when the row has more or fewer cells than the header. */
  complete: boolean;
  width: number;
  /** Columns whose cell a spreadsheet stored as a number (an `.xlsx` read): a leading 0 may be gone. */
  numeric?: Set<string>;
}

/**
 * The column a header cell names, or undefined for a column the reader ignores. Without one, a header cell is
 * its own column name.
 */
export type ColumnOf = (header: string) => string | undefined;

/**
 * Reads an uploaded CSV strictly: UTF-8 (a BOM is fine, anything else is refused whole), a header row that
 * names every `required` column (in any order), at most `maxRows` rows. `what` names the file in messages.
 * Cells are separated by `,` or `;` — whichever the header line uses: Excel writes `;` under Vietnamese regional
 * settings, where `,` is the decimal mark.
 */
export function readCsv(
  body: Uint8Array,
  required: readonly string[],
  maxRows: number,
  what: string,
  columnOf: ColumnOf = (h) => h,
): { header: string[]; rows: CsvRow[] } {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw validationError(`The ${what} is not UTF-8 text; save it as 'CSV UTF-8' and try again`);
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      delimiter: separatorOf(text),
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      trim: true,
    }) as unknown as typeof records;
  } catch (err) {
    throw validationError(`The ${what} is not valid CSV: ${(err as Error).message.split("\n")[0]}`);
  }
  const written = records[0]?.record;
  if (!written) throw validationError(`The ${what} is empty: expected a header row and data`);
  const header = checkHeader(written, required, columnOf);
  if (records.length - 1 > maxRows)
    throw validationError(`At most ${maxRows} rows per ${what}; split the file`);
  return {
    header,
    rows: records.slice(1).map(({ record, info }) => ({
      line: info.lines,
      cells: cellsOf(header, record),
      complete: record.length === header.length,
      width: record.length,
    })),
  };
}

/** The header's column names (`""` for a column the reader ignores); refuses a header lacking a required one. */
export function checkHeader(written: string[], required: readonly string[], columnOf: ColumnOf): string[] {
  const header = written.map((h) => columnOf(h.trim()) ?? "");
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0)
    throw validationError(`The header row lacks: ${missing.join(", ")}`, [
      { path: "header", message: `Expected ${required.join(",")}` },
    ]);
  return header;
}

/** A row's cells by column name; the first of two columns with the same name wins, ignored columns are dropped. */
export function cellsOf(header: string[], record: string[]): Record<string, string> {
  const cells: Record<string, string> = {};
  for (const [i, h] of header.entries()) if (h && !(h in cells)) cells[h] = record[i] ?? "";
  return cells;
}

/** `;` when the header line has more semicolons than commas (outside quotes), else `,`. */
export function separatorOf(text: string): "," | ";" {
  const header = (text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "").replace(/"[^"]*"/g, "");
  const count = (c: string) => header.split(c).length - 1;
  return count(";") > count(",") ? ";" : ",";
}
