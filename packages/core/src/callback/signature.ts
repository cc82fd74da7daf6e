import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * Compares two strings in constant time. Both sides are hashed first so the comparison never leaks
 * length either, and `timingSafeEqual` always sees equal-length buffers.
 */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a, "utf8").digest();
  const hb = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

export function hmacHex(
  algorithm: "sha256" | "sha512",
  secret: string,
  ...parts: (string | Uint8Array)[]
): string {
  const mac = createHmac(algorithm, secret);
  for (const p of parts) mac.update(p);
  return mac.digest("hex");
}

/** Parses `t=<n>,v1=<hex>[,v1=<hex>...]` (Stripe's layout, used by our generic scheme and by Casso). */
export function parseSignatureHeader(header: string | undefined): { t: string; v1: string[] } | undefined {
  if (!header || header.length > 2048) return undefined;
  let t: string | undefined;
  const v1: string[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t") t = value;
    else if (key === "v1" && /^[0-9a-fA-F]{16,256}$/.test(value)) v1.push(value.toLowerCase());
  }
  if (!t || !/^\d{1,16}$/.test(t) || v1.length === 0) return undefined;
  return { t, v1 };
}

/** Secrets may be configured as a comma-separated list so an old and a new one both work during rotation. */
export function secretList(configured: string): string[] {
  return configured
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Sorts object keys recursively, as payOS and Casso sign. */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort())
      out[key] = sortKeysDeep((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
