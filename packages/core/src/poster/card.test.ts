import { type PdfTextItem, pdfText, pdfTextItems } from "@market40/devkit/oracles";
import { describe, expect, it } from "vitest";
import { CARD, type CardContent, instructions, renderCard, renderCardSheet } from "./card";

/**
 * The sign-in card prints right (issue 26) with the longest names the schemas allow: every instruction read back
 * whole from the PDF by pdf.js, every line inside its card, no two lines on top of each other or over the QR.
 */
const LONGEST: CardContent = {
  // Market names are ≤ 120 characters, vendor names ≤ 100, stall codes ≤ 20: wide letters and stacked diacritics.
  marketName:
    "Chợ Phiên Văn Hoá Truyền Thống Đồng Văn Mèo Vạc Yên Minh Quản Bạ Bắc Mê Hoàng Su Phì Xín Mần Vị Xuyên Quang Bình Hà G".slice(
      0,
      120,
    ),
  stallCode: "WWWWWWWWWWWWWWWWWWWW",
  vendorName:
    "Nguyễn Thị Hoàng Phượng Thượng Ngưỡng Hầu Giàng Thị Mỷ Sùng Mí Páo Vàng Thị Xuyến Lầu Thị Chứ Đặng Thị".slice(
      0,
      100,
    ),
  url: "https://d111111abcdef8.cloudfront.net/#/invite/Xq3v9Kp2T7mWc8rB1nY4sA",
  shortCode: "K7QF3MXH",
  expiresAt: "2026-12-09T03:00:00.000Z",
};
const SHORT: CardContent = {
  ...LONGEST,
  marketName: "Chợ Đồng Văn",
  stallCode: "A-02",
  vendorName: "Sùng Mí Páo",
};
const QR = { side: 116, pad: 10 };

const normal = (s: string) => s.replace(/\s+/g, " ").trim();
/** The box a line's glyphs cover, descenders and stacked Vietnamese marks included. */
const box = (i: PdfTextItem) => ({
  x1: i.x,
  x2: i.x + i.width,
  y1: i.y - 0.22 * i.height,
  y2: i.y + 0.98 * i.height,
});
const overlaps = (a: ReturnType<typeof box>, b: ReturnType<typeof box>) =>
  a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;

function checkCard(items: PdfTextItem[], card: CardContent, x0: number, y0: number) {
  const mine = items.filter((i) => i.x >= x0 && i.x < x0 + CARD.width && i.y >= y0 && i.y < y0 + CARD.height);
  const text = normal(mine.map((i) => i.str).join(" "));
  for (const sentence of instructions(card)) expect(text).toContain(sentence);
  // The names wrap at spaces, so their words come back in order.
  expect(text).toContain(normal(card.marketName));
  expect(text).toContain(normal(card.vendorName));
  expect(text.replace(/\s/g, "")).toContain(`Quầy${card.stallCode}`);
  expect(text).toContain("K7QF 3MXH");
  const qr = {
    x1: x0 + QR.pad,
    x2: x0 + QR.pad + QR.side,
    y1: y0 + CARD.height - QR.pad - QR.side,
    y2: y0 + CARD.height - QR.pad,
  };
  for (const [n, a] of mine.entries()) {
    const b = box(a);
    // Inside the dashed cut line.
    expect(b.x1, a.str).toBeGreaterThanOrEqual(x0 + 2);
    expect(b.x2, a.str).toBeLessThanOrEqual(x0 + CARD.width - 2);
    expect(b.y1, a.str).toBeGreaterThanOrEqual(y0 + 2);
    expect(b.y2, a.str).toBeLessThanOrEqual(y0 + CARD.height - 2);
    expect(overlaps(b, qr), `${a.str} over the QR`).toBe(false);
    for (const other of mine.slice(n + 1))
      expect(overlaps(b, box(other)), `${a.str} / ${other.str}`).toBe(false);
  }
  return mine;
}

describe("sign-in card", () => {
  it("holds every line whole at A7 with the longest names the schemas allow", async () => {
    const pdf = await renderCard(LONGEST);
    const [items] = await pdfTextItems(pdf);
    checkCard(items!, LONGEST, 0, 0);
  });

  it("prints a short name at full size, and the typed code under the QR", async () => {
    const [items] = await pdfTextItems(await renderCard(SHORT));
    checkCard(items!, SHORT, 0, 0);
    const code = items!.find((i) => i.str === "K7QF 3MXH")!;
    expect(code.height).toBeGreaterThanOrEqual(14);
    expect(code.y).toBeLessThan(CARD.height - QR.pad - QR.side);
    expect(items!.find((i) => i.str === "Quầy A-02")!.height).toBe(15);
  });

  it("holds every line whole on the eight-to-a-page sheet", async () => {
    const cards = Array.from({ length: 9 }, (_, i) => (i % 2 ? SHORT : LONGEST));
    const pdf = await renderCardSheet("Thẻ", cards);
    const pages = await pdfTextItems(pdf);
    expect(pages).toHaveLength(2);
    const top = (841.89 - 4 * CARD.height) / 2;
    let seen = 0;
    for (const [p, items] of pages.entries())
      for (let j = 0; j < 8 && p * 8 + j < cards.length; j++) {
        const x0 = (j % 2) * CARD.width;
        const y0 = 841.89 - top - (Math.floor(j / 2) + 1) * CARD.height;
        seen += checkCard(items, cards[p * 8 + j]!, x0, y0).length;
      }
    expect(seen).toBe(pages.flat().length);
    expect((await pdfText(pdf))[0]).toContain("Mã gõ tay");
  });
});
