import { createHash } from "node:crypto";

/**
 * An invitation's short typed code (issue 26): what a vendor types when the phone's camera cannot read the card's
 * QR. Eight characters of Crockford's base32 — digits and capitals without I, L, O, U — so nothing on the card
 * looks like anything else, and typing O for 0 or I/L for 1, lower case, spaces or dashes still finds it.
 * Derived from the long code (a hash of it), so the card can print it again from the long code alone and neither
 * code is ever stored: only the short code's own SHA-256, pointing at the invitation (`shortCodeItem.ts`).
 */
export const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const LENGTH = 8;

/** The short code of a long one: 40 bits of its SHA-256 in base32. */
export function fromLongCode(code: string): string {
  const digest = createHash("sha256").update(`short:${code}`, "utf8").digest();
  let bits = 0n;
  for (let i = 0; i < 5; i++) bits = (bits << 8n) | BigInt(digest[i]!);
  let out = "";
  for (let i = LENGTH - 1; i >= 0; i--) out += ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  return out;
}

/** As typed, read the forgiving way: upper case, no separators, O → 0, I/L → 1. Undefined if not a short code. */
export function normalise(typed: string): string | undefined {
  const s = typed
    .toUpperCase()
    .replace(/[\s_-]+/g, "")
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
  return s.length === LENGTH && [...s].every((c) => ALPHABET.includes(c)) ? s : undefined;
}

/** For print and screen: two groups of four, `K7QF 3MXH`. */
export const grouped = (short: string) => `${short.slice(0, 4)} ${short.slice(4)}`;

export const hashShort = (short: string) => createHash("sha256").update(short, "utf8").digest("hex");
