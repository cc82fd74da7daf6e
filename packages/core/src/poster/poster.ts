import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, join } from "node:path";
import {
  fill,
  PDFDocument,
  type PDFFont,
  type PDFPage,
  popGraphicsState,
  pushGraphicsState,
  rectangle,
  rgb,
  setFillingGrayscaleColor,
} from "pdf-lib";
import type { Stall } from "../stall/stall";
import { darkRuns, matrix, QUIET_ZONE } from "../vietqr/image";

/** A6 portrait in PDF points (105 × 148 mm). */
export const A6 = { width: 297.64, height: 419.53 } as const;
const MARGIN = 18;

let fonts: { regular: Uint8Array; bold: Uint8Array } | undefined;

/** Where to find the fonts when they are not in node_modules: a Lambda bundle copies them to `fonts/`. */
export interface RenderOptions {
  fontDir?: string;
}

/** The font files: from the npm package, or — in a Lambda bundle — copied beside it (`stacks/ApiStack.ts`). */
export const FONT_FILES = {
  regular: "@expo-google-fonts/be-vietnam-pro/400Regular/BeVietnamPro_400Regular.ttf",
  bold: "@expo-google-fonts/be-vietnam-pro/700Bold/BeVietnamPro_700Bold.ttf",
} as const;

function fontPath(spec: string, fontDir?: string): string {
  const bundled = fontDir && join(fontDir, basename(spec));
  if (bundled && existsSync(bundled)) return bundled;
  return createRequire(import.meta.url).resolve(spec);
}

/** Be Vietnam Pro (SIL OFL): designed for Vietnamese, every diacritic stacked correctly. Read once. */
export function fontBytes(fontDir?: string) {
  fonts ??= {
    regular: readFileSync(fontPath(FONT_FILES.regular, fontDir)),
    bold: readFileSync(fontPath(FONT_FILES.bold, fontDir)),
  };
  return fonts;
}

export interface PosterContent {
  marketName: string;
  stall: Stall;
  /** The static VietQR payload printed as the code. */
  payload: string;
}

export interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

/** Splits text into lines that fit `width` at `size`. */
export function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(next, size) <= width || !line) line = next;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function centred(page: PDFPage, text: string, y: number, font: PDFFont, size: number): void {
  const width = font.widthOfTextAtSize(text, size);
  page.drawText(text, { x: (A6.width - width) / 2, y, size, font, color: rgb(0, 0, 0) });
}

/** Account numbers in groups of four, easier to copy by hand: `8888 1234 5678 9`. */
export function groupDigits(account: string): string {
  return account.replace(/(.{4})(?=.)/g, "$1 ");
}

/** Draws the code as filled vector rectangles (one per dark run): sharp at any print size, a few KB. */
export function drawQr(page: PDFPage, payload: string, x: number, y: number, side: number): void {
  const m = matrix(payload);
  const total = m.size + 2 * QUIET_ZONE;
  const unit = side / total;
  const ops = [pushGraphicsState(), setFillingGrayscaleColor(0)];
  for (const [row, col, len] of darkRuns(m)) {
    const px = x + (col + QUIET_ZONE) * unit;
    const py = y + side - (row + QUIET_ZONE + 1) * unit;
    ops.push(rectangle(px, py, len * unit, unit));
  }
  ops.push(fill(), popGraphicsState());
  page.pushOperators(...ops);
}

function drawPoster(doc: PDFDocument, f: Fonts, content: PosterContent): void {
  const page = doc.addPage([A6.width, A6.height]);
  const { stall } = content;
  const inner = A6.width - 2 * MARGIN;
  let y = A6.height - MARGIN - 10;

  for (const line of wrap(content.marketName, f.bold, 12, inner).slice(0, 2)) {
    centred(page, line, y, f.bold, 12);
    y -= 15;
  }
  y -= 16;
  centred(page, `Quầy ${stall.code}`, y, f.bold, 24);
  y -= 17;
  centred(page, wrap(stall.vendorName, f.regular, 11, inner)[0]!, y, f.regular, 11);

  const side = 178;
  y -= 8 + side;
  drawQr(page, content.payload, (A6.width - side) / 2, y, side);

  y -= 22;
  centred(page, "Quét mã để thanh toán", y, f.bold, 16);
  y -= 13;
  centred(page, "VietQR · NAPAS 247 · mọi ứng dụng ngân hàng", y, f.regular, 8);

  // The manual-transfer fallback, for a phone that cannot scan.
  page.drawLine({
    start: { x: MARGIN, y: y - 9 },
    end: { x: A6.width - MARGIN, y: y - 9 },
    thickness: 0.6,
    color: rgb(0, 0, 0),
  });
  y -= 24;
  const rows: [string, string, PDFFont][] = [
    ["Ngân hàng", stall.bank.bankName, f.bold],
    ["Chủ tài khoản", stall.bank.accountName, f.bold],
    ["Số tài khoản", groupDigits(stall.bank.accountNumber), f.bold],
  ];
  for (const [label, value, font] of rows) {
    page.drawText(`${label}:`, { x: MARGIN, y, size: 9, font: f.regular, color: rgb(0, 0, 0) });
    const size = label === "Số tài khoản" ? 12 : 10;
    const text = wrap(value, font, size, inner - 72)[0]!;
    page.drawText(text, { x: MARGIN + 72, y, size, font, color: rgb(0, 0, 0) });
    y -= 16;
  }
  page.drawText("Scan to pay · market40 · Chợ 4.0", {
    x: MARGIN,
    y: MARGIN - 6,
    size: 6.5,
    font: f.regular,
    color: rgb(0, 0, 0),
  });
}

/**
 * fontkit (940 KiB minified) only when a document is drawn: the api function's cold start does not parse it, since
 * the Lambda bundles are split at dynamic imports (stacks/defaults.ts, `splitting`).
 */
export async function loadFontkit() {
  return (await import("@pdf-lib/fontkit")).default;
}

export async function newDocument(title: string, options: RenderOptions) {
  const doc = await PDFDocument.create();
  doc.registerFontkit(await loadFontkit());
  const bytes = fontBytes(options.fontDir);
  // Subset: only the glyphs used are embedded, once per document however many posters it holds.
  const fontsInDoc: Fonts = {
    regular: await doc.embedFont(bytes.regular, { subset: true }),
    bold: await doc.embedFont(bytes.bold, { subset: true }),
  };
  doc.setTitle(title);
  doc.setLanguage("vi-VN");
  doc.setCreator("market40");
  doc.setProducer("market40");
  return { doc, fonts: fontsInDoc };
}

/** One A6 poster. */
export async function render(content: PosterContent, options: RenderOptions = {}): Promise<Uint8Array> {
  return renderMany(`Mã QR quầy ${content.stall.code} — ${content.marketName}`, [content], options);
}

/** One poster per page, in the order given. */
export async function renderMany(
  title: string,
  contents: PosterContent[],
  options: RenderOptions = {},
): Promise<Uint8Array> {
  const { doc, fonts: f } = await newDocument(title, options);
  for (const content of contents) drawPoster(doc, f, content);
  return doc.save({ useObjectStreams: true });
}
