import { z } from "zod";
import type { Stall } from "../stall/stall";
import { type StallQrOptions, stallPayload } from "./stallPayload";

export const MAX_AMOUNT = 9_999_999_999_999;

/** A payment code as the API answers it. */
export const PaymentQrSchema = z
  .object({ payload: z.string(), kind: z.enum(["static", "dynamic"]) })
  .meta({ id: "PaymentQr" });

export { purposeFor, type StallQrOptions } from "./stallPayload";

/**
 * The stall's VietQR payload: static (reusable, printed on the poster) or, with an amount, dynamic.
 * @example PaymentQr.forStall(stall).payload // "00020101021138570010A000000727..."
 */
export function forStall(
  stall: Stall,
  options: StallQrOptions = {},
): { payload: string; kind: "static" | "dynamic" } {
  return stallPayload(stall, options);
}
