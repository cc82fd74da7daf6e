/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final XOR), table-driven. */
const TABLE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let c = i << 8;
  for (let j = 0; j < 8; j++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
  TABLE[i] = c;
}

const encoder = new TextEncoder();

export function crc16(data: string | Uint8Array): number {
  if (typeof data === "string") {
    // Payloads are ASCII almost always: hash the char codes directly, skip the UTF-8 encoding step.
    let crc = 0xffff;
    for (let i = 0; i < data.length; i++) {
      const c = data.charCodeAt(i);
      if (c > 0x7f) return crc16(encoder.encode(data));
      crc = ((crc << 8) ^ TABLE[((crc >> 8) ^ c) & 0xff]!) & 0xffff;
    }
    return crc;
  }
  const bytes = data;
  let crc = 0xffff;
  for (let i = 0; i < bytes.length; i++)
    crc = ((crc << 8) ^ TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!) & 0xffff;
  return crc;
}

/** The CRC as VietQR writes it: 4 upper-case hex digits, zero-padded. */
export function crcHex(data: string): string {
  return crc16(data).toString(16).toUpperCase().padStart(4, "0");
}
