/**
 * Removes Vietnamese diacritics (NFD, strip combining marks; đ/Đ by hand since they do not decompose)
 * and drops anything outside printable ASCII.
 * @example asciiFold("Giàng Thị Mai — đồng") // "Giang Thi Mai  dong"
 */
export function asciiFold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .replace(/[^\x20-\x7e]/g, "");
}

/** ASCII letters, digits and single spaces only, trimmed and cut to `max` characters. */
export function safeAscii(text: string, max: number): string {
  return asciiFold(text)
    .replace(/[^A-Za-z0-9 ]/g, " ")
    .replace(/ +/g, " ")
    .trim()
    .slice(0, max)
    .trim();
}
