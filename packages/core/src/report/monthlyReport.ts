import { PDFDocument, type PDFFont, type PDFPage, rgb } from "pdf-lib";
import { localDateOf, localMinuteOfDay } from "../calendar/localDate";
import type { PeriodEvaluation } from "../evaluation/monthOverMonth";
import { fontBytes, loadFontkit, type RenderOptions } from "../poster/poster";
import type { Cause } from "../uptime/causes";
import { dayMonth, feesSentence, formatNumber, formatPct, formatSigned, monthVi, RATING_VI } from "./labels";
import { type Letterhead, letterheadFor, placeAndDate } from "./letterhead";
import type { MarketPage } from "./reportData";

/** A4 portrait in PDF points. */
export const A4 = { width: 595.28, height: 841.89 } as const;
const MARGIN = 40;
const INNER = A4.width - 2 * MARGIN;
const BLACK = rgb(0, 0, 0);
const GREY = rgb(0.45, 0.45, 0.45);
const LIGHT = rgb(0.85, 0.85, 0.85);
const BAR = rgb(0.12, 0.4, 0.7);

/** How many market pages are gathered from the store at once: bounds both memory and the store's read rate. */
export const PAGES_IN_FLIGHT = 8;

const CAUSE_VI: Record<Cause, string> = {
  network: "Mất mạng",
  provider: "Lỗi nhà cung cấp",
  power: "Mất điện",
  other: "Khác",
  "payments-stopped": "Tiền ngừng về",
};

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

interface Text {
  x: number;
  y: number;
  size: number;
  font?: "regular" | "bold";
  colour?: typeof BLACK;
  align?: "left" | "right" | "centre";
  width?: number;
}

/**
 * Text widths at size 1, per embedded font (so per document). Measuring shapes the text with fontkit, which is most
 * of a report's rendering time (docs/benchmarks.md); labels, dates and headers repeat on every page.
 */
const widths = new WeakMap<PDFFont, Map<string, number>>();

function widthOf(font: PDFFont, s: string, size: number): number {
  let known = widths.get(font);
  if (!known) {
    known = new Map();
    widths.set(font, known);
  }
  let w = known.get(s);
  if (w === undefined) {
    w = font.widthOfTextAtSize(s, 1);
    known.set(s, w);
  }
  return w * size;
}

