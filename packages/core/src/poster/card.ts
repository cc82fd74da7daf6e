import { type PDFPage, rgb } from "pdf-lib";
import { drawQr, type Fonts, newDocument, type RenderOptions, wrap } from "./poster";

/**
 * Sign-in cards (docs/contract.md §13): a QR code of a vendor's invitation URL with the stall, the vendor's name
 * and how to use it, in Vietnamese. One card is its own page (A7 landscape); a market's batch puts eight on each
 * A4 page, with cut lines.
 */
export const CARD = { width: 297.64, height: 209.76 } as const;
const A4 = { width: 595.28, height: 841.89 } as const;
const PAD = 12;

export interface CardContent {
  marketName: string;
  stallCode: string;
  vendorName: string;
  url: string;
  expiresAt: string;
}

const black = rgb(0, 0, 0);

/** dd/MM/yyyy in Vietnam's time. */
function vnDate(iso: string): string {
  return new Intl.DateTimeFormat("vi-VN", {
    timeZone: "Asia/Ho_Chi_Minh",
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
  }).format(new Date(iso));
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
  const side = CARD.height - 2 * PAD - 14;
  drawQr(page, card.url, x0 + PAD, y0 + PAD + 14, side);
  page.drawText("Quét để đăng nhập", {
    x: x0 + PAD + 18,
    y: y0 + PAD + 2,
    size: 8,
    font: f.bold,
    color: black,
  });
  const left = x0 + PAD + side + 10;
  const width = x0 + CARD.width - PAD - left;
  let y = y0 + CARD.height - PAD - 10;
  const line = (text: string, size: number, bold = false, max = 2) => {
    for (const l of wrap(text, bold ? f.bold : f.regular, size, width).slice(0, max)) {
      page.drawText(l, { x: left, y, size, font: bold ? f.bold : f.regular, color: black });
      y -= size + 3;
    }
  };
  line(card.marketName, 8, false, 1);
  line(`Quầy ${card.stallCode}`, 16, true, 1);
  line(card.vendorName, 9, false, 1);
  y -= 4;
  line("Thẻ đăng nhập cho tiểu thương", 8, true, 1);
  line("1. Mở camera điện thoại, quét mã bên trái.", 7);
  line("2. Bấm vào đường dẫn hiện ra: điện thoại vào thẳng trang của quầy, không cần gõ mã.", 7);
  line(`Dùng được một lần, trước ngày ${vnDate(card.expiresAt)}.`, 7);
  line("Giữ kín thẻ này: ai quét được sẽ vào được quầy của bạn.", 7);
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
