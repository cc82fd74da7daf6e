import jsQR from "jsqr";
import { PNG } from "pngjs";

/** Decodes a PNG with an independent QR reader (jsQR over pngjs's pixels). */
export function decodePng(png: Uint8Array): string | undefined {
  const img = PNG.sync.read(Buffer.from(png));
  return jsQR(new Uint8ClampedArray(img.data), img.width, img.height)?.data;
}

/**
 * Decodes an SVG of ours geometrically: rasterises its path's rectangles (`M x y h w v1 h-w z`) at 8 px per unit
 * and hands the pixels to jsQR. Independent of how the SVG was produced.
 */
export function decodeSvg(svg: string): string | undefined {
  const view = /viewBox="0 0 (\d+) (\d+)"/.exec(svg);
  const d = /<path[^>]* d="([^"]+)"/.exec(svg)?.[1];
  if (!view || !d) return undefined;
  const units = Number(view[1]);
  const scale = 8;
  const size = units * scale;
  const px = new Uint8ClampedArray(size * size * 4).fill(255);
  for (const m of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    const [x, y, w] = [Number(m[1]), Number(m[2]), Number(m[3])];
    for (let yy = y * scale; yy < (y + 1) * scale; yy++)
      for (let xx = x * scale; xx < (x + w) * scale; xx++)
        px.fill(0, (yy * size + xx) * 4, (yy * size + xx) * 4 + 3);
  }
  return jsQR(px, size, size)?.data;
}

/** The text of every page of a PDF, as a PDF reader extracts it (pdf.js). */
export async function pdfText(pdf: Uint8Array): Promise<string[]> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const doc = await pdfjs.getDocument({
    data: new Uint8Array(pdf),
    useSystemFonts: false,
    isEvalSupported: false,
  }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((item) => ("str" in item ? item.str : "")).join(" "));
  }
  await doc.destroy();
  return pages;
}

/** One run of text as pdf.js places it: its string and its box in PDF points (origin bottom-left). */
export interface PdfTextItem {
  str: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Every text run of every page with its position, as pdf.js reads them: to check that nothing overlaps or spills. */
export async function pdfTextItems(pdf: Uint8Array): Promise<PdfTextItem[][]> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const doc = await pdfjs.getDocument({
    data: new Uint8Array(pdf),
    useSystemFonts: false,
    isEvalSupported: false,
  }).promise;
  const pages: PdfTextItem[][] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(
      content.items.flatMap((item) =>
        "str" in item && item.str.trim()
          ? [
              {
                str: item.str,
                x: item.transform[4],
                y: item.transform[5],
                width: item.width,
                height: item.height,
              },
            ]
          : [],
      ),
    );
  }
  await doc.destroy();
  return pages;
}