/** The longest prefix of `s` that fits `width` with "…" after it (binary search: few measurements). */
function cut(font: PDFFont, s: string, size: number, width: number): string {
  let [lo, hi] = [1, s.length - 1];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (widthOf(font, `${s.slice(0, mid)}…`, size) <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${s.slice(0, lo)}…`;
}

/**
 * `s` broken into lines that fit `width`, at spaces (a word longer than the width is broken inside): what a table
 * cell or a heading needs so that nothing is cut off.
 */
export function wrap(font: PDFFont, s: string, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of s.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (widthOf(font, next, size) <= width) {
      line = next;
      continue;
    }
    if (line) lines.push(line);
    line = word;
    while (widthOf(font, line, size) > width && line.length > 1) {
      let n = line.length - 1;
      while (n > 1 && widthOf(font, line.slice(0, n), size) > width) n--;
      lines.push(line.slice(0, n));
      line = line.slice(n);
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/** Draws `value` wrapped to `t.width`, one line under another `lead` apart; returns the y under the last line. */
function paragraph(
  page: PDFPage,
  f: Fonts,
  value: string,
  t: Text & { width: number },
  lead = t.size + 2,
): number {
  let y = t.y;
  for (const line of wrap(f[t.font ?? "regular"], value, t.size, t.width)) {
    text(page, f, line, { ...t, y });
    y -= lead;
  }
  return y;
}

/** Draws one line of text; cut with "…" to `width` when given, aligned inside it. */
function text(page: PDFPage, f: Fonts, value: string, t: Text): void {
  const font = f[t.font ?? "regular"];
  let s = value;
  if (t.width !== undefined && widthOf(font, s, t.size) > t.width) s = cut(font, s, t.size, t.width);
  const w = widthOf(font, s, t.size);
  const x =
    t.align === "right" && t.width !== undefined
      ? t.x + t.width - w
      : t.align === "centre" && t.width !== undefined
        ? t.x + (t.width - w) / 2
        : t.x;
  page.drawText(s, { x, y: t.y, size: t.size, font, color: t.colour ?? BLACK });
}

function rule(page: PDFPage, y: number, colour = BLACK, thickness = 0.5): void {
  page.drawLine({ start: { x: MARGIN, y }, end: { x: A4.width - MARGIN, y }, thickness, color: colour });
}

/** `2026-10-07T01:30:00Z` → `07/10 08:30` (Vietnam time). */
function localDateTime(iso: string): string {
  const m = localMinuteOfDay(iso);
  const hhmm = `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  return `${dayMonth(localDateOf(iso))} ${hhmm}`;
}

interface SummaryColumn {
  header: string;
  width: number;
  value: (e: PeriodEvaluation) => string;
}

const SUMMARY: SummaryColumn[] = [
  { header: "Chợ", width: 114, value: (e) => e.market.name },
  { header: "Hoạt động", width: 46, value: (e) => formatPct(e.uptime.uptimePct) },
  { header: "Có QR", width: 42, value: (e) => formatPct(e.uptake.qrSharePct) },
  { header: "QR có GD", width: 44, value: (e) => formatPct(e.uptake.activeSharePct) },
  { header: "Giao dịch", width: 42, value: (e) => formatNumber(e.uptake.transactions) },
  { header: "Giá trị (đồng)", width: 70, value: (e) => formatNumber(e.uptake.value) },
  {
    header: "± giá trị",
    width: 50,
    // "—" when a part of a month would be compared with a whole one; the note under the table says so.
    value: (e) => formatSigned(e.monthOverMonth?.value.changePct ?? null, "%"),
  },
  { header: "Người trả", width: 40, value: (e) => formatNumber(e.uptake.uniquePayers) },
  { header: "Xếp loại", width: 62, value: (e) => RATING_VI[e.rating] },
];

export interface ReportHeading {
  period: string;
  /** The province the report covers; absent for a report over every province. */
  province?: string;
  /** When the report was made (UTC ISO). */
  madeAt: string;
  /** Which part this is, when the report comes in parts. */
  part?: { n: number; of: number };
}

/**
 * The administrative header (Decree 30/2020/NĐ-CP, Appendix I): the issuing body under its parent body and the
 * document number on the left; the national title and motto on the right, underlined; the place and date line;
 * then the report's name. Returns the y under it.
 */
function letterhead(page: PDFPage, f: Fonts, heading: ReportHeading, lh: Letterhead): number {
  const top = A4.height - MARGIN - 6;
  const leftW = 220;
  const rightX = MARGIN + leftW + 15;
  const rightW = A4.width - MARGIN - rightX;
  let yl = paragraph(
    page,
    f,
    lh.parentBody,
    { x: MARGIN, y: top, size: 10, width: leftW, align: "centre" },
    12,
  );
  if (lh.issuingBody) {
    yl = paragraph(
      page,
      f,
      lh.issuingBody,
      { x: MARGIN, y: yl, size: 10, font: "bold", width: leftW, align: "centre" },
      12,
    );
  }
  const ruleW = 60;
  page.drawLine({
    start: { x: MARGIN + (leftW - ruleW) / 2, y: yl + 8 },
    end: { x: MARGIN + (leftW + ruleW) / 2, y: yl + 8 },
    thickness: 0.5,
    color: BLACK,
  });
  yl -= 8;
  text(page, f, `Số: ……/${lh.numberSuffix}`, { x: MARGIN, y: yl, size: 10, width: leftW, align: "centre" });
  let yr = top;
  text(page, f, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", {
    x: rightX,
    y: yr,
    size: 10,
    font: "bold",
    width: rightW,
    align: "centre",
  });
  yr -= 13;
  const motto = "Độc lập - Tự do - Hạnh phúc";
  text(page, f, motto, { x: rightX, y: yr, size: 11, font: "bold", width: rightW, align: "centre" });
  const mottoW = widthOf(f.bold, motto, 11);
  page.drawLine({
    start: { x: rightX + (rightW - mottoW) / 2, y: yr - 3 },
    end: { x: rightX + (rightW + mottoW) / 2, y: yr - 3 },
    thickness: 0.5,
    color: BLACK,
  });
  yr -= 22;
  text(page, f, placeAndDate(lh.place ?? "", localDateOf(heading.madeAt)), {
    x: rightX,
    y: yr,
    size: 10,
    width: rightW,
    align: "centre",
  });
  let y = Math.min(yl, yr) - 30;
  text(page, f, "BÁO CÁO", { x: MARGIN, y, size: 14, font: "bold", width: INNER, align: "centre" });
  y -= 17;
  const where = heading.province ? ` tỉnh ${heading.province}` : " trên cả nước";
  y = paragraph(
    page,
    f,
    `Kết quả đánh giá mô hình chợ 4.0${where} tháng ${monthVi(heading.period)}`,
    { x: MARGIN, y, size: 11, font: "bold", width: INNER, align: "centre" },
    14,
  );
  if (heading.part) {
    text(page, f, `(Phần ${heading.part.n}/${heading.part.of})`, {
      x: MARGIN,
      y,
      size: 10,
      width: INNER,
      align: "centre",
    });
    y -= 14;
  }
  return y - 10;
}

