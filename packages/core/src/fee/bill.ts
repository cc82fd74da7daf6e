import { z } from "zod";
import { FEE_PERIODS } from "./schedule";

/**
 * A fee bill and how payments settle it (docs/contract.md §20): the type, its API schema and the money maths,
 * pure — no store. The entity module (`billItem.ts`) stores it; the workflows (`settlement.ts`) decide when.
 *
 * `paid` is always `paidQr + paidCash`; `excess` is what was paid over `amount`. A bill is `open` until money comes,
 * `partly-paid` while short, `paid` once QR payments reach its amount; the manager may close an open or partly paid
 * bill as `paid-cash` (the rest received in cash) or `waived` (with a reason). `rev` grows with every change, and
 * every change is written conditioned on the revision read, so two payments on one bill never overwrite each other.
 */
export const BILL_STATUSES = ["open", "partly-paid", "paid", "paid-cash", "waived"] as const;
export type BillStatus = (typeof BILL_STATUSES)[number];

export const BillSchema = z
  .object({
    id: z
      .string()
      .meta({ description: "`<periodKey>_<stallId>`: the stall and the period", example: "2026-11-29_01jc" }),
    marketId: z.string(),
    stallId: z.string(),
    stallCode: z.string(),
    period: z.enum(FEE_PERIODS),
    periodKey: z.string().meta({ description: "The session's or day's date, or the month (`YYYY-MM`)" }),
    amount: z.number().int(),
    reference: z.string().meta({ example: "PHI A12 2911" }),
    dueOn: z.string(),
    status: z.enum(BILL_STATUSES),
    paid: z.number().int().meta({ description: "`paidQr + paidCash`" }),
    paidQr: z.number().int().meta({ description: "Received by transfer to the board's account" }),
    paidCash: z.number().int().meta({ description: "Recorded as received in cash by the manager" }),
    excess: z
      .number()
      .int()
      .meta({ description: "Paid over the amount (to refund or keep, the board's call)" }),
    outstanding: z.number().int().meta({ description: "Still to pay: 0 once paid, paid in cash or waived" }),
    settledAt: z.string().nullable().meta({ description: "When it was paid in full (by QR or in cash)" }),
    payments: z.array(z.string()).meta({ description: "The settling payments, as `provider:id`" }),
    cashNote: z.string().nullable(),
    waivedReason: z.string().nullable(),
    issuedAt: z.string(),
    rev: z.number().int(),
    receipt: z
      .boolean()
      .meta({ description: "Whether it has a receipt (`…/receipt.pdf`): something was received on it" }),
  })
  .meta({ id: "Bill" });
export type BillView = z.output<typeof BillSchema>;

/** A bill as stored. */
export interface Bill {
  marketId: string;
  stallId: string;
  stallCode: string;
  period: (typeof FEE_PERIODS)[number];
  periodKey: string;
  amount: number;
  reference: string;
  dueOn: string;
  status: BillStatus;
  paid: number;
  paidQr: number;
  paidCash: number;
  excess: number;
  settledAt?: string;
  payments: string[];
  cashNote?: string;
  waivedReason?: string;
  /** When and by whom the manager closed it (cash or waiver). */
  closedAt?: string;
  issuedAt: string;
  rev: number;
}

/** A bill's id in the API: its period and stall, which are its key. */
export const billId = (bill: { periodKey: string; stallId: string }) => `${bill.periodKey}_${bill.stallId}`;

/** The period and stall an id names, or undefined when it is not a bill id. */
export function parseBillId(id: string): { periodKey: string; stallId: string } | undefined {
  const m = /^(\d{4}-\d{2}(?:-\d{2})?)_([A-Za-z0-9]{1,64})$/.exec(id);
  return m ? { periodKey: m[1]!, stallId: m[2]! } : undefined;
}

/** A payment's id as bills list it. */
export const paymentId = (p: { provider: string; id: string }) => `${p.provider}:${p.id}`;

/** What is still to pay: nothing once a bill is paid, paid in cash or waived. */
export function outstanding(bill: Bill): number {
  if (bill.status === "paid-cash" || bill.status === "waived") return 0;
  return Math.max(0, bill.amount - bill.paid);
}

/** Whether a transfer naming this bill settles it by itself: not once the manager closed it (cash or waiver). */
export const takesQr = (bill: Bill): boolean =>
  bill.status === "open" || bill.status === "partly-paid" || bill.status === "paid";

/** Whether the manager may still close it in cash or waive it. */
export const isOpen = (bill: Bill): boolean => bill.status === "open" || bill.status === "partly-paid";

/**
 * The bill after a transfer of `amount` (payment `id`, paid at `paidAt`). A payment already listed changes nothing
 * (the store's exactly-once keys make that unreachable; this keeps the maths idempotent on its own). A bill the
 * manager closed in cash keeps that status and records the transfer as excess.
 */
export function withTransfer(bill: Bill, payment: { id: string; amount: number; paidAt: string }): Bill {
  if (bill.payments.includes(payment.id)) return bill;
  const paidQr = bill.paidQr + payment.amount;
  const paid = paidQr + bill.paidCash;
  const full = paid >= bill.amount;
  const status =
    bill.status === "paid-cash" || bill.status === "waived"
      ? bill.status
      : full
        ? "paid"
        : paid > 0
          ? "partly-paid"
          : "open";
  return {
    ...bill,
    paidQr,
    paid,
    excess: Math.max(0, paid - bill.amount),
    status,
    ...(full && !bill.settledAt ? { settledAt: payment.paidAt } : {}),
    payments: [...bill.payments, payment.id],
    rev: bill.rev + 1,
  };
}

/** The bill closed as paid in cash: what was still outstanding was received in cash at `at`. */
export function withCash(bill: Bill, at: string, note?: string): Bill {
  const paidCash = bill.paidCash + outstanding(bill);
  const paid = bill.paidQr + paidCash;
  return {
    ...bill,
    status: "paid-cash",
    paidCash,
    paid,
    excess: Math.max(0, paid - bill.amount),
    settledAt: bill.settledAt ?? at,
    ...(note ? { cashNote: note } : {}),
    closedAt: at,
    rev: bill.rev + 1,
  };
}

/** The bill waived at `at` for `reason`: nothing more is owed; what was paid by transfer stays recorded. */
export function withWaiver(bill: Bill, at: string, reason: string): Bill {
  return { ...bill, status: "waived", waivedReason: reason, closedAt: at, rev: bill.rev + 1 };
}

/** A bill as the API shows it. */
export function present(bill: Bill): BillView {
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
    paid: bill.paid,
    paidQr: bill.paidQr,
    paidCash: bill.paidCash,
    excess: bill.excess,
    outstanding: outstanding(bill),
    settledAt: bill.settledAt ?? null,
    payments: bill.payments,
    cashNote: bill.cashNote ?? null,
    waivedReason: bill.waivedReason ?? null,
    issuedAt: bill.issuedAt,
    rev: bill.rev,
    receipt: hasReceipt(bill),
  };
}

/** A settled bill has a receipt: paid in full (by QR or in cash), or partly paid with something received. */
export function hasReceipt(bill: Pick<Bill, "status" | "paid">): boolean {
  if (bill.status === "paid" || bill.status === "paid-cash") return true;
  return bill.status === "partly-paid" && bill.paid > 0;
}
