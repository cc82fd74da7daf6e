import { z } from "zod";
import type { Stall } from "../stall/stall";
import { qrAccountName } from "../stall/stall";
import { asciiFold, safeAscii } from "../text";
import { encode } from "./payload";

export const MAX_AMOUNT = 9_999_999_999_999;

/** A payment code as the API answers it. */
export const PaymentQrSchema = z
  .object({ payload: z.string(), kind: z.enum(["static", "dynamic"]) })
  .meta({ id: "PaymentQr" });

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

/**
 * The stall's VietQR payload: static (reusable, printed on the poster) or, with an amount, dynamic.
 * @example PaymentQr.forStall(stall).payload // "00020101021138570010A000000727..."
 */
export function forStall(
  stall: Stall,
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