/** The province's totals and averages, as the summary's last row and the report's opening figures. */
export function provinceTotals(items: PeriodEvaluation[]) {
  const sum = (f: (e: PeriodEvaluation) => number) => items.reduce((n, e) => n + f(e), 0);
  const mean = (f: (e: PeriodEvaluation) => number | null) => {
    const known = items.map(f).filter((v): v is number => v !== null);
    return known.length ? Math.round((100 * known.reduce((a, b) => a + b, 0)) / known.length) / 100 : null;
  };
  return {
    markets: items.length,
    pass: items.filter((e) => e.rating === "pass").length,
    fail: items.filter((e) => e.rating === "fail").length,
    insufficient: items.filter((e) => e.rating === "insufficient-data").length,
    provisional: items.filter((e) => e.provisional).length,
    stalls: sum((e) => e.uptake.stalls),
    stallsWithQr: sum((e) => e.uptake.stallsWithQr),
    transactions: sum((e) => e.uptake.transactions),
    value: sum((e) => e.uptake.value),
    uniquePayers: sum((e) => e.uptake.uniquePayers),
    uptimePct: mean((e) => e.uptime.uptimePct),
    qrSharePct: mean((e) => e.uptake.qrSharePct),
    activeSharePct: mean((e) => e.uptake.activeSharePct),
    fees: feeTotals(items),
  };
}

/**
 * The board's fees summed over the markets that have them (issue 29), the shares recomputed from the sums (so a
 * province's share weighs each market by its fees, as the finance department counts them); null when none has fees.
 */
export function feeTotals(items: PeriodEvaluation[]): NonNullable<PeriodEvaluation["fees"]> | null {
  const withFees = items.flatMap((e) => (e.fees ? [e.fees] : []));
  if (withFees.length === 0) return null;
  const sum = (
    k: "bills" | "billed" | "waived" | "collected" | "collectedCashless" | "excess" | "outstanding",
  ) => withFees.reduce((n, f) => n + f[k], 0);
  const pct = (num: number, den: number) => (den <= 0 ? null : Math.round((10_000 * num) / den) / 100);
  const [billed, waived, collected, collectedCashless] = [
    sum("billed"),
    sum("waived"),
    sum("collected"),
    sum("collectedCashless"),
  ];
  return {
    bills: sum("bills"),
    billed,
    waived,
    collected,
    collectedCashless,
    excess: sum("excess"),
    outstanding: sum("outstanding"),
    feesCashlessPct: pct(collectedCashless, collected),
    feesCollectedPct: pct(collected, billed - waived),
  };
}

