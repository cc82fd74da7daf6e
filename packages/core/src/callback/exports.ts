import type { Actor } from "../audit/audit";
import * as Banks from "../bank/directory";
import { localDateTimeToUtc } from "../calendar/localDate";
import { type CsvRow, separatorOf } from "../csv";
import { isXlsx, readTable } from "../sheet";
import { asciiFold } from "../text";
import { parseBankStatement } from "./bankStatement";
import type { IngestDeps } from "./ingest";
import {
  MAX_STATEMENT_ROWS,
  parseStatementCsv,
  type ReconciliationReport,
  reconcileStatement,
  type Statement,
  type StatementRow,
  statementHash,
} from "./reconcile";
import type { IncomingTransaction, Provider } from "./types";

/**
 * The transaction exports of SePay and Casso, as an admin downloads them (`.xlsx` or CSV) and uploads them to
 * `POST /api/reconciliation/{provider}` (docs/callbacks.md, "Reconciling with a provider's export"). Their columns
 * are the fields each provider documents for a transaction — SePay's transaction list (`id`, `transaction_date`,
 * `account_number`, `sub_account`, `amount_in`, `amount_out`, `transaction_content`, `reference_number`,
 * `bank_brand_name`), Casso's (`id`, `transactionDateTime` or `when`, `accountNumber` or `bank_sub_acc_id`, `amount`,
 * `description`, `reference`, `bankName`) — under those names or the Vietnamese labels their dashboards show; a
 * header is compared without case, accents, spaces or punctuation. The first name of each column is the one errors
 * use when the header lacks it.
 */
export type ExportColumn =
  | "id"
  | "paidAt"
  | "accountNumber"
  | "subAccount"
  | "amountIn"
  | "amountOut"
  | "amount"
  | "description"
  | "reference"
  | "bank";

export const SEPAY_EXPORT_HEADERS: Partial<Record<ExportColumn, readonly string[]>> = {
  id: ["ID", "id", "Mã giao dịch", "Mã GD"],
  paidAt: ["Ngày giao dịch", "transaction_date", "Thời gian giao dịch", "Thời gian"],
  accountNumber: ["Số tài khoản", "account_number", "Tài khoản"],
  subAccount: ["Tài khoản phụ", "sub_account", "Tài khoản ảo", "VA"],
  amountIn: ["Số tiền vào", "amount_in", "Tiền vào"],
  amountOut: ["Số tiền ra", "amount_out", "Tiền ra"],
  description: ["Nội dung thanh toán", "transaction_content", "Nội dung", "Nội dung giao dịch"],
  reference: ["Mã tham chiếu", "reference_number", "Số tham chiếu"],
  bank: ["Ngân hàng", "bank_brand_name"],
};

export const CASSO_EXPORT_HEADERS: Partial<Record<ExportColumn, readonly string[]>> = {
  id: ["Mã GD", "id", "ID", "Mã giao dịch"],
  paidAt: ["Ngày giao dịch", "transactionDateTime", "when", "Thời gian"],
  accountNumber: ["Số tài khoản", "accountNumber", "bank_sub_acc_id", "bankSubAccId", "Tài khoản"],
  amount: ["Số tiền", "amount", "Giá trị"],
  description: ["Mô tả", "description", "Nội dung"],
  reference: ["Mã tham chiếu", "reference", "tid"],
  bank: ["Ngân hàng", "bankName", "bankAbbreviation"],
};

const REQUIRED: Record<"sepay" | "casso", ExportColumn[]> = {
  sepay: ["id", "paidAt", "accountNumber", "amountIn"],
  casso: ["id", "paidAt", "accountNumber", "amount"],
};

export const exportHeaderKey = (text: string) =>
  asciiFold(text)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");

/** Whether a header row (its cells as written) is market40's own statement CSV (`id,paidAt,…`). */
export function isMarket40Statement(header: string[]): boolean {
  const keys = header.map(exportHeaderKey);
  return keys.includes("paidat") && keys.includes("id");
}

