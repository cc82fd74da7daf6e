import { z } from "zod";
import { conflict } from "../errors";
import type { Store } from "../store/client";
import * as QrImage from "../vietqr/image";
import { stallPayload } from "../vietqr/stallPayload";
import { type Bill, outstanding } from "./bill";
import { BoardAccountItem } from "./boardAccountItem";

/**
 * A bill's own payment code (docs/contract.md §20): a dynamic VietQR to the market board's collection account for
 * what is still owed, with the bill's reference as the transfer's purpose — the text a callback then finds the bill
 * by. Nothing is recorded: rendering it is a read.
 */
export const BillQrSchema = z
  .object({
    payload: z.string(),
    kind: z.literal("dynamic"),
    amount: z.number().int().meta({ description: "What is still owed on the bill" }),
    purpose: z.string().meta({ description: "The bill's reference, as the payer's app pre-fills it" }),
    bankName: z.string(),
    accountName: z.string(),
  })
  .meta({ id: "BillQr" });
export type BillQr = z.output<typeof BillQrSchema>;

/** The payload; `409` when nothing is owed or the board has no collection account yet. */
export async function billCode(store: Store, bill: Bill): Promise<BillQr> {
  const amount = outstanding(bill);
  if (amount <= 0)
    throw conflict("Nothing is owed on this bill", [
      { path: "billId", message: `The bill is ${bill.status}` },
    ]);
  const account = await BoardAccountItem.get(store, bill.marketId);
  if (!account) throw conflict("The market board has no collection account yet");
  const { payload } = stallPayload(
    { code: bill.stallCode, bank: account },
    { amount, purpose: bill.reference },
  );
  return {
    payload,
    kind: "dynamic",
    amount,
    purpose: bill.reference,
    bankName: account.bankName,
    accountName: account.accountName,
  };
}

/** The code as an image. */
export async function billImage(
  store: Store,
  bill: Bill,
  format: "svg" | "png",
  size: number,
): Promise<{ body: string | Uint8Array; contentType: string }> {
  const { payload } = await billCode(store, bill);
  return format === "svg"
    ? { body: QrImage.toSvg(payload, size), contentType: "image/svg+xml" }
    : { body: QrImage.toPng(payload, size), contentType: "image/png" };
}