/** "I. Tổng hợp": the province's figures in sentences a reader files, before any table. */
function provinceSummary(page: PDFPage, f: Fonts, items: PeriodEvaluation[], y: number): number {
  const t = provinceTotals(items);
  text(page, f, "I. TỔNG HỢP", { x: MARGIN, y, size: 10, font: "bold" });
  y -= 15;
  const lines = [
    `Số chợ được đánh giá: ${formatNumber(t.markets)} (Đạt: ${formatNumber(t.pass)}; Không đạt: ${formatNumber(t.fail)}; Chưa đủ dữ liệu: ${formatNumber(t.insufficient)}${t.provisional ? `; tạm tính: ${formatNumber(t.provisional)}` : ""}).`,
    `Tổng số quầy: ${formatNumber(t.stalls)}, trong đó có mã QR: ${formatNumber(t.stallsWithQr)}.`,
    `Tổng số giao dịch: ${formatNumber(t.transactions)}; tổng giá trị: ${formatNumber(t.value)} đồng; người trả tiền khác nhau (cộng theo chợ): ${formatNumber(t.uniquePayers)}.`,
    `Bình quân các chợ: tỷ lệ hoạt động ${formatPct(t.uptimePct)}; tỷ lệ quầy có QR ${formatPct(t.qrSharePct)}; tỷ lệ quầy QR có giao dịch ${formatPct(t.activeSharePct)}.`,
    ...(t.fees
      ? [
          `${feesSentence(t.fees)} (${formatNumber(items.filter((e) => e.fees).length)} chợ có biểu phí; tỷ lệ phí đã thu ${formatPct(t.fees.feesCollectedPct)}).`,
        ]
      : []),
  ];
  for (const line of lines)
    y = paragraph(page, f, `- ${line}`, { x: MARGIN + 8, y, size: 9.5, width: INNER - 8 }, 12.5);
  if (t.provisional > 0)
    y = paragraph(
      page,
      f,
      "* Tạm tính: kỳ chưa kết thúc, số liệu có thể còn thay đổi.",
      { x: MARGIN + 8, y, size: 9, width: INNER - 8 },
      12,
    );
  y -= 6;
  text(page, f, "II. KẾT QUẢ TỪNG CHỢ", { x: MARGIN, y, size: 10, font: "bold" });
  return y - 16;
}

/** A table row whose cells wrap (nothing is cut off); returns the y under it. */
function tableRow(page: PDFPage, f: Fonts, cells: string[], y: number, bold = false): number {
  const font = bold ? "bold" : "regular";
  let x = MARGIN;
  let lowest = y;
  for (const [i, c] of SUMMARY.entries()) {
    const under = paragraph(
      page,
      f,
      cells[i]!,
      { x, y, size: 7.5, font, width: c.width - 4, align: i ? "right" : "left" },
      9,
    );
    lowest = Math.min(lowest, under);
    x += c.width;
  }
  return lowest - 4;
}

function rowHeight(f: Fonts, cells: string[], bold = false): number {
  const font = bold ? f.bold : f.regular;
  return Math.max(...SUMMARY.map((c, i) => wrap(font, cells[i]!, 7.5, c.width - 4).length)) * 9 + 4;
}

function summaryHeader(page: PDFPage, f: Fonts, y: number): number {
  const under = tableRow(
    page,
    f,
    SUMMARY.map((c) => c.header),
    y,
    true,
  );
  rule(page, under + 5);
  return under - 6;
}

/** "Nơi nhận" on the left and the signature block on the right, as Decree 30 places them. */
function footer(page: PDFPage, f: Fonts, lh: Letterhead, y: number): void {
  const half = INNER / 2;
  let yl = y;
  text(page, f, "Nơi nhận:", { x: MARGIN, y: yl, size: 9, font: "bold" });
  yl -= 11;
  for (const r of lh.recipients)
    yl = paragraph(page, f, `- ${r};`, { x: MARGIN, y: yl, size: 8, width: half - 10 }, 10);
  const x = MARGIN + half;
  let yr = y;
  for (const line of [lh.signerAuthority, lh.signerTitle].filter(Boolean)) {
    text(page, f, line, { x, y: yr, size: 10, font: "bold", width: half, align: "centre" });
    yr -= 13;
  }
  text(page, f, "(Ký, ghi rõ họ tên và đóng dấu)", {
    x,
    y: yr,
    size: 8.5,
    colour: GREY,
    width: half,
    align: "centre",
  });
  yr -= 60;
  if (lh.signerName)
    text(page, f, lh.signerName, { x, y: yr, size: 10, font: "bold", width: half, align: "centre" });
}

