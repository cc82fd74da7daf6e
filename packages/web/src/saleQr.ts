import { safeAscii } from "@market40/core/text";
import { toSvg } from "@market40/core/vietqr/qrMatrix";
import { stallPayload } from "@market40/core/vietqr/stallPayload";
import type { Stall } from "./shapes";

/**
 * One-sale codes made on the phone (issue 26): the same VietQR codec and QR matrix as the server's
 * (`@market40/core/vietqr/*`, import-free), so a code is made in a blink with no network. Each carries a short
 * reference at the start of its transfer description; banks pass the description on, so a payment whose
 * description holds the reference is that sale's, and the page marks it paid.
 */
export interface Sale {
  ref: string;
  amount: number;
  note: string;
  payload: string;
  createdAt: string;
  /** The payment that paid it. */
  paidBy?: string;
  /** What that payment brought, when it is not the sale's amount. */
  paidAmount?: number;
}

/** Digits and capitals without I, L, O, U (Crockford's base32): nothing in it looks like anything else. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** Kept on the phone: enough for a morning's open sales, small enough for localStorage. */
const KEPT = 30;
const key = (stallId: string) => `m40.sales.${stallId}`;

/**
 * A reference such as `BK7Q3FX`: a letter first (a bank that glues words together cannot fuse it with a number
 * before it), then six random characters — a billion values, so two open sales never share one.
 */
export function newRef(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return `B${[...bytes].map((b) => ALPHABET[b & 31]).join("")}`;
}

export function makeSale(stall: Pick<Stall, "code" | "bank">, amount: number, note: string): Sale {
  const ref = newRef();
  const purpose = safeAscii(`${ref} ${note}`, 25);
  return {
    ref,
    amount,
    note,
    payload: stallPayload(stall, { amount, purpose }).payload,
    createdAt: new Date().toISOString(),
  };
}

/** The code as an SVG the phone draws crisp at any size. */
export const saleSvg = (sale: Sale, sizePx: number) => toSvg(sale.payload, sizePx);

/** The sale a payment's description names, if any (banks may change case, spacing and punctuation). */
export function saleFor(sales: Sale[], description: string): Sale | undefined {
  const flat = description.toUpperCase().replace(/[^A-Z0-9]/g, "");
  return sales.find((s) => !s.paidBy && flat.includes(s.ref));
}

export function loadSales(stallId: string): Sale[] {
  try {
    const list = JSON.parse(localStorage.getItem(key(stallId)) ?? "[]");
    return Array.isArray(list) ? (list as Sale[]) : [];
  } catch {
    return [];
  }
}

export function saveSales(stallId: string, sales: Sale[]): void {
  localStorage.setItem(key(stallId), JSON.stringify(sales.slice(-KEPT)));
}
