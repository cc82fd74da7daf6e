import { ZodError, z } from "zod";
import type { Actor } from "../audit/audit";
import * as Banks from "../bank/directory";
import type { Clock } from "../clock";
import { readCsv } from "../csv";
import { DomainError } from "../errors";
import type { Store } from "../store/client";
import { asciiFold } from "../text";
import { accountKey } from "./accountItem";
import { findByCode, registerMany, type Stall, type StallInput } from "./stall";

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

/** The template a manager fills in (`GET /api/markets/{id}/stalls/import/template.csv`): the header and one example. */
export const IMPORT_TEMPLATE =
  "\uFEFF" +
  `${IMPORT_COLUMNS.join(",")}\r\n` +
  "A-01,Nguyễn Thị Hùng,0912345678,Rau củ,Agribank,8888012345678,NGUYEN THI HUNG\r\n";

function parseRows(body: Uint8Array): { rows: Row[]; errors: ImportResult["errors"] } {
  const csv = readCsv(body, IMPORT_COLUMNS, MAX_IMPORT_ROWS, "file");
  const rows: Row[] = [];
  const errors: ImportResult["errors"] = [];
  for (const { cells, line, complete, width } of csv.rows) {
    if (!complete) {
      errors.push({
        line,
        ...(cells.code ? { code: cells.code } : {}),
        message: `Expected ${csv.header.length} columns, found ${width}`,
      });
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
          accountNumber: cells.accountNumber!,
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
 * Imports stalls from a CSV file (`code,vendorName,phone,category,bankBin,accountNumber,accountName`).
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
  const { rows, errors } = parseRows(body);
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
