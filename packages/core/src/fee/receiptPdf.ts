import { type PDFPage, rgb } from "pdf-lib";
import { localDateOf, localMinuteOfDay } from "../calendar/localDate";
import { type Fonts, newDocument, type RenderOptions } from "../poster/poster";
import { wrap } from "../report/monthlyReport";
import { amountInWords } from "../vietnameseNumbers";
import type { PaidBy, ReceiptContent } from "./receipt";

/** A5 portrait in PDF points (148 × 210 mm): half an A4 sheet, what a cashier's receipt book uses. */
export const A5 = { width: 419.53, height: 595.28 } as const;
const MARGIN = 34;
const INNER = A5.width - 2 * MARGIN;
const BLACK = rgb(0, 0, 0);
const GREY = rgb(0.4, 0.4, 0.4);

const vnd = new Intl.NumberFormat("vi-VN");
/** `20000` → `20.000 ₫`. */
const money = (n: number) => `${vnd.format(n)} ₫`;

/** `2026-11-01` → `01/11/2026`. */
const dateVi = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;

/** `2026-11-01T01:30:00Z` → `08:30 01/11/2026` (Vietnam time). */
function timeVi(iso: string): string {
  const m = localMinuteOfDay(iso);
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")} ${dateVi(localDateOf(iso))}`;
}

/** The fee's period in words: "Phiên chợ ngày 01/11/2026", "Ngày 01/11/2026", "Tháng 11/2026". */
export function periodVi(period: ReceiptContent["period"], key: string): string {
  if (period === "month") return `Tháng ${key.slice(5, 7)}/${key.slice(0, 4)}`;
  return `${period === "session" ? "Phiên chợ ngày" : "Ngày"} ${dateVi(key)}`;
}

const PAID_BY: Record<PaidBy, string> = {
  qr: "Chuyển khoản bằng mã QR",
  cash: "Tiền mặt",
  both: "Chuyển khoản bằng mã QR và tiền mặt",
};

interface Line {
  size: number;
  bold?: boolean;
  grey?: boolean;
  align?: "left" | "centre" | "right";
}

/** Draws `text` wrapped to the page's width (or `width` from `x`); returns the y under it. */
function write(
  page: PDFPage,
  f: Fonts,
  text: string,
  y: number,
  line: Line,
  x = MARGIN,
  width = INNER,
): number {
  const font = line.bold ? f.bold : f.regular;
  for (const part of wrap(font, text, line.size, width)) {
    const w = font.widthOfTextAtSize(part, line.size);
    const at = line.align === "centre" ? x + (width - w) / 2 : line.align === "right" ? x + width - w : x;
    page.drawText(part, { x: at, y, size: line.size, font, color: line.grey ? GREY : BLACK });
    y -= line.size + 4;
  }
  return y;
}

/** A label and its value on one row (the value wraps under itself). */
function field(page: PDFPage, f: Fonts, label: string, value: string, y: number, bold = false): number {
  const labelW = 118;
  write(page, f, label, y, { size: 10, grey: true }, MARGIN, labelW - 6);
  return write(page, f, value, y, { size: 10.5, bold }, MARGIN + labelW, INNER - labelW) - 3;
}

/**
 * A fee receipt (biên lai thu phí, docs/contract.md §20) on one A5 page: the board and its account, the receipt
 * number, the stall and its vendor, the period and reference, the amount in figures and in words, how and when it
 * was paid, and a place for the cashier's signature.
 */
export async function renderReceipt(r: ReceiptContent, options: RenderOptions = {}): Promise<Uint8Array> {
  const { doc, fonts: f } = await newDocument(`Biên lai thu phí ${r.number} — ${r.marketName}`, options);
  const printed = new Date(r.printedAt);
  doc.setCreationDate(printed);
  doc.setModificationDate(printed);
  const page = doc.addPage([A5.width, A5.height]);
  let y = A5.height - MARGIN - 8;
  const left = INNER * 0.62;
  let yl = write(
    page,
    f,
    `BAN QUẢN LÝ ${r.marketName.toLocaleUpperCase("vi")}`,
    y,
    { size: 10, bold: true },
    MARGIN,
    left,
  );
  if (r.board)
    yl = write(
      page,
      f,
      `Tài khoản thu phí: ${r.board.accountName} — ${r.board.bankName}`,
      yl,
      { size: 8.5, grey: true },
      MARGIN,
      left,
    );
  const yr = write(page, f, `Số: ${r.number}`, y, { size: 10, align: "right" }, MARGIN + left, INNER - left);
  y = Math.min(yl, yr) - 18;
  y = write(page, f, "BIÊN LAI THU PHÍ CHỢ", y, { size: 16, bold: true, align: "centre" });
  y = write(page, f, `In lúc ${timeVi(r.printedAt)}`, y, { size: 9, grey: true, align: "centre" }) - 14;

  y = field(page, f, "Quầy", `${r.stallCode} — ${r.vendorName}`, y, true);
  y = field(page, f, "Kỳ thu phí", periodVi(r.period, r.periodKey), y);
  y = field(page, f, "Mã nộp phí", r.reference, y);
  y = field(page, f, "Số tiền phí", money(r.amount), y);
  y = field(page, f, "Số tiền đã nộp", money(r.received), y, true);
  y = field(page, f, "Bằng chữ", amountInWords(r.received), y, true);
  y = field(page, f, "Hình thức nộp", PAID_BY[r.paidBy], y);
  const times = r.payments.map(
    (p) => `${timeVi(p.at)}: ${money(p.amount)} ${p.by === "qr" ? "qua QR" : "tiền mặt"}`,
  );
  y = field(page, f, "Thời gian nộp", times.length ? times.join("; ") : "—", y);
  if (r.remaining > 0) y = field(page, f, "Còn phải nộp", money(r.remaining), y, true);
  if (r.excess > 0)
    y = field(page, f, "Nộp thừa", `${money(r.excess)} (ban quản lý chợ hoàn trả hoặc trừ vào kỳ sau)`, y);
  y = field(page, f, "Tình trạng", r.remaining > 0 ? "Đã nộp một phần" : "Đã nộp đủ", y);

  y -= 22;
  const half = INNER / 2;
  write(page, f, "Người nộp tiền", y, { size: 10, bold: true, align: "centre" }, MARGIN, half);
  write(page, f, "Người thu tiền", y, { size: 10, bold: true, align: "centre" }, MARGIN + half, half);
  y -= 14;
  write(page, f, "(Ký, ghi rõ họ tên)", y, { size: 8.5, grey: true, align: "centre" }, MARGIN, half);
  write(page, f, "(Ký, ghi rõ họ tên)", y, { size: 8.5, grey: true, align: "centre" }, MARGIN + half, half);

  write(
    page,
    f,
    "Biên lai in từ hệ thống market40, ghi nhận số tiền ban quản lý chợ đã nhận. In lại vẫn mang cùng số biên lai.",
    MARGIN + 14,
    { size: 7.5, grey: true, align: "centre" },
  );
  return doc.save({ useObjectStreams: true });
}
