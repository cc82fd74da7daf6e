import { type PDFFont, type PDFPage, rgb } from "pdf-lib";
import * as ShortCode from "../invitation/shortCode";
import { drawQr, type Fonts, newDocument, type RenderOptions, wrap } from "./poster";

/**
 * Sign-in cards (docs/contract.md §13): a QR code of a vendor's invitation URL with the stall, the vendor's name
 * and how to use it, in Vietnamese. One card is its own page (A7 landscape); a market's batch puts eight on each
 * A4 page, with cut lines.
 */
export const CARD = { width: 297.64, height: 209.76 } as const;
const A4 = { width: 595.28, height: 841.89 } as const;
const PAD = 10;

export interface CardContent {
  marketName: string;
  stallCode: string;
  vendorName: string;
  url: string;
  /** The 8-character code to type instead of scanning (`invitation/shortCode.ts`), printed under the QR. */
  shortCode: string;
  expiresAt: string;
}

const black = rgb(0, 0, 0);
/** The QR's side: 41 mm, read by a cheap phone's camera from arm's length. */
const QR_SIDE = 116;
const GAP = 8;
/** The smallest the text may shrink to before the names are allowed to run long: still readable at 5.5 pt. */
const MIN_SCALE = 0.6;

/** dd/MM/yyyy in Vietnam's time. */
function vnDate(iso: string): string {
  return new Intl.DateTimeFormat("vi-VN", {
    timeZone: "Asia/Ho_Chi_Minh",
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
  }).format(new Date(iso));
}

/** The card's words, in reading order: what the tests read back whole from the PDF. */
export function instructions(card: Pick<CardContent, "url" | "expiresAt">): string[] {
  const site = card.url.replace(/^https?:\/\//, "").replace(/\/.*$/, "");
  return [
    "1. Mở camera điện thoại, quét mã QR bên trái.",
    "2. Bấm vào đường dẫn hiện ra: điện thoại vào thẳng trang của quầy.",
    `Không quét được? Vào ${site}, bấm “Có mã thẻ” rồi gõ mã in dưới QR.`,
    `Dùng được một lần, trước ngày ${vnDate(card.expiresAt)}.`,
    "Giữ kín thẻ này: ai có mã sẽ vào được quầy của bạn.",
  ];
}

/**
 * Lines that fit `width`: at spaces, and — for a name with no space in reach (a 20-character stall code at 15 pt,
 * a long unbroken word) — inside the word, so no line ever runs past the card's edge.
 */
function lines(text: string, font: PDFFont, size: number, width: number): string[] {
  const out: string[] = [];
  for (const l of wrap(text, font, size, width)) {
    let rest = l;
    while (font.widthOfTextAtSize(rest, size) > width && rest.length > 1) {
      let n = rest.length - 1;
      while (n > 1 && font.widthOfTextAtSize(rest.slice(0, n), size) > width) n--;
      out.push(rest.slice(0, n));
      rest = rest.slice(n);
    }
    out.push(rest);
  }
  return out;
}

interface Block {
  text: string;
  size: number;
  bold?: boolean;
  /** Space above, in points at full scale. */
  before?: number;
}

/**
 * Lays the text column out at the largest scale (1, 0.95 … 0.6) at which every line fits the card's height, so
 * the longest names the schemas allow (a 120-character market, a 100-character vendor) wrap and shrink but are
 * never cut and never run into each other.
 */
function layout(f: Fonts, blocks: Block[], width: number, height: number) {
  let placed: { text: string; size: number; bold: boolean; dy: number }[] = [];
  for (let scale = 1; scale >= MIN_SCALE - 1e-9; scale -= 0.05) {
    placed = [];
    let dy = 0;
    for (const b of blocks) {
      const size = b.size * scale;
      dy += (b.before ?? 0) * scale;
      for (const text of lines(b.text, b.bold ? f.bold : f.regular, size, width)) {
        dy += size * 1.22;
        placed.push({ text, size, bold: b.bold ?? false, dy });
      }
    }
    if (dy <= height) break;
  }
  return placed;
}

function drawCard(page: PDFPage, f: Fonts, card: CardContent, x0: number, y0: number): void {
  page.drawRectangle({
    x: x0 + 2,
    y: y0 + 2,
    width: CARD.width - 4,
    height: CARD.height - 4,
    borderColor: rgb(0.6, 0.6, 0.6),
    borderWidth: 0.5,
    borderDashArray: [3, 3],
  });
  const top = y0 + CARD.height - PAD;
  // Left: the QR, and under it the code to type, big, in two groups of four.
  drawQr(page, card.url, x0 + PAD, top - QR_SIDE, QR_SIDE);
  const centre = (text: string, size: number, font: PDFFont, y: number) =>
    page.drawText(text, {
      x: x0 + PAD + (QR_SIDE - font.widthOfTextAtSize(text, size)) / 2,
      y,
      size,
      font,
      color: black,
    });
  centre("Mã gõ tay", 7, f.regular, top - QR_SIDE - 12);
  centre(ShortCode.grouped(card.shortCode), 15, f.bold, top - QR_SIDE - 30);
  centre("Quét mã hoặc gõ mã để đăng nhập", 6, f.regular, top - QR_SIDE - 44);

  // Right: who it is for and how to use it, every line whole.
  const left = x0 + PAD + QR_SIDE + GAP;
  const width = x0 + CARD.width - PAD - left;
  const blocks: Block[] = [
    { text: card.marketName, size: 8 },
    { text: `Quầy ${card.stallCode}`, size: 15, bold: true, before: 2 },
    { text: card.vendorName, size: 9, bold: true, before: 1 },
    { text: "Thẻ đăng nhập cho tiểu thương", size: 7.5, bold: true, before: 5 },
    ...instructions(card).map((text) => ({ text, size: 7, before: 1.5 })),
  ];
  for (const l of layout(f, blocks, width, CARD.height - 2 * PAD))
    page.drawText(l.text, {
      x: left,
      // dy is the line's bottom; the baseline sits a fifth of the size above it, room for descenders.
      y: top - l.dy + l.size * 0.22,
      size: l.size,
      font: l.bold ? f.bold : f.regular,
      color: black,
    });
}

/** One card on its own page. */
export async function renderCard(card: CardContent, options: RenderOptions = {}): Promise<Uint8Array> {
  const { doc, fonts } = await newDocument(
    `Thẻ đăng nhập quầy ${card.stallCode} — ${card.marketName}`,
    options,
  );
  drawCard(doc.addPage([CARD.width, CARD.height]), fonts, card, 0, 0);
  return doc.save({ useObjectStreams: true });
}

/** Eight cards to an A4 page (two columns, four rows), in the order given. */
export async function renderCardSheet(
  title: string,
  cards: CardContent[],
  options: RenderOptions = {},
): Promise<Uint8Array> {
  const { doc, fonts } = await newDocument(title, options);
  const top = (A4.height - 4 * CARD.height) / 2;
  for (let i = 0; i < cards.length; i += 8) {
    const page = doc.addPage([A4.width, A4.height]);
    cards.slice(i, i + 8).forEach((card, j) => {
      const col = j % 2;
      const row = Math.floor(j / 2);
      drawCard(page, fonts, card, col * CARD.width, A4.height - top - (row + 1) * CARD.height);
    });
  }
  if (cards.length === 0) doc.addPage([A4.width, A4.height]);
  return doc.save({ useObjectStreams: true });
}
