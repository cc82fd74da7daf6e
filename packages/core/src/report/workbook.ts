import type { Cell, Worksheet } from "exceljs";
import { localDateOf } from "../calendar/localDate";
import type { PeriodEvaluation } from "../evaluation/monthOverMonth";
import { definitions, methodOf, monthVi, RATING_VI } from "./labels";

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Number formats: VND as whole numbers with thousands separators; shares as percentages of 1. */
export const FORMATS = {
  vnd: "#,##0",
  count: "#,##0",
  pct: "0.00%",
  points: "+0.00%;-0.00%;0.00%",
  signed: "+#,##0;-#,##0;0",
} as const;

type Format = keyof typeof FORMATS | "text";

interface Column {
  header: string;
  width: number;
  format: Format;
  value: (e: PeriodEvaluation) => string | number | null;
}

/** Percent (75.5) as Excel's fraction (0.755), so the cell is a number a formula can use; null stays empty. */
const fraction = (n: number | null | undefined) => (n === null || n === undefined ? null : n / 100);

/** Sheet 1: one row per market, the evaluation's figures under Vietnamese headers. */
export const MARKET_COLUMNS: Column[] = [
  { header: "Mã chợ", width: 14, format: "text", value: (e) => e.marketId },
  { header: "Tên chợ", width: 28, format: "text", value: (e) => e.market.name },
  { header: "Tỉnh/Thành phố", width: 16, format: "text", value: (e) => e.market.province },
  { header: "Xã/Phường", width: 16, format: "text", value: (e) => e.market.commune },
  { header: "Từ ngày", width: 11, format: "text", value: (e) => e.period.from },
  { header: "Đến ngày", width: 11, format: "text", value: (e) => e.period.to },
  { header: "Tạm tính", width: 9, format: "text", value: (e) => (e.provisional ? "Có" : "Không") },
  { header: "Xếp loại", width: 15, format: "text", value: (e) => RATING_VI[e.rating] },
  { header: "Tỷ lệ hoạt động", width: 12, format: "pct", value: (e) => fraction(e.uptime.uptimePct) },
  { header: "Phiên chợ theo lịch", width: 10, format: "count", value: (e) => e.uptime.scheduledSessions },
  { header: "Phút mở cửa theo lịch", width: 11, format: "count", value: (e) => e.uptime.scheduledMinutes },
  { header: "Phút gián đoạn", width: 10, format: "count", value: (e) => e.uptime.downMinutes },
  { header: "Số sự cố", width: 8, format: "count", value: (e) => e.uptime.incidents },
  { header: "Phiên có bằng chứng", width: 10, format: "count", value: (e) => e.uptime.sessionsWithEvidence },
  { header: "Phiên có giao dịch", width: 10, format: "count", value: (e) => e.uptime.activeSessions },
  {
    header: "Tỷ lệ phiên có giao dịch",
    width: 12,
    format: "pct",
    value: (e) => fraction(e.uptime.activeSessionsPct),
  },
  { header: "Số quầy", width: 8, format: "count", value: (e) => e.uptake.stalls },
  { header: "Quầy có QR", width: 9, format: "count", value: (e) => e.uptake.stallsWithQr },
  { header: "Tỷ lệ quầy có QR", width: 12, format: "pct", value: (e) => fraction(e.uptake.qrSharePct) },
  { header: "Quầy có giao dịch", width: 10, format: "count", value: (e) => e.uptake.activeStalls },
  {
    header: "Tỷ lệ quầy QR có giao dịch",
    width: 13,
    format: "pct",
    value: (e) => fraction(e.uptake.activeSharePct),
  },
  { header: "Số giao dịch", width: 10, format: "count", value: (e) => e.uptake.transactions },
  { header: "Giá trị (đồng)", width: 15, format: "vnd", value: (e) => e.uptake.value },
  { header: "Giao dịch trung vị (đồng)", width: 13, format: "vnd", value: (e) => e.uptake.medianTicket },
  { header: "Người trả tiền khác nhau", width: 11, format: "count", value: (e) => e.uptake.uniquePayers },
  // The board's fees (issue 29): empty for a market without fees.
  { header: "Phí chợ đã lập (đồng)", width: 14, format: "vnd", value: (e) => e.fees?.billed ?? null },
  { header: "Phí chợ được miễn (đồng)", width: 13, format: "vnd", value: (e) => e.fees?.waived ?? null },
  { header: "Phí chợ đã thu (đồng)", width: 14, format: "vnd", value: (e) => e.fees?.collected ?? null },
  {
    header: "Phí chợ thu qua QR (đồng)",
    width: 14,
    format: "vnd",
    value: (e) => e.fees?.collectedCashless ?? null,
  },
  { header: "Phí chợ còn nợ (đồng)", width: 14, format: "vnd", value: (e) => e.fees?.outstanding ?? null },
  {
    header: "Tỷ lệ phí thu không dùng tiền mặt",
    width: 14,
    format: "pct",
    value: (e) => fraction(e.fees?.feesCashlessPct),
  },
  { header: "Tỷ lệ phí đã thu", width: 12, format: "pct", value: (e) => fraction(e.fees?.feesCollectedPct) },
  { header: "Phiên bản", width: 8, format: "count", value: (e) => e.version },
  { header: "Ngày tính", width: 11, format: "text", value: (e) => localDateOf(e.computedAt) },
];