const FOOTER_HEIGHT = 120;

/** The first pages: the letterhead, the province's totals, the summary table with its totals row, the footer. */
function drawSummary(doc: PDFDocument, f: Fonts, heading: ReportHeading, items: PeriodEvaluation[]): void {
  const lh = letterheadFor(heading.province);
  let page = doc.addPage([A4.width, A4.height]);
  let y = summaryHeader(page, f, provinceSummary(page, f, items, letterhead(page, f, heading, lh)));
  const t = provinceTotals(items);
  const totalsRow = [
    "Tổng cộng / bình quân",
    formatPct(t.uptimePct),
    formatPct(t.qrSharePct),
    formatPct(t.activeSharePct),
    formatNumber(t.transactions),
    formatNumber(t.value),
    "",
    formatNumber(t.uniquePayers),
    `Đạt ${t.pass}/${t.markets}`,
  ];
  const rows = items.map((e) =>
    SUMMARY.map((c, i) => (i === SUMMARY.length - 1 && e.provisional ? `${c.value(e)} *` : c.value(e))),
  );
  for (const cells of [...rows, totalsRow]) {
    const bold = cells === totalsRow;
    if (y - rowHeight(f, cells, bold) < MARGIN) {
      page = doc.addPage([A4.width, A4.height]);
      y = summaryHeader(page, f, A4.height - MARGIN - 10);
    }
    if (bold) rule(page, y + 8);
    y = tableRow(page, f, cells, y, bold);
  }
  if (y - FOOTER_HEIGHT < MARGIN) {
    page = doc.addPage([A4.width, A4.height]);
    y = A4.height - MARGIN - 10;
  }
  footer(page, f, lh, y - 16);
}

/**
 * The axis top: the next of 2, 5, 10, 20, 50, … at or above `n`, so both gridlines (top and middle) fall on whole,
 * round numbers for counts and for đồng.
 */
export function niceCeiling(n: number): number {
  let top = 2;
  for (let scale = 1; top < n; scale *= 10) {
    for (const step of [2, 5, 10]) {
      top = step * scale;
      if (top >= n) break;
    }
  }
  return top;
}

/** Vertical bars, one per day, with the axis labelled dd/MM and the tallest bar's value on the y axis. */
function barChart(
  page: PDFPage,
  f: Fonts,
  caption: string,
  days: { date: string; amount: number }[],
  top: number,
  height: number,
): number {
  text(page, f, caption, { x: MARGIN, y: top, size: 10, font: "bold" });
  const axisX = MARGIN + 56;
  const plotW = A4.width - MARGIN - axisX;
  const bottom = top - 14 - height;
  const max = niceCeiling(Math.max(0, ...days.map((d) => d.amount)));
  // Gridlines at the top and the middle, labelled on the y axis.
  for (const share of [0.5, 1]) {
    const gy = bottom + share * height;
    page.drawLine({
      start: { x: axisX, y: gy },
      end: { x: axisX + plotW, y: gy },
      thickness: 0.3,
      color: LIGHT,
    });
    text(page, f, formatNumber(max * share), { x: MARGIN, y: gy - 3, size: 7, width: 52, align: "right" });
  }
  text(page, f, "0", { x: MARGIN, y: bottom - 3, size: 7, width: 52, align: "right" });
  const slot = plotW / Math.max(1, days.length);
  for (const [i, d] of days.entries()) {
    if (d.amount > 0 && max > 0) {
      const h = (d.amount / max) * height;
      page.drawRectangle({
        x: axisX + i * slot + slot * 0.15,
        y: bottom,
        width: slot * 0.7,
        height: h,
        color: BAR,
      });
    }
  }
  page.drawLine({
    start: { x: axisX, y: bottom },
    end: { x: axisX + plotW, y: bottom },
    thickness: 0.6,
    color: BLACK,
  });
  // Every day's label would collide on a 31-day month: label the 1st and every 5th day after it.
  const every = days.length > 16 ? 5 : 1;
  for (const [i, d] of days.entries()) {
    if (i % every !== 0) continue;
    text(page, f, dayMonth(d.date), {
      x: axisX + i * slot - 14 + slot / 2,
      y: bottom - 11,
      size: 7,
      width: 28,
      align: "centre",
    });
  }
  return bottom - 28;
}

