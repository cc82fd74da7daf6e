import { deflateSync } from "node:zlib";
import { matrix, QUIET_ZONE } from "./qrMatrix";

export { darkRuns, ERROR_CORRECTION, matrix, type QrMatrix, QUIET_ZONE, toSvg } from "./qrMatrix";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CRC_TABLE = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32(buf: Buffer): number {
  let c = -1;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A 1-bit grayscale PNG of exactly `sizePx` × `sizePx`: whole pixels per module (no blurred edges), the
 * code centred with at least the quiet zone around it. Written straight from the module matrix with
 * node's zlib, several times faster than rendering through a canvas-like raster.
 */
export function toPng(payload: string, sizePx: number): Buffer {
  const m = matrix(payload);
  const total = m.size + 2 * QUIET_ZONE;
  const scale = Math.floor(sizePx / total);
  if (scale < 1)
    throw new RangeError(`${sizePx} px is too small for a ${m.size}-module code; use at least ${total}`);
  const offset = Math.floor((sizePx - m.size * scale) / 2);
  const stride = Math.ceil(sizePx / 8);
  const rowBytes = stride + 1; // filter byte + packed pixels
  const raw = Buffer.alloc(rowBytes * sizePx, 0);
  // Start all white (bit = 1), then clear the dark modules' bits.
  for (let y = 0; y < sizePx; y++) raw.fill(0xff, y * rowBytes + 1, (y + 1) * rowBytes);
  const row = Buffer.alloc(stride);
  for (let my = 0; my < m.size; my++) {
    row.fill(0xff);
    for (let mx = 0; mx < m.size; mx++) {
      if (!m.modules[my * m.size + mx]) continue;
      const x0 = offset + mx * scale;
      for (let x = x0; x < x0 + scale; x++) row[x >> 3]! &= ~(0x80 >> (x & 7));
    }
    for (let sy = 0; sy < scale; sy++) row.copy(raw, (offset + my * scale + sy) * rowBytes + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(sizePx, 0);
  ihdr.writeUInt32BE(sizePx, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // grayscale
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, { level: 6 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
