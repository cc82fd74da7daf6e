import { z } from "zod";
import type { Actor } from "../audit/audit";
import * as Audit from "../audit/audit";
import * as Banks from "../bank/directory";
import { localDateTimeToUtc } from "../calendar/localDate";
import type { Clock } from "../clock";
import type { CsvRow } from "../csv";
import { DomainError, validationError } from "../errors";
import { readTable } from "../sheet";
import type { Store } from "../store/client";
import { commit } from "../store/transact";
import { exportAmount, exportDateTime, exportHeaderKey } from "./exports";
import { MAX_STATEMENT_ROWS, type Statement, type StatementRow, statementHash } from "./reconcile";
import { STATEMENT_MAPPING_FIELDS } from "./statementFields";
import { type StatementMapping, StatementMappingItem } from "./statementMappingItem";
import type { Provider } from "./types";

/**
 * A bank's own statement (`.xlsx` or CSV), read through the column mapping an admin set once for that bank
 * (docs/contract.md §18). Its rows are the bank's transfers into the account: each is named by the bank's reference,
 * so it is compared with stored payments through the bank-reference guard (see `bankRefItem.ts`), whichever provider id they
 * were delivered under.
 */
const header = z.string().trim().min(1).max(100);
export const DATE_FORMAT = /^(dd|MM|yyyy|HH|mm|ss|[ /.:T,-])+$/;

export const StatementMappingInputSchema = z
  .object({
    id: header.describe("The header of the column with the bank's reference (transaction number)"),
    paidAt: header.describe("The header of the column with the date and time of the credit"),
    dateFormat: z
      .string()
      .max(40)
      .regex(DATE_FORMAT, "dd, MM, yyyy, HH, mm, ss and separators, e.g. dd/MM/yyyy HH:mm:ss")
      .refine((f) => ["dd", "MM", "yyyy"].every((t) => f.includes(t)), "needs dd, MM and yyyy")
      .default("dd/MM/yyyy HH:mm:ss"),
    amount: header.describe("The header of the credit (money in) column"),
    accountNumber: header.optional().describe("The header of the receiving account column…"),
    fixedAccountNumber: z
      .string()
      .regex(/^[0-9A-Za-z]{1,19}$/, "1 to 19 letters or digits")
      .optional()
      .describe("…or the one account the whole statement is for"),
    description: header.optional(),
  })
  .refine((m) => (m.accountNumber === undefined) !== (m.fixedAccountNumber === undefined), {
    message: "Give either accountNumber (a column) or fixedAccountNumber (one account), not both",
    path: ["accountNumber"],
  })
  .meta({ id: "StatementMappingInput" });

export const StatementMappingSchema = z
  .object({
    bin: z.string(),
    bankName: z.string(),
    id: z.string(),
    paidAt: z.string(),
    dateFormat: z.string(),
    amount: z.string(),
    accountNumber: z.string().optional(),
    fixedAccountNumber: z.string().optional(),
    description: z.string().optional(),
    updatedAt: z.string(),
  })
  .meta({ id: "StatementMapping" });

function bankOf(bin: string) {
  const bank = Banks.byBin(bin);
  if (!bank)
    throw validationError(`Unknown bank BIN '${bin}'`, [{ path: "bin", message: "not a VietQR bank" }]);
  return bank;
}

const present = (m: StatementMapping) => ({ ...m, bankName: bankOf(m.bin).shortName });

/** The remembered mapping of a bank, or a 404 naming what to do. */
export async function getMapping(store: Store, bin: string) {
  bankOf(bin);
  const mapping = await StatementMappingItem.get(store, bin);
  if (!mapping)
    throw new DomainError("not_found", `No column mapping is set for bank ${bankOf(bin).shortName}`);
  return present(mapping);
}

/** Sets (or replaces) a bank's mapping; audited (`statement.mappingChanged`) in the same transaction. */
export async function setMapping(
  deps: { store: Store; clock: Clock },
  actor: Actor,
  bin: string,
  input: z.output<typeof StatementMappingInputSchema>,
) {
  const { store, clock } = deps;
  bankOf(bin);
  const before = await StatementMappingItem.get(store, bin);
  const after: StatementMapping = {
    bin,
    id: input.id,
    paidAt: input.paidAt,
    dateFormat: input.dateFormat,
    amount: input.amount,
    ...(input.accountNumber ? { accountNumber: input.accountNumber } : {}),
    ...(input.fixedAccountNumber ? { fixedAccountNumber: input.fixedAccountNumber } : {}),
    ...(input.description ? { description: input.description } : {}),
    updatedAt: clock.now().toISOString(),
  };
  const changed = Audit.diff(before, after, [...STATEMENT_MAPPING_FIELDS]);
  if (!changed) return present(before!);
  await commit(store, [
    StatementMappingItem.put(store, after),
    Audit.entry(store, clock, {
      actor,
      action: "statement.mappingChanged",
      entity: { kind: "bank", id: bin },
      marketId: null,
      ...changed,
    }),
  ]);
  return present(after);
}