function figure(page: PDFPage, f: Fonts, label: string, value: string, x: number, y: number): void {
  text(page, f, label, { x, y, size: 9, colour: GREY, width: 150 });
  text(page, f, value, { x: x + 150, y, size: 9, font: "bold", width: 95 });
}

/** One market's page: its figures, the change from last month, two daily charts, the incidents that cost uptime. */
function drawMarket(doc: PDFDocument, f: Fonts, m: MarketPage): void {
  const page = doc.addPage([A4.width, A4.height]);
  const e = m.evaluation;
  let y = A4.height - MARGIN - 14;
  // A long name wraps under itself rather than losing its end.
  y =
    paragraph(page, f, e.market.name, { x: MARGIN, y, size: 16, font: "bold", width: INNER - 110 }, 18) + 18;
  text(page, f, RATING_VI[e.rating], {
    x: A4.width - MARGIN - 110,
    y,
    size: 12,
    font: "bold",
    width: 110,
    align: "right",
  });
  y -= 16;
  y =
    paragraph(
      page,
      f,
      `${e.market.commune} · ${e.market.province} · ${dayMonth(e.period.from)}–${dayMonth(e.period.to)}/${e.period.to.slice(0, 4)} · phiên bản ${e.version}${e.provisional ? " · tạm tính" : ""}`,
      { x: MARGIN, y, size: 9, colour: GREY, width: INNER },
      11,
    ) + 11;
  y -= 10;
  rule(page, y);
  y -= 16;
  const mom = e.monthOverMonth;
  const left: [string, string][] = [
    ["Tỷ lệ hoạt động", formatPct(e.uptime.uptimePct)],
    ["Phiên chợ theo lịch", formatNumber(e.uptime.scheduledSessions)],
    ["Phút gián đoạn", formatNumber(e.uptime.downMinutes)],
    ["Phiên có giao dịch", formatPct(e.uptime.activeSessionsPct)],
    ["Số giao dịch", formatNumber(e.uptake.transactions)],
    ["Giá trị (đồng)", formatNumber(e.uptake.value)],
  ];
  const right: [string, string][] = [
    [
      "Tỷ lệ quầy có QR",
      `${formatPct(e.uptake.qrSharePct)} (${formatNumber(e.uptake.stallsWithQr)}/${formatNumber(e.uptake.stalls)})`,
    ],
    ["Tỷ lệ quầy QR có giao dịch", formatPct(e.uptake.activeSharePct)],
    ["Người trả tiền khác nhau", formatNumber(e.uptake.uniquePayers)],
    ["Giao dịch trung vị (đồng)", formatNumber(e.uptake.medianTicket)],
    ["QR so tháng trước", mom ? formatSigned(mom.qrSharePct.points, " điểm %") : "—"],
    [
      "Giá trị so tháng trước",
      mom?.partial ? "— (tháng chưa trọn)" : mom ? formatSigned(mom.value.changePct, "%") : "—",
    ],
  ];
  for (let i = 0; i < left.length; i++) {
    figure(page, f, left[i]![0], left[i]![1], MARGIN, y);
    figure(page, f, right[i]![0], right[i]![1], MARGIN + INNER / 2 + 10, y);
    y -= 13;
  }
  if (e.fees) {
    y -= 3;
    y = paragraph(
      page,
      f,
      `${feesSentence(e.fees)}; tỷ lệ phí đã thu ${formatPct(e.fees.feesCollectedPct)}.`,
      {
        x: MARGIN,
        y,
        size: 9,
        width: INNER,
      },
    );
  }
  y -= 14;
  y = barChart(
    page,
    f,
    "Số giao dịch theo ngày",
    m.days.map((d) => ({ date: d.date, amount: d.count })),
    y,
    120,
  );
  y = barChart(
    page,
    f,
    "Giá trị theo ngày (đồng)",
    m.days.map((d) => ({ date: d.date, amount: d.value })),
    y,
    120,
  );

  text(page, f, "Sự cố làm giảm thời gian hoạt động", { x: MARGIN, y, size: 10, font: "bold" });
  y -= 15;
  if (m.incidents.length === 0) {
    text(page, f, "Không có sự cố nào được báo cáo trong giờ phiên chợ.", {
      x: MARGIN,
      y,
      size: 9,
      colour: GREY,
    });
    return;
  }
  const cols = [
    { header: "Bắt đầu", width: 70 },
    { header: "Kết thúc", width: 70 },
    { header: "Nguyên nhân", width: 90 },
    { header: "Phút mất", width: 50 },
    { header: "Ghi chú", width: INNER - 280 },
  ];
  let x = MARGIN;
  for (const c of cols) {
    text(page, f, c.header, {
      x,
      y,
      size: 8,
      font: "bold",
      width: c.width - 4,
      align: c.header === "Phút mất" ? "right" : "left",
    });
    x += c.width + 0;
  }
  rule(page, y - 4, GREY);
  y -= 14;
  for (const [n, i] of m.incidents.entries()) {
    if (y < MARGIN + 12) {
      text(page, f, `… và ${m.incidents.length - n} sự cố khác`, { x: MARGIN, y, size: 8, colour: GREY });
      return;
    }
    const cells = [
      localDateTime(i.startedAt),
      i.endedAt ? localDateTime(i.endedAt) : "chưa kết thúc",
      CAUSE_VI[i.cause],
      formatNumber(i.lostMinutes),
      i.note ?? "",
    ];
    x = MARGIN;
    let lowest = y;
    for (const [c, col] of cols.entries()) {
      const under = paragraph(
        page,
        f,
        cells[c]!,
        { x, y, size: 8, width: col.width - 4, align: c === 3 ? "right" : "left" },
        10,
      );
      lowest = Math.min(lowest, under);
      x += col.width;
    }
    y = lowest - 2;
  }
}

