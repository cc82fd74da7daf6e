import type { PeriodEvaluation } from "../evaluation/monthOverMonth";
import { MARKET_COLUMNS } from "./workbook";

/** A cell for Excel under Vietnamese regional settings: `;` separates, so a cell with `;`, `"` or a line break is quoted. */
function cell(value: string): string {
  return /[;"\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * A number as Vietnamese Excel reads one: a decimal comma, no thousands separator (`99,5`, `1250000`). Shares are
 * written as percents with a `%` sign (`99,5%`), which Excel reads as the number 0.995 in a percentage cell.
 */
function numberText(n: number, percent: boolean): string {
  const text = String(percent ? Math.round(n * 10_000) / 100 : n).replace(".", ",");
  return percent ? `${text}%` : text;
}

/** `2026-11-30` → `30/11/2026`. */
const dayVi = (value: string) => value.replace(/^(\d{4})-(\d{2})-(\d{2})$/, "$3/$2/$1");

/**
 * The month's evaluations as "CSV cho Excel" (`format=excel-csv`, docs/contract.md §18): the workbook's first sheet
 * — its Vietnamese headers and columns — as UTF-8 with a BOM, `;`-separated and CRLF, numbers with a decimal comma
 * and dates as dd/MM/yyyy, so a double-click opens it in columns in Excel set to Vietnamese. The contract's CSV
 * (`format=csv`, §9) stays as it is for scripts.
 */
export function toExcelCsv(items: PeriodEvaluation[]): string {
  const lines = [MARKET_COLUMNS.map((c) => cell(c.header)).join(";")];
  for (const e of items)
    lines.push(
      MARKET_COLUMNS.map((c) => {
        const v = c.value(e);
        if (v === null) return "";
        if (typeof v === "number") return numberText(v, c.format === "pct");
        return cell(dayVi(v));
      }).join(";"),
    );
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
