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

/**
 * Decodes every QR code drawn in a PDF of ours, page by page: reads each page's content stream (pdf-lib, zlib), takes
 * each filled group of rectangles (`q 0 g … x y w h re … f Q`, how `drawQr` draws a code), rasterises it at 8 px
 * per module and hands the pixels to jsQR. Independent of how the PDF was produced beyond that drawing model.
 */
export async function decodePdfQrs(pdf: Uint8Array): Promise<string[]> {
  const { PDFDocument, PDFRawStream, PDFArray, PDFName } = await import("pdf-lib");
  const { inflateSync } = await import("node:zlib");
  const doc = await PDFDocument.load(pdf);
  const found: string[] = [];
  for (const page of doc.getPages()) {
    const contents = page.node.get(PDFName.of("Contents"));
    const refs = contents instanceof PDFArray ? contents.asArray() : [contents];
    let text = "";
    for (const ref of refs) {
      const stream = doc.context.lookup(ref);
      if (!(stream instanceof PDFRawStream)) continue;
      const bytes = stream.getContents();
      const filter = stream.dict.get(PDFName.of("Filter"));
      text += `${Buffer.from(filter ? inflateSync(bytes) : bytes).toString("latin1")}\n`;
    }
    for (const group of text.matchAll(/\bq\s+0 g\s+((?:[-\d.]+ [-\d.]+ [-\d.]+ [-\d.]+ re\s+)+)f\s+Q/g)) {
      const rects = [...group[1]!.matchAll(/([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) re/g)].map((m) =>
        m.slice(1, 5).map(Number),
      ) as [number, number, number, number][];
      const unit = Math.min(...rects.map((r) => r[3]));
      const x0 = Math.min(...rects.map((r) => r[0])) - 4 * unit;
      const y1 = Math.max(...rects.map((r) => r[1] + r[3])) + 4 * unit;
      const cols = Math.round((Math.max(...rects.map((r) => r[0] + r[2])) + 4 * unit - x0) / unit);
      const rows = Math.round((y1 - (Math.min(...rects.map((r) => r[1])) - 4 * unit)) / unit);
      const scale = 8;
      const [w, hgt] = [cols * scale, rows * scale];
      const px = new Uint8ClampedArray(w * hgt * 4).fill(255);
      for (const [x, y, rw, rh] of rects) {
        const c0 = Math.round((x - x0) / unit);
        const c1 = Math.round((x + rw - x0) / unit);
        const r0 = Math.round((y1 - (y + rh)) / unit);
        for (let yy = r0 * scale; yy < (r0 + 1) * scale; yy++)
          for (let xx = c0 * scale; xx < c1 * scale; xx++)
            px.fill(0, (yy * w + xx) * 4, (yy * w + xx) * 4 + 3);
      }
      const data = jsQR(px, w, hgt)?.data;
      if (data) found.push(data);
    }
  }
  return found;
}
