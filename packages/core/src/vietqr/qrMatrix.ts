import QRCode from "qrcode";

/*
 * A QR code's modules and its SVG: no Node API, so the web app builds the one-sale code with these same functions
 * on the phone, offline (issue 26). The PNG writer, which needs zlib, stays in `image.ts`.
 */

/** Error correction M: survives ~15% damage (a creased, sun-faded poster) and keeps modules large. */
export const ERROR_CORRECTION = "M" as const;
/** Quiet zone in modules on every side, as ISO/IEC 18004 asks. */
export const QUIET_ZONE = 4;

export interface QrMatrix {
  size: number;
  /** Row-major, 1 = dark module. */
  modules: Uint8Array;
}

export function matrix(payload: string): QrMatrix {
  const qr = QRCode.create(payload, { errorCorrectionLevel: ERROR_CORRECTION });
  return { size: qr.modules.size, modules: Uint8Array.from(qr.modules.data) };
}

/** Horizontal runs of dark modules per row: `[row, startColumn, length]`. Shared by SVG and PDF drawing. */
export function darkRuns(m: QrMatrix): [number, number, number][] {
  const runs: [number, number, number][] = [];
  for (let y = 0; y < m.size; y++) {
    let x = 0;
    while (x < m.size) {
      if (!m.modules[y * m.size + x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < m.size && m.modules[y * m.size + x]) x++;
      runs.push([y, start, x - start]);
    }
  }
  return runs;
}

/** A compact SVG: one path of the dark runs in module units, scaled by the viewBox, crisp edges. */
export function toSvg(payload: string, sizePx: number): string {
  const m = matrix(payload);
  const total = m.size + 2 * QUIET_ZONE;
  let d = "";
  for (const [y, x, w] of darkRuns(m)) d += `M${x + QUIET_ZONE} ${y + QUIET_ZONE}h${w}v1h-${w}z`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${sizePx}" height="${sizePx}" viewBox="0 0 ${total} ${total}" shape-rendering="crispEdges">` +
    `<rect width="${total}" height="${total}" fill="#fff"/><path fill="#000" d="${d}"/></svg>`
  );
}
