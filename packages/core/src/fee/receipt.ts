import { TransactionItem } from "../callback/transactionItem";
import type { Clock } from "../clock";
import { conflict } from "../errors";
import { billParts } from "../evaluation/fees";
import * as Market from "../market/market";
import type { RenderOptions } from "../poster/poster";
import type { Stall } from "../stall/stall";
import type { Store } from "../store/client";
import { hasReceipt } from "./bill";
import type { Bill } from "./billItem";
import { compactReference } from "./billing";
import { BoardAccountItem } from "./boardAccountItem";

/** pdf-lib and the fonts load at the first receipt, so the API's cold start does not pay for them. */
const receiptPdf = () => import("./receiptPdf");

/** How a bill was paid, as the receipt says it. */
export type PaidBy = "qr" | "cash" | "both";

/** One payment on a receipt: when, how much, how. */
export interface ReceiptPayment {
  at: string;
  amount: number;
  by: "qr" | "cash";
}

/** Everything a fee receipt (biên lai thu phí) prints (docs/contract.md §20). */
export interface ReceiptContent {
  /** `BL-` and the bill's id: one bill, one receipt number; a reprint carries the same one. */
  number: string;
  marketName: string;
  /** The board's collection account holder and its bank; absent when the board has none yet (paid in cash). */
  board?: { accountName: string; bankName: string };
  stallCode: string;
  vendorName: string;
  period: Bill["period"];
  periodKey: string;
  reference: string;
  /** The bill's amount. */
  amount: number;
  /** What it received, up to its amount (the figure the evaluation counts as collected). */
  received: number;
  excess: number;
  /** What is left to pay (a partly-paid bill). */
  remaining: number;
  paidBy: PaidBy;
  payments: ReceiptPayment[];
  /** When the receipt was printed. */
  printedAt: string;
}

/** `<provider>:<id>` as settlement lists a bill's payments; anything else names no stored payment. */
function paymentKey(entry: string): [string, string] | undefined {
  const i = entry.indexOf(":");
  return i > 0 ? [entry.slice(0, i), entry.slice(i + 1)] : undefined;
}

/**
 * What the receipt of a bill prints: `409` for a bill with nothing received (open) or waived — there was no money
 * to acknowledge. QR payments are listed with the time the bank paid them, read from the stored payments the bill
 * names; cash with the time the manager marked it.
 */
export async function receiptContent(
  deps: { store: Store; clock: Clock },
  bill: Bill,
  stall: Stall,
): Promise<ReceiptContent> {
  if (bill.status === "waived") throw conflict("A waived bill has no receipt");
  if (!hasReceipt(bill)) throw conflict("This bill has no receipt: nothing has been paid on it");
  const { store, clock } = deps;
  const [market, board, stored] = await Promise.all([
    Market.get(store, bill.marketId),
    BoardAccountItem.get(store, bill.marketId),
    Promise.all(
      (bill.payments ?? []).flatMap((entry) => {
        const k = paymentKey(entry);
        return k ? [TransactionItem.get(store, k[0], k[1])] : [];
      }),
    ),
  ]);
  const parts = billParts(bill);
  const paidQr = bill.paidQr ?? 0;
  const paidCash = bill.status === "paid-cash" ? parts.collected - Math.min(paidQr, parts.collected) : 0;
  const cash = Math.max(paidCash, bill.paidCash ?? 0);
  const payments: ReceiptPayment[] = stored
    .flatMap((t) => (t ? [{ at: t.paidAt, amount: t.amount, by: "qr" as const }] : []))
    .sort((a, b) => a.at.localeCompare(b.at));
  if (cash > 0 && bill.settledAt) payments.push({ at: bill.settledAt, amount: cash, by: "cash" });
  // QR received but its payments not readable (or not named): the time it was settled stands in.
  if (paidQr > 0 && !payments.some((p) => p.by === "qr") && bill.settledAt)
    payments.unshift({ at: bill.settledAt, amount: paidQr, by: "qr" });
  return {
    number: `BL-${compactReference(bill.reference)}`,
    marketName: market.name,
    ...(board ? { board: { accountName: board.accountName, bankName: board.bankName } } : {}),
    stallCode: stall.code,
    vendorName: stall.vendorName,
    period: bill.period,
    periodKey: bill.periodKey,
    reference: bill.reference,
    amount: bill.amount,
    received: parts.collected,
    excess: parts.excess,
    remaining: Math.max(0, bill.amount - parts.collected),
    paidBy: paidQr > 0 && cash > 0 ? "both" : paidQr > 0 ? "qr" : "cash",
    payments,
    printedAt: clock.now().toISOString(),
  };
}

/** The receipt as a PDF (A5), and the name a browser saves it under. */
export async function receipt(
  deps: { store: Store; clock: Clock },
  bill: Bill,
  stall: Stall,
  options: RenderOptions = {},
): Promise<{ body: Uint8Array; filename: string }> {
  const content = await receiptContent(deps, bill, stall);
  return {
    body: await (await receiptPdf()).renderReceipt(content, options),
    filename: `bien-lai-${compactReference(bill.reference).toLowerCase()}.pdf`,
  };
}
