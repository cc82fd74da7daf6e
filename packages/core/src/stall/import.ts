import { ZodError, z } from "zod";
import type { Actor } from "../audit/audit";
import * as Banks from "../bank/directory";
import type { Clock } from "../clock";
import { DomainError } from "../errors";
import { readTable } from "../sheet";
import type { Store } from "../store/client";
import { asciiFold } from "../text";
import { accountKey } from "./accountItem";
import { findByCode, registerMany, SCIENTIFIC, type Stall, type StallInput, stripNumber } from "./stall";

export const IMPORT_COLUMNS = [
  "code",
  "vendorName",
  "phone",
  "category",
  "bankBin",
  "accountNumber",
  "accountName",
] as const;
export const MAX_IMPORT_ROWS = 5000;

type ImportColumn = (typeof IMPORT_COLUMNS)[number];
/** A file may leave out the optional columns (phone, category) altogether. */
const REQUIRED_COLUMNS: readonly ImportColumn[] = [
  "code",
  "vendorName",
  "bankBin",
  "accountNumber",
  "accountName",
];

/**
 * The header names each column answers to (docs/contract.md §4, "Import columns"): the API's name and what a
 * market board writes in Vietnamese, compared without case, accents, spaces or punctuation ("Số TK" is "so tk").
 * The first name is the one the template uses.
 */
export const IMPORT_HEADERS: Record<ImportColumn, readonly string[]> = {
  code: ["Mã quầy", "code", "Mã số quầy", "Số quầy", "Quầy", "Mã sạp", "Sạp", "Số sạp", "Ki ốt", "Kiốt"],
  vendorName: [
    "Tên người bán",
    "vendorName",
    "Tên tiểu thương",
    "Tiểu thương",
    "Người bán",
    "Họ tên",
    "Họ và tên",
    "Chủ quầy",
  ],
  phone: ["Số điện thoại", "phone", "Điện thoại", "SĐT", "SĐT/Zalo", "Zalo", "Di động"],
  category: ["Ngành hàng", "category", "Mặt hàng", "Loại hàng", "Hàng hóa"],
  bankBin: ["Ngân hàng", "bankBin", "bank", "Tên ngân hàng", "Mã ngân hàng", "BIN", "NH"],
  accountNumber: ["Số tài khoản", "accountNumber", "STK", "Số TK", "Tài khoản"],
  accountName: ["Chủ tài khoản", "accountName", "Tên chủ tài khoản", "Tên tài khoản", "Tên TK", "Chủ TK"],
};

const headerKey = (text: string) =>
  asciiFold(text)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
const COLUMN_BY_HEADER = new Map<string, ImportColumn>(
  IMPORT_COLUMNS.flatMap((column) => IMPORT_HEADERS[column].map((h) => [headerKey(h), column] as const)),
);

/** The import column a header cell names, in English or Vietnamese; undefined for a column the import ignores. */
export function importColumnOf(header: string): ImportColumn | undefined {
  return COLUMN_BY_HEADER.get(headerKey(header));
}

/** The report of a CSV import, as the manager reads it. */
export const ImportResultSchema = z
  .object({
    created: z.number(),
    /** Rows that describe a stall already registered exactly so (a re-import): nothing to do. */
    skipped: z.number(),
    /** Each bad row: its line in the file (the header is line 1), its stall code as written, what is wrong. */
    errors: z.array(z.object({ line: z.number(), code: z.string().optional(), message: z.string() })),
  })
  .meta({ id: "ImportResult" });
export type ImportResult = z.output<typeof ImportResultSchema>;

interface Row {
  line: number;
  input: StallInput;
}

/**
 * The BIN a cell names: six digits as they are, else any short name, VietQR code or former name in the bank
 * directory, ignoring case and accents ("Agribank", "VCB", "Vietcombank", "BIDV"). Anything else is left for the
 * stall schema to refuse.
 */
export function bankBinOf(cell: string): string {
  const text = cell.trim();
  if (/^\d{6}$/.test(text)) return text;
  return Banks.byShortName(asciiFold(text))?.bin ?? text;
}

/** The example row both templates carry: it imports as is. */
export const TEMPLATE_EXAMPLE: Record<ImportColumn, string> = {
  code: "A-01",
  vendorName: "Nguyễn Thị Hùng",
  phone: "0912345678",
  category: "Rau củ",
  bankBin: "Agribank",
  accountNumber: "0888012345678",
  accountName: "NGUYEN THI HUNG",
};

/**
 * The CSV template (`GET /api/markets/{id}/stalls/import/template.csv`): Vietnamese headers, `;` and a BOM, so
 * it opens in columns in Excel under Vietnamese regional settings; the header and one example row.
 */
export const IMPORT_TEMPLATE =
  "\uFEFF" +
  `${IMPORT_COLUMNS.map((c) => IMPORT_HEADERS[c][0]).join(";")}\r\n` +
  `${IMPORT_COLUMNS.map((c) => TEMPLATE_EXAMPLE[c]).join(";")}\r\n`;

/**
 * Excel's damage to a number column, as an English message naming the column and the value as received
 * (translated in messages.ts); undefined when the cell is fine.
 */