/**
 * The province's printable monthly report (docs/contract.md §15): a summary table of every market, then a page
 * per market. `pageOf` gathers a market's page data; at most `PAGES_IN_FLIGHT` are gathered at once and each is
 * drawn and dropped before the next batch, so memory holds the document and a few markets' data, not the province's.
 */
export async function renderMonthlyReport(
  heading: ReportHeading,
  items: PeriodEvaluation[],
  pageOf: (e: PeriodEvaluation) => Promise<MarketPage>,
  options: RenderOptions = {},
): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(await loadFontkit());
  const bytes = fontBytes(options.fontDir);
  const f: Fonts = {
    regular: await doc.embedFont(bytes.regular, { subset: true }),
    bold: await doc.embedFont(bytes.bold, { subset: true }),
  };
  doc.setTitle(
    `Báo cáo chợ 4.0 tháng ${monthVi(heading.period)}${heading.province ? ` — ${heading.province}` : ""}`,
  );
  doc.setLanguage("vi-VN");
  doc.setCreator("market40");
  doc.setProducer("market40");
  const made = new Date(heading.madeAt);
  doc.setCreationDate(made);
  doc.setModificationDate(made);

  drawSummary(doc, f, heading, items);
  for (let i = 0; i < items.length; i += PAGES_IN_FLIGHT) {
    const pages = await Promise.all(items.slice(i, i + PAGES_IN_FLIGHT).map(pageOf));
    for (const p of pages) {
      drawMarket(doc, f, p);
      // Let other requests in between pages: on `npm start` the report renders on the server's own thread.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return doc.save({ useObjectStreams: true });
}