/** Sheet 3: the change from the previous month; a market not evaluated then has only its names. */
export const CHANGE_COLUMNS: Column[] = [
  { header: "Mã chợ", width: 14, format: "text", value: (e) => e.marketId },
  { header: "Tên chợ", width: 28, format: "text", value: (e) => e.market.name },
  {
    header: "Tháng so sánh",
    width: 11,
    format: "text",
    value: (e) => (e.monthOverMonth ? monthVi(e.monthOverMonth.previous.period) : "Chưa có"),
  },
  {
    header: "Tháng trước tạm tính",
    width: 11,
    format: "text",
    value: (e) => (e.monthOverMonth ? (e.monthOverMonth.previous.provisional ? "Có" : "Không") : null),
  },
  {
    header: "Tỷ lệ quầy có QR tháng trước",
    width: 13,
    format: "pct",
    value: (e) => fraction(e.monthOverMonth?.qrSharePct.previous),
  },
  {
    header: "Tỷ lệ quầy có QR: thay đổi (điểm %)",
    width: 14,
    format: "points",
    value: (e) => fraction(e.monthOverMonth?.qrSharePct.points),
  },
  {
    header: "Tỷ lệ quầy QR có giao dịch tháng trước",
    width: 14,
    format: "pct",
    value: (e) => fraction(e.monthOverMonth?.activeSharePct.previous),
  },
  {
    header: "Tỷ lệ quầy QR có giao dịch: thay đổi (điểm %)",
    width: 15,
    format: "points",
    value: (e) => fraction(e.monthOverMonth?.activeSharePct.points),
  },
  {
    header: "Giá trị tháng trước (đồng)",
    width: 15,
    format: "vnd",
    value: (e) => e.monthOverMonth?.value.previous ?? null,
  },
  {
    header: "Giá trị: thay đổi (đồng)",
    width: 15,
    format: "signed",
    value: (e) => e.monthOverMonth?.value.change ?? null,
  },
  {
    header: "Giá trị: thay đổi (%)",
    width: 12,
    format: "points",
    value: (e) => fraction(e.monthOverMonth?.value.changePct),
  },
  {
    header: "Người trả tiền tháng trước",
    width: 12,
    format: "count",
    value: (e) => e.monthOverMonth?.uniquePayers.previous ?? null,
  },
  {
    header: "Người trả tiền: thay đổi",
    width: 12,
    format: "signed",
    value: (e) => e.monthOverMonth?.uniquePayers.change ?? null,
  },
  {
    header: "Người trả tiền: thay đổi (%)",
    width: 12,
    format: "points",
    value: (e) => fraction(e.monthOverMonth?.uniquePayers.changePct),
  },
  {
    header: "Ghi chú",
    width: 40,
    format: "text",
    value: (e) =>
      e.monthOverMonth?.partial
        ? "Một trong hai tháng chưa trọn: không so sánh giá trị, người trả tiền và tỷ lệ quầy QR có giao dịch"
        : null,
  },
];