/**
 * A local date and time as exports write it: `dd/MM/yyyy HH:mm[:ss]` (also `d/M/yyyy`, `-` or `.` between),
 * `YYYY-MM-DD HH:mm[:ss]`, or ISO 8601 with an offset; as a UTC instant, or undefined.
 */
export function exportDateTime(text: string): string | undefined {
  const t = text.trim();
  if (/[zZ]|[+-]\d{2}:\d{2}$/.test(t) && /^\d{4}-\d{2}-\d{2}T/.test(t) && !Number.isNaN(Date.parse(t)))
    return new Date(t).toISOString();
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(t);
  if (dmy) {
    const [, d, m, y, h, min, s] = dmy;
    return localDateTimeToUtc(
      `${y}-${m!.padStart(2, "0")}-${d!.padStart(2, "0")} ${h!.padStart(2, "0")}:${min}:${s ?? "00"}`,
    );
  }
  return localDateTimeToUtc(t);
}

/**
 * A whole amount of VND as exports write it: `50000`, `50.000`, `50,000`, `+50,000`, `-50.000 đ`, `50,000.00`;
 * undefined for anything else (a fraction of a đồng, text).
 */
export function exportAmount(text: string): number | undefined {
  let t = text.replace(/\s|đ|₫|VND/gi, "");
  let sign = 1;
  if (/^[+-]/.test(t)) {
    if (t[0] === "-") sign = -1;
    t = t.slice(1);
  }
  if (t === "") return undefined;
  let digits: string | undefined;
  if (/^\d+$/.test(t)) digits = t;
  else if (/^\d{1,3}([.,])\d{3}(\1\d{3})*$/.test(t)) digits = t.replace(/[.,]/g, "");
  else if (/^\d{1,3}(,\d{3})*\.0{1,2}$/.test(t) || /^\d+\.0{1,2}$/.test(t))
    digits = t.replace(/,/g, "").replace(/\.0+$/, "");
  else if (/^\d{1,3}(\.\d{3})*,0{1,2}$/.test(t) || /^\d+,0{1,2}$/.test(t))
    digits = t.replace(/\./g, "").replace(/,0+$/, "");
  if (digits === undefined || digits.length > 13) return undefined;
  return sign * Number(digits);
}

/**
 * Reads a SePay or Casso transaction export (`.xlsx` or CSV) into a statement: money-in rows as `ingest` takes
 * them, and each bad row by its line (the sheet's row) with the column as the file names it and the value as
 * received. Money out is left out, as in every statement.
 */
export async function parseProviderExport(provider: "sepay" | "casso", body: Uint8Array): Promise<Statement> {
  const headers = provider === "sepay" ? SEPAY_EXPORT_HEADERS : CASSO_EXPORT_HEADERS;
  const byKey = new Map<string, string>();
  for (const [column, names] of Object.entries(headers))
    for (const name of names) byKey.set(exportHeaderKey(name), headers[column as ExportColumn]![0]!);
  const required = REQUIRED[provider].map((c) => headers[c]![0]!);
  const table = await readTable(body, required, MAX_STATEMENT_ROWS, "statement", (h) =>
    byKey.get(exportHeaderKey(h)),
  );
  const name = (c: ExportColumn) => headers[c]?.[0] ?? c;
  const rows: StatementRow[] = [];
  const errors: Statement["errors"] = [];
  for (const row of table.rows) {
    const parsed = exportRow(provider, row, name);
    if ("error" in parsed) errors.push({ line: row.line, message: parsed.error });
    else if (parsed.txn) rows.push({ line: row.line, txn: parsed.txn });
  }
  return { provider, hash: statementHash(body), rows, errors };
}