function numberDamage(column: "phone" | "accountNumber", raw: string, numeric: boolean): string | undefined {
  if (SCIENTIFIC.test(raw))
    return `${column}: '${raw}' is in scientific notation, so Excel has lost digits — format the column as Text and type the number again`;
  const digits = stripNumber(raw);
  if (column === "phone" && /^[1-9]\d{8}$/.test(digits))
    return `phone: '${raw}' has lost its leading 0 — format the column as Text and type 0${digits}`;
  if (column === "accountNumber" && numeric)
    return `accountNumber: '${raw}' is stored as a number, so a leading 0 may be lost — format the column as Text and type the number again`;
  return undefined;
}

async function parseRows(body: Uint8Array): Promise<{ rows: Row[]; errors: ImportResult["errors"] }> {
  const csv = await readTable(body, REQUIRED_COLUMNS, MAX_IMPORT_ROWS, "file", importColumnOf);
  const rows: Row[] = [];
  const errors: ImportResult["errors"] = [];
  for (const { cells, line, complete, width, numeric } of csv.rows) {
    const code = cells.code ? { code: cells.code } : {};
    if (!complete) {
      errors.push({ line, ...code, message: `Expected ${csv.header.length} columns, found ${width}` });
      continue;
    }
    const damage = (["accountNumber", "phone"] as const)
      .map((c) => cells[c] && numberDamage(c, cells[c], numeric?.has(c) ?? false))
      .filter(Boolean);
    if (damage.length > 0) {
      errors.push({ line, ...code, message: damage.join("; ") });
      continue;
    }
    rows.push({
      line,
      input: {
        code: cells.code!,
        vendorName: cells.vendorName!,
        ...(cells.phone ? { phone: cells.phone } : {}),
        ...(cells.category ? { category: cells.category } : {}),
        bank: {
          bin: bankBinOf(cells.bankBin!),
          accountNumber: stripNumber(cells.accountNumber!),
          accountName: cells.accountName!,
        },
      },
    });
  }
  return { rows, errors };
}

function describe(err: unknown): string {
  if (err instanceof ZodError)
    return err.issues.map((i) => `${i.path.join(".") || "row"}: ${i.message}`).join("; ");
  if (err instanceof DomainError)
    return err.issues.length
      ? err.issues
          .map((i) => (i.path && err.code === "validation_error" ? `${i.path}: ${i.message}` : i.message))
          .join("; ")
      : err.message;
  throw err;
}

/**
 * Imports stalls from an `.xlsx` workbook's first sheet or a CSV file, with the columns of {@link IMPORT_HEADERS}
 * in English or Vietnamese.
 * Each good row is registered atomically; bad rows are reported by line and create nothing. A row that
 * matches an existing stall of the market (same code and same account) is skipped, so importing the
 * same file twice creates nothing new. Store failures are not row errors: they abort with 503. Returns the
 * report the manager reads and the stalls it created.
 */
export async function importCsv(
  store: Store,
  clock: Clock,
  actor: Actor,
  marketId: string,
  body: Uint8Array,
): Promise<{ report: ImportResult; created: Stall[] }> {
  const { rows, errors } = await parseRows(body);
  const result: ImportResult = { created: 0, skipped: 0, errors };

  // Duplicates inside the file: the first occurrence wins, later ones are errors.
  const seenCodes = new Map<string, number>();
  const seenAccounts = new Map<string, number>();
  const unique: Row[] = [];
  for (const row of rows) {
    const code = String(row.input.code).trim().toUpperCase();
    const account = `${row.input.bank.bin}/${accountKey(String(row.input.bank.accountNumber))}`;
    if (seenCodes.has(code)) {
      errors.push({
        line: row.line,
        code: String(row.input.code),
        message: `Stall code '${row.input.code}' repeats line ${seenCodes.get(code)}`,
      });
    } else if (seenAccounts.has(account)) {
      errors.push({
        line: row.line,
        code: String(row.input.code),
        message: `This bank account repeats line ${seenAccounts.get(account)}`,
      });
    } else {
      seenCodes.set(code, row.line);
      seenAccounts.set(account, row.line);
      unique.push(row);
    }
  }

  const outcomes = await registerMany(
    store,
    clock,
    actor,
    marketId,
    unique.map((r) => r.input),
  );
  const created: Stall[] = [];
  for (const [i, outcome] of outcomes.entries()) {
    const row = unique[i]!;
    if (outcome.ok) {
      result.created++;
      created.push(outcome.stall);
      continue;
    }
    if (outcome.error.code === "conflict") {
      // A re-import: the same code with the same account is already this market's stall.
      const existing = await findByCode(store, marketId, String(row.input.code).trim());
      if (
        existing &&
        existing.bank.bin === row.input.bank.bin &&
        accountKey(existing.bank.accountNumber) === accountKey(String(row.input.bank.accountNumber))
      ) {
        result.skipped++;
        continue;
      }
    }
    errors.push({ line: row.line, code: String(row.input.code), message: describe(outcome.error) });
  }
  errors.sort((a, b) => a.line - b.line);
  return { report: result, created };
}
