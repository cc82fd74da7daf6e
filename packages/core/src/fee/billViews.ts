import { z } from "zod";
import { isLocalDate } from "../calendar/localDate";
import { notFound, validationError } from "../errors";
import * as Stall from "../stall/stall";
import type { Store } from "../store/client";
import { BILL_STATUSES, type Bill, BillItem } from "./billItem";
import { compactReference } from "./billing";
import { BillRefItem } from "./billRefItem";
import { FEE_PERIODS } from "./schedule";

/**
 * Bills as the API lists them (docs/contract.md §20): the manager's by period and status, a stall's own. A bill's
 * id in a URL is its reference in letters and digits (`PHIA122611`): unique in its market (its guard,
 * `billRefItem.ts`), readable on a printed sheet, and the same one a payer types in a transfer's purpose.
 */
export const BillSchema = z
  .object({
    /** The reference's letters and digits: what routes name a bill by. */
    id: z.string(),
    marketId: z.string(),
    stallId: z.string(),
    stallCode: z.string(),
    period: z.enum(FEE_PERIODS),
    /** The session's or day's date, or the month `YYYY-MM`. */
    periodKey: z.string(),
    amount: z.number(),
    reference: z.string(),
    dueOn: z.string(),
    status: z.enum(BILL_STATUSES),
    /** VND received so far: `paidQr` + `paidCash`. */
    paid: z.number(),
    paidQr: z.number(),
    paidCash: z.number(),
    /** VND received beyond the amount. */
    excess: z.number(),
    issuedAt: z.string(),
    settledAt: z.string().optional(),
    waivedReason: z.string().optional(),
    cashNote: z.string().optional(),
    /** Whether a receipt can be printed: some payment was received (docs/contract.md §20). */
    receipt: z.boolean(),
  })
  .meta({ id: "Bill" });
export type BillView = z.output<typeof BillSchema>;

export const BillListSchema = z.object({ items: z.array(BillSchema) }).meta({ id: "BillList" });

export const BillQuerySchema = z.object({
  period: z
    .string()
    .max(10)
    .refine((p) => /^\d{4}-(0[1-9]|1[0-2])$/.test(p) || isLocalDate(p), {
      message: "Expected a date YYYY-MM-DD or a month YYYY-MM",
    })
    .meta({ example: "2026-11-29" }),
  status: z.enum(BILL_STATUSES).optional(),
});

export const BillStatusQuerySchema = z.object({ status: z.enum(BILL_STATUSES).optional() });

/** A bill's id in URLs: its reference's letters and digits. */
export const billId = (bill: { reference: string }) => compactReference(bill.reference);

/** A settled bill has a receipt: paid in full (by QR or in cash), or partly paid with something received. */
export function hasReceipt(bill: Bill): boolean {
  if (bill.status === "paid" || bill.status === "paid-cash") return true;
  return bill.status === "partly-paid" && (bill.paid ?? (bill.paidQr ?? 0) + (bill.paidCash ?? 0)) > 0;
}

/** The bill as the API answers it: settlement's fields present (0 when it has not touched them). */
export function present(bill: Bill): BillView {
  const paidQr = bill.paidQr ?? 0;
  const paidCash = bill.paidCash ?? 0;
  return {
    id: billId(bill),
    marketId: bill.marketId,
    stallId: bill.stallId,
    stallCode: bill.stallCode,
    period: bill.period,
    periodKey: bill.periodKey,
    amount: bill.amount,
    reference: bill.reference,
    dueOn: bill.dueOn,
    status: bill.status,
    paid: bill.paid ?? paidQr + paidCash,
    paidQr,
    paidCash,
    excess: bill.excess ?? 0,
    issuedAt: bill.issuedAt,
    ...(bill.settledAt ? { settledAt: bill.settledAt } : {}),
    ...(bill.waivedReason ? { waivedReason: bill.waivedReason } : {}),
    ...(bill.cashNote ? { cashNote: bill.cashNote } : {}),
    receipt: hasReceipt(bill),
  };
}

/**
 * A market's bills of one period — a date (that session's or day's bills) or a month (every bill of the month,
 * its days' and its own) — optionally of one status, by stall code.
 */
export async function ofMarket(
  store: Store,
  marketId: string,
  query: z.output<typeof BillQuerySchema>,
): Promise<BillView[]> {
  const bills = await BillItem.byMarketMonth(store, marketId, query.period.slice(0, 7));
  return bills
    .filter((b) => (query.period.length === 7 || b.periodKey === query.period) && matches(b, query.status))
    .sort((a, b) =>
      a.periodKey !== b.periodKey
        ? a.periodKey.localeCompare(b.periodKey)
        : a.stallCode.localeCompare(b.stallCode, "vi", { numeric: true }),
    )
    .map(present);
}

const matches = (b: Bill, status?: Bill["status"]) => status === undefined || b.status === status;

/** A stall's bills, newest period first, optionally of one status. */
export async function ofStall(store: Store, stallId: string, status?: Bill["status"]): Promise<BillView[]> {
  return (await BillItem.byStall(store, stallId)).filter((b) => matches(b, status)).map(present);
}

/** A market's bill by its id (`404` when the market has no such bill). */
export async function find(store: Store, marketId: string, id: string): Promise<Bill> {
  if (!/^[A-Za-z0-9]{1,40}$/.test(id))
    throw validationError("Invalid bill id", [{ path: "billId", message: "Letters and digits only" }]);
  const pointer = await BillRefItem.get(store, marketId, id);
  const bill = pointer && (await BillItem.get(store, marketId, pointer.periodKey, pointer.stallId));
  if (!bill) throw notFound("Bill");
  return bill;
}

/** The stall a bill is for, to check who may read it (`Access.readStall`). */
export async function stallOf(store: Store, bill: Bill) {
  return Stall.get(store, bill.stallId);
}
