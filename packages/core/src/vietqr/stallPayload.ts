import { asciiFold, safeAscii } from "../text";
import { encode } from "./payload";

/*
 * A stall's VietQR payload from its bank details alone (no zod, no Node API): the server's codes (`stallQr.ts`) and
 * the phone's one-sale codes (packages/web/src/saleQr.ts) are built by this one function, so they cannot drift.
 */

export interface PayeeBank {
  bin: string;
  accountNumber: string;
  accountName: string;
}

/** The account holder's name as QR codes carry it: ASCII upper case, diacritics removed, đ → D. */
export function qrAccountName(name: string): string {
  return asciiFold(name).toUpperCase().replace(/\s+/g, " ").trim();
}

/** The transfer description pre-filled in the payer's app: ASCII letters, digits and spaces, ≤ 25. */
export function purposeFor(stallCode: string): string {
  return safeAscii(`Thanh toan ${asciiFold(stallCode).replace(/[^A-Za-z0-9]/g, "")}`, 25);
}

export interface StallQrOptions {
  /** A positive whole number of VND; makes the code dynamic (single use). */
  amount?: number;
  /** Free text for the description; reduced to safe ASCII and cut to 25 characters. */
  purpose?: string;
}

/** Static (reusable, printed on the poster) or, with an amount, dynamic. */
export function stallPayload(
  stall: { code: string; bank: PayeeBank },
  options: StallQrOptions = {},
): { payload: string; kind: "static" | "dynamic" } {
  const dynamic = options.amount !== undefined;
  const purpose = (options.purpose !== undefined && safeAscii(options.purpose, 25)) || purposeFor(stall.code);
  const name = qrAccountName(stall.bank.accountName).slice(0, 25).trim();
  const payload = encode({
    initiation: dynamic ? "dynamic" : "static",
    bin: stall.bank.bin,
    accountNumber: stall.bank.accountNumber,
    service: "QRIBFTTA",
    ...(dynamic ? { amount: String(options.amount) } : {}),
    ...(name ? { merchantName: name } : {}),
    ...(purpose ? { additional: { purpose } } : {}),
  });
  return { payload, kind: dynamic ? "dynamic" : "static" };
}