function exportRow(
  provider: "sepay" | "casso",
  row: CsvRow,
  name: (c: ExportColumn) => string,
): { txn?: IncomingTransaction } | { error: string } {
  const cell = (c: ExportColumn) => (row.cells[name(c)] ?? "").trim();
  const problems: string[] = [];
  const id = cell("id");
  if (id === "") problems.push(`Column '${name("id")}' is empty`);
  else if (!/^[A-Za-z0-9._:-]{1,64}$/.test(id))
    problems.push(
      `Column '${name("id")}': '${id}' is not a transaction id — 1 to 64 letters, digits or . _ : -`,
    );
  const paidAt = exportDateTime(cell("paidAt"));
  if (!paidAt)
    problems.push(
      `Column '${name("paidAt")}': '${cell("paidAt")}' is not a date and time — expected dd/MM/yyyy HH:mm:ss`,
    );
  const accountNumber = cell("accountNumber").replace(/[\s.-]/g, "");
  if (!/^[0-9A-Za-z]{1,19}$/.test(accountNumber))
    problems.push(
      `Column '${name("accountNumber")}': '${cell("accountNumber")}' is not an account number — 1 to 19 letters or digits`,
    );
  let amount: number | undefined;
  if (provider === "sepay") {
    const inText = cell("amountIn");
    const outText = cell("amountOut");
    const amountIn = inText === "" ? 0 : exportAmount(inText);
    const amountOut = outText === "" ? 0 : exportAmount(outText);
    if (amountIn === undefined || amountIn < 0)
      problems.push(`Column '${name("amountIn")}': '${inText}' is not a whole amount of VND`);
    if (amountOut === undefined || amountOut < 0)
      problems.push(`Column '${name("amountOut")}': '${outText}' is not a whole amount of VND`);
    amount = amountIn;
  } else {
    amount = exportAmount(cell("amount"));
    if (amount === undefined)
      problems.push(`Column '${name("amount")}': '${cell("amount")}' is not a whole amount of VND`);
  }
  if (problems.length > 0) return { error: problems.join("; ") };
  if (!amount || amount <= 0) return {}; // money out, or nothing: not reconciled
  const bankName = cell("bank");
  const bin = bankName ? Banks.byName("vietqr", bankName)?.bin : undefined;
  const subAccount = cell("subAccount");
  const reference = cell("reference");
  return {
    txn: {
      provider,
      providerTxnId: id,
      ...(bin ? { bin } : {}),
      accountNumber,
      ...(subAccount && /^[0-9A-Za-z]{1,19}$/.test(subAccount) ? { virtualAccount: subAccount } : {}),
      amount,
      direction: "in",
      paidAt: paidAt!,
      description: cell("description").slice(0, 500),
      ...(reference && /^[A-Za-z0-9._:/-]{1,64}$/.test(reference) ? { bankRef: reference } : {}),
    },
  };
}

/**
 * An uploaded statement, whichever form it takes: market40's own CSV (`id,paidAt,accountNumber,amount,description`)
 * for any provider, or — for SePay and Casso — their transaction export as `.xlsx` or CSV.
 */
export async function parseStatement(provider: Provider, body: Uint8Array): Promise<Statement> {
  if (
    (provider === "sepay" || provider === "casso") &&
    (isXlsx(body) || !isMarket40Statement(headerCells(body)))
  )
    return parseProviderExport(provider, body);
  return parseStatementCsv(provider, body);
}

/** The first line of a CSV upload, split on its separator (nothing when it is not UTF-8 text). */
function headerCells(body: Uint8Array): string[] {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body.subarray(0, 4096));
  } catch {
    return [];
  }
  const first = text.replace(/^\uFEFF/, "").split(/\r?\n/)[0] ?? "";
  return first.split(separatorOf(first)).map((c) => c.replace(/^"|"$/g, ""));
}

/** `reconcileStatement` on an uploaded file in any form `parseStatement` reads. */
export async function reconcileUpload(
  deps: IngestDeps,
  actor: Actor,
  provider: Provider,
  body: Uint8Array,
  options: { ingestMissing: boolean; bank?: string },
): Promise<ReconciliationReport> {
  const statement = options.bank
    ? await parseBankStatement(deps.store, provider, options.bank, body)
    : await parseStatement(provider, body);
  return reconcileStatement(deps, actor, statement, options);
}
