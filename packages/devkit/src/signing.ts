import { createHmac } from "node:crypto";
import type { RawCallback } from "@market40/core/callback/types";
import { PROVIDER_SECRET_NAMES, type ProviderSecrets } from "@market40/core/config";

/**
 * Deliveries signed the way each provider's documentation or sample code signs them, written here with Node's own
 * HMAC rather than the platform's verifiers, so tests check one against the other.
 */

/** Signs a generic callback as an integrator would: `t=<unix s>,v1=HMAC-SHA256(secret, "<t>.<body>")`. */
export function signGeneric(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
}

export function genericBody(over: Record<string, unknown> = {}) {
  return JSON.stringify({
    id: "FT26330123456",
    bin: "970405",
    accountNumber: "8888123456789",
    amount: 35000,
    paidAt: "2026-11-29T06:41:07+07:00",
    description: "A12 rau cai",
    payer: "payer-1",
    ...over,
  });
}

/**
 * SePay's HMAC-SHA256 mode, as its webhook authentication guide describes it: the Unix time in seconds in
 * `X-SePay-Timestamp`, and `sha256=` + hex HMAC-SHA256 of `"<timestamp>." + raw body` in `X-SePay-Signature`.
 */
export function signSepay(secret: string, body: string, at: Date): Record<string, string> {
  const t = String(Math.floor(at.getTime() / 1000));
  const mac = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return { "x-sepay-timestamp": t, "x-sepay-signature": `sha256=${mac}` };
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortDeep((value as Record<string, unknown>)[k])]),
    );
  return value;
}

/** What PHP's `json_encode` (no flags) writes for a string: `/` as `\/`, every non-ASCII UTF-16 unit as `\uxxxx`. */
function phpString(s: string): string {
  const json = JSON.stringify(s);
  let out = "";
  // By UTF-16 unit, not code point: PHP writes a character outside the BMP as its two surrogates.
  for (let i = 0; i < json.length; i++) {
    const code = json.charCodeAt(i);
    if (code === 0x2f) out += "\\/";
    else if (code > 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += json[i];
  }
  return out;
}

/** PHP's `json_encode` of a decoded-and-sorted body (objects, lists, strings, integers, booleans, null). */
function phpJson(value: unknown): string {
  if (typeof value === "string") return phpString(value);
  if (Array.isArray(value)) return `[${value.map(phpJson).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.entries(value)
      .map(([k, v]) => `${phpString(k)}:${phpJson(v)}`)
      .join(",")}}`;
  return JSON.stringify(value);
}

/**
 * Casso webhook v2, as Casso's published samples sign: keys sorted recursively, then `"<t>." + JSON`, HMAC-SHA512,
 * in `X-Casso-Signature: t=<unix ms>,v1=<hex>`. `node` is its Node sample (`JSON.stringify`), `php` its PHP sample
 * (`json_encode`, which escapes non-ASCII and `/`).
 */
export function signCasso(secret: string, body: string, at: Date, sample: "node" | "php" = "node"): string {
  const t = String(at.getTime());
  const sorted = sortDeep(JSON.parse(body));
  const json = sample === "node" ? JSON.stringify(sorted) : phpJson(sorted);
  return `t=${t},v1=${createHmac("sha512", secret).update(`${t}.${json}`).digest("hex")}`;
}

/** A request as an adapter receives it: the raw bytes and a header look-up. */
export function rawCallback(body: string | object, headers: Record<string, string> = {}): RawCallback {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    body: new TextEncoder().encode(typeof body === "string" ? body : JSON.stringify(body)),
    header: (name) => lower[name.toLowerCase()],
  };
}

/** Provider secrets for a test: empty (accepting nothing) except those given. */
export function secretsWith(given: Partial<ProviderSecrets>): ProviderSecrets {
  const none = Object.fromEntries(Object.keys(PROVIDER_SECRET_NAMES).map((k) => [k, ""])) as ProviderSecrets;
  return { ...none, ...given };
}