function styleCell(cell: Cell, format: Format): void {
  if (format !== "text") cell.numFmt = FORMATS[format];
}

function table(sheet: Worksheet, columns: Column[], items: PeriodEvaluation[]): void {
  sheet.columns = columns.map((c) => ({ header: c.header, width: c.width }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: "top" };
  for (const e of items) {
    const row = sheet.addRow(columns.map((c) => c.value(e)));
    for (const [i, c] of columns.entries()) styleCell(row.getCell(i + 1), c.format);
  }
  // The header stays in view while scrolling down and across the market's name.
  sheet.views = [{ state: "frozen", xSplit: 2, ySplit: 1 }];
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
}

/** What the totals row does per column: sum the counts and money, average the shares (blank cells ignored). */
const TOTAL_OF: Partial<Record<Format, "SUM" | "AVERAGE">> = { count: "SUM", vnd: "SUM", pct: "AVERAGE" };
const NOT_TOTALLED = new Set(["Phiên bản", "Giao dịch trung vị (đồng)"]);

/**
 * A totals row under the markets, as the PDF's summary has (issue 27): sums of counts and money, averages of the
 * shares over the markets that have one. Formulas, so a clerk who filters or edits rows still gets true totals;
 * LibreOffice and Excel compute them on opening.
 */
function totals(sheet: Worksheet, rows: number): void {
  if (rows === 0) return;
  const last = rows + 1;
  const row = sheet.addRow([]);
  row.getCell(2).value = "Tổng cộng / bình quân";
  row.font = { bold: true };
  for (const [i, c] of MARKET_COLUMNS.entries()) {
    const fn = TOTAL_OF[c.format];
    if (!fn || NOT_TOTALLED.has(c.header)) continue;
    const letter = sheet.getColumn(i + 1).letter;
    row.getCell(i + 1).value = { formula: `IFERROR(${fn}(${letter}2:${letter}${last}),"")` };
    styleCell(row.getCell(i + 1), c.format);
  }
}

/**
 * The province's workbook for a month (docs/contract.md §15): "Đánh giá" one row per market, "Định nghĩa" the
 * definitions and thresholds the evaluations used, "So với tháng trước" the month-over-month change. Numbers are
 * numbers: VND `#,##0`, shares as percentage-formatted fractions, empty where the figure is undefined (null).
 * ExcelJS is loaded on first use, so the API's cold start does not pay for it.
 */
export async function renderWorkbook(period: string, items: PeriodEvaluation[]): Promise<Uint8Array> {
  const { default: ExcelJS } = await import("exceljs");
  const book = new ExcelJS.Workbook();
  book.creator = "market40";
  book.title = `Đánh giá chợ 4.0 tháng ${monthVi(period)}`;
  // A fixed date: the same evaluations give the same file.
  book.created = book.modified = new Date(`${period}-01T00:00:00Z`);

  const sheet = book.addWorksheet("Đánh giá");
  table(sheet, MARKET_COLUMNS, items);
  totals(sheet, items.length);

  const defs = book.addWorksheet("Định nghĩa");
  defs.columns = [
    { header: "Chỉ tiêu", width: 34 },
    { header: "Định nghĩa", width: 100 },
    { header: "Ngưỡng", width: 10 },
  ];
  defs.getRow(1).font = { bold: true };
  for (const d of definitions(methodOf(items))) {
    const row = defs.addRow([d.term, d.meaning, fraction(d.threshold)]);
    row.getCell(2).alignment = { wrapText: true, vertical: "top" };
    styleCell(row.getCell(3), "pct");
  }
  defs.views = [{ state: "frozen", ySplit: 1 }];

  table(book.addWorksheet("So với tháng trước"), CHANGE_COLUMNS, items);

  return new Uint8Array(await book.xlsx.writeBuffer());
}
