import { VietQrError } from "./errors";

/** One EMVCo data object: 2-digit id, 2-digit length (characters), value. */
export interface Tlv {
  id: string;
  value: string;
}

/** Writes one data object; the value must fit in 1–99 characters. */
export function tlv(id: string, value: string): string {
  if (value.length < 1 || value.length > 99)
    throw new VietQrError(`Tag ${id}: value must be 1 to 99 characters`, id);
  return id + (value.length < 10 ? `0${value.length}` : String(value.length)) + value;
}

/**
 * Splits `text` into data objects, strictly: every id and length must be two digits and every value must end
 * inside `text` (a length that runs past its parent is an error, never a guess). `at` names the parent for errors.
 */
export function parseTlv(text: string, at = ""): Tlv[] {
  const out: Tlv[] = [];
  let i = 0;
  while (i < text.length) {
    const id = text.slice(i, i + 2);
    const len = text.slice(i + 2, i + 4);
    const where = at ? `${at}.${id}` : id;
    if (text.length - i < 4)
      throw new VietQrError(
        `Tag ${at || "payload"}: ${text.length - i} stray character${text.length - i > 1 ? "s" : ""} at the end — a length field does not match its value`,
        at || undefined,
        i,
      );
    if (!/^\d{2}$/.test(id))
      throw new VietQrError(`Malformed tag id at position ${i}${at ? ` inside ${at}` : ""}`, at || id, i);
    if (!/^\d{2}$/.test(len)) throw new VietQrError(`Tag ${where}: malformed length '${len}'`, where, i + 2);
    const n = Number(len);
    if (n === 0) throw new VietQrError(`Tag ${where}: empty value`, where, i + 2);
    if (i + 4 + n > text.length)
      throw new VietQrError(
        `Tag ${where}: length ${n} runs past the end of ${at ? `tag ${at}` : "the payload"}`,
        where,
        i + 2,
      );
    out.push({ id, value: text.slice(i + 4, i + 4 + n) });
    i += 4 + n;
  }
  return out;
}
