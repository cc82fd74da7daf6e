import type { Evaluation } from "./evaluations";

/**
 * Column order of the liaison's export: identity, period, then every figure, flattened with dots. Columns added
 * later go at the end, so a script that reads by position keeps working: the board's fees (issue 29; empty for a
 * market without fees) after `id`.
 */
export const CSV_COLUMNS = [
  "marketId",
  "market.name",
  "market.province",
  "market.commune",
  "period.from",
  "period.to",
  "version",
  "computedAt",
  "provisional",
  "rating",
  "uptime.scheduledSessions",
  "uptime.scheduledMinutes",
  "uptime.downMinutes",
  "uptime.uptimePct",
  "uptime.incidents",
  "uptime.sessionsWithEvidence",
  "uptime.activeSessions",
  "uptime.activeSessionsPct",
  "uptake.stalls",
  "uptake.stallsWithQr",
  "uptake.qrSharePct",
  "uptake.activeStalls",
  "uptake.activeSharePct",
  "uptake.transactions",
  "uptake.value",
  "uptake.medianTicket",
  "uptake.uniquePayers",
  "method.definitions",
  "method.timezone",
  "method.thresholds.uptimePct",
  "method.thresholds.qrSharePct",
  "method.thresholds.activeSharePct",
  "id",
  "fees.bills",
  "fees.billed",
  "fees.waived",
  "fees.collected",
  "fees.collectedCashless",
  "fees.excess",
  "fees.outstanding",
  "fees.feesCashlessPct",
  "fees.feesCollectedPct",
  "method.thresholds.feesCashlessPct",
] as const;

function pick(obj: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined),
      obj,
    );
}

const FORMULA_START = /^[=+\-@\t\r\n＝＋－＠]/;

/**
 * One CSV cell: quoted when needed; text that a spreadsheet would run as a formula — starting with = + - @, tab,
 * CR or LF (OWASP's list), or their full-width forms ＝ ＋ － ＠ that some spreadsheets also accept — is prefixed
 * with `'` so it shows as text. Numbers are written plainly (a dot decimal), null as empty.
 */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(value);
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** UTF-8 with a BOM (so Excel reads Vietnamese correctly), CRLF line ends, a header row, one row per market. */
export function toCsv(evaluations: Evaluation[]): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const e of evaluations) lines.push(CSV_COLUMNS.map((c) => cell(pick(e, c))).join(","));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
