import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, type PDFFont, type PDFPage, rgb } from "pdf-lib";
import { localDateOf, localMinuteOfDay } from "../calendar/localDate";
import type { PeriodEvaluation } from "../evaluation/monthOverMonth";
import { fontBytes, type RenderOptions } from "../poster/poster";
import type { Cause } from "../uptime/causes";
import { dayMonth, formatNumber, formatPct, formatSigned, monthVi, RATING_VI } from "./labels";
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

function title(page: PDFPage, f: Fonts, heading: ReportHeading, items: PeriodEvaluation[]): number {
  let y = A4.height - MARGIN - 14;
  text(page, f, `Báo cáo chợ 4.0 tháng ${monthVi(heading.period)}`, { x: MARGIN, y, size: 18, font: "bold" });
  y -= 20;
  const where = heading.province ? `Tỉnh/Thành phố: ${heading.province}` : "Tất cả tỉnh/thành phố";
  const part = heading.part ? ` · phần ${heading.part.n}/${heading.part.of}` : "";
  text(page, f, `${where}${part}`, {
    x: MARGIN,
    y,
    size: 11,
  });
  y -= 15;
  const passed = items.filter((e) => e.rating === "pass").length;
  text(page, f, `${items.length} chợ · ${passed} đạt · lập ngày ${dayMonth(localDateOf(heading.madeAt))}`, {
    x: MARGIN,
    y,
    size: 9,
    colour: GREY,
  });
  if (items.some((e) => e.provisional)) {
    y -= 13;
    text(page, f, "* Tạm tính: kỳ chưa kết thúc, số liệu có thể còn thay đổi.", {
      x: MARGIN,
      y,
      size: 9,
      font: "bold",
    });
  }
  return y - 22;
}

function summaryHeader(page: PDFPage, f: Fonts, y: number): number {
  let x = MARGIN;
  for (const [i, c] of SUMMARY.entries()) {
    text(page, f, c.header, {
      x,
      y,
      size: 7.5,
      font: "bold",
      width: c.width - 3,
      align: i ? "right" : "left",
    });
    x += c.width;
  }
  rule(page, y - 4);
  return y - 14;
}

/** The summary table, one row per market, over as many pages as it takes. */
function drawSummary(doc: PDFDocument, f: Fonts, heading: ReportHeading, items: PeriodEvaluation[]): void {
  let page = doc.addPage([A4.width, A4.height]);
  let y = summaryHeader(page, f, title(page, f, heading, items));
  for (const e of items) {
    if (y < MARGIN + 10) {
      page = doc.addPage([A4.width, A4.height]);
      y = summaryHeader(page, f, A4.height - MARGIN - 10);
    }
    let x = MARGIN;
    for (const [i, c] of SUMMARY.entries()) {
      // The name is the column that gets cut: the provisional mark goes beside the rating instead.
      const value = i === SUMMARY.length - 1 && e.provisional ? `${c.value(e)} *` : c.value(e);
      text(page, f, value, { x, y, size: 8, width: c.width - 3, align: i ? "right" : "left" });
      x += c.width;
    }
    y -= 13;
  }
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
  text(page, f, e.market.name, { x: MARGIN, y, size: 16, font: "bold", width: INNER - 110 });
  text(page, f, RATING_VI[e.rating], {
    x: A4.width - MARGIN - 110,
    y,
    size: 12,
    font: "bold",
    width: 110,
    align: "right",
  });
  y -= 16;
  text(
    page,
    f,
    `${e.market.commune} · ${e.market.province} · ${dayMonth(e.period.from)}–${dayMonth(e.period.to)}/${e.period.to.slice(0, 4)} · phiên bản ${e.version}${e.provisional ? " · tạm tính" : ""}`,
    {
      x: MARGIN,
      y,
      size: 9,
      colour: GREY,
      width: INNER,
    },
  );
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
    ["Giá trị so tháng trước", mom ? formatSigned(mom.value.changePct, "%") : "—"],
  ];
  for (let i = 0; i < left.length; i++) {
    figure(page, f, left[i]![0], left[i]![1], MARGIN, y);
    figure(page, f, right[i]![0], right[i]![1], MARGIN + INNER / 2 + 10, y);
    y -= 13;
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
    for (const [c, col] of cols.entries()) {
      text(page, f, cells[c]!, { x, y, size: 8, width: col.width - 4, align: c === 3 ? "right" : "left" });
      x += col.width;
    }
    y -= 12;
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
  doc.registerFontkit(fontkit);
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