/** A date (and time) written in `format`, read as Vietnam time; undefined when the text does not fit it. */
export function formattedDateTime(text: string, format: string): string | undefined {
  const order: string[] = [];
  const pattern = format.replace(/dd|MM|yyyy|HH|mm|ss|[^A-Za-z]/g, (t) => {
    if (/^[A-Za-z]+$/.test(t)) {
      order.push(t);
      return t === "yyyy" ? "(\\d{4})" : "(\\d{1,2})";
    }
    return t === " " ? "\\s+" : `\\${t}`;
  });
  const m = new RegExp(`^${pattern}$`).exec(text.trim());
  if (!m) return undefined;
  const part = (t: string, fallback = "0") => (m[order.indexOf(t) + 1] ?? fallback).padStart(2, "0");
  const hasTime = order.includes("HH");
  return localDateTimeToUtc(
    `${part("yyyy")}-${part("MM")}-${part("dd")} ${hasTime ? part("HH") : "00"}:${hasTime ? part("mm") : "00"}:${order.includes("ss") ? part("ss") : "00"}`,
  );
}

/** A cell's date: as the mapping's format says, or as Excel stores a date cell (`dd/MM/yyyy[ HH:mm:ss]`, ISO). */
function paidAtOf(text: string, format: string): string | undefined {
  const read = formattedDateTime(text, format);
  if (read) return read;
  if (format.indexOf("dd") > format.indexOf("MM")) return undefined; // a month-first file: no guessing
  return exportDateTime(text) ?? formattedDateTime(text, "dd/MM/yyyy");
}

/**
 * Reads bank `bin`'s statement through its remembered mapping: money-in rows named by the bank's reference, and each
 * bad row by its line (the sheet's row) with the column as the mapping names it and the value as received.
 */
export async function parseBankStatement(
  store: Store,
  provider: Provider,
  bin: string,
  body: Uint8Array,
): Promise<Statement> {
  const bank = bankOf(bin);
  const mapping = await StatementMappingItem.get(store, bin);
  if (!mapping)
    throw validationError(
      `No column mapping is set for bank ${bank.shortName}; an admin sets it first (PUT /api/reconciliation/mappings/${bin})`,
    );
  const names = [
    mapping.id,
    mapping.paidAt,
    mapping.amount,
    mapping.accountNumber,
    mapping.description,
  ].filter((n): n is string => n !== undefined);
  const byKey = new Map(names.map((n) => [exportHeaderKey(n), n]));
  const required = [
    mapping.id,
    mapping.paidAt,
    mapping.amount,
    ...(mapping.accountNumber ? [mapping.accountNumber] : []),
  ];
  const table = await readTable(body, required, MAX_STATEMENT_ROWS, "statement", (h) =>
    byKey.get(exportHeaderKey(h)),
  );
  const rows: StatementRow[] = [];
  const errors: Statement["errors"] = [];
  for (const row of table.rows) {
    const parsed = bankRow(provider, mapping, row);
    if ("error" in parsed) errors.push({ line: row.line, message: parsed.error });
    else if (parsed.row) rows.push({ line: row.line, txn: parsed.row });
  }
  return { provider, hash: statementHash(body), rows, errors, matchBy: "bankRef" };
}

function bankRow(
  provider: Provider,
  mapping: StatementMapping,
  row: CsvRow,
): { row?: StatementRow["txn"] } | { error: string } {
  const cell = (name: string | undefined) => (name ? (row.cells[name] ?? "").trim() : "");
  const problems: string[] = [];
  const amountText = cell(mapping.amount);
  // A debit row leaves the credit cell empty: money out, not reconciled (its other cells are not checked).
  if (amountText === "" || amountText === "0") return {};
  const id = cell(mapping.id);
  if (id === "") problems.push(`Column '${mapping.id}' is empty`);
  else if (!/^[A-Za-z0-9._:-]{1,64}$/.test(id))
    problems.push(
      `Column '${mapping.id}': '${id}' is not a transaction id — 1 to 64 letters, digits or . _ : -`,
    );
  const paidAt = paidAtOf(cell(mapping.paidAt), mapping.dateFormat);
  if (!paidAt)
    problems.push(
      `Column '${mapping.paidAt}': '${cell(mapping.paidAt)}' is not a date and time — expected ${mapping.dateFormat}`,
    );
  const accountText = mapping.fixedAccountNumber ?? cell(mapping.accountNumber);
  const accountNumber = accountText.replace(/[\s.-]/g, "");
  if (!/^[0-9A-Za-z]{1,19}$/.test(accountNumber))
    problems.push(
      `Column '${mapping.accountNumber}': '${accountText}' is not an account number — 1 to 19 letters or digits`,
    );
  const amount = exportAmount(amountText);
  if (amount === undefined || amount < 0)
    problems.push(`Column '${mapping.amount}': '${amountText}' is not a whole amount of VND`);
  if (problems.length > 0) return { error: problems.join("; ") };
  return {
    row: {
      provider,
      providerTxnId: id,
      bin: mapping.bin,
      accountNumber,
      amount: amount!,
      direction: "in",
      paidAt: paidAt!,
      description: cell(mapping.description).slice(0, 500),
      bankRef: id,
    },
  };
}
