import { z } from "zod";
import type { LocalDate } from "../calendar/localDate";

/**
 * What an evaluation counts of a market board's fees (docs/evaluations.md "Fees"): pure, from the bills due in the
 * period. Money is whole VND; the two shares are percentages rounded to 2 decimals, `null` when their denominator
 * is 0. Absent fields of a bill count as 0 (bills issued before settlement kept them).
 */
export const FeeFiguresSchema = z
  .object({
    /** Bills due in the period: their amounts summed. */
    billed: z.number(),
    /** What waivers forgave: a waived bill's amount less what was paid on it before. */
    waived: z.number(),
    /** Received against the bills, by QR and in cash, each bill counted up to its amount. */
    collected: z.number(),
    /** The QR part of `collected`: each bill's QR payments up to its amount. */
    collectedCashless: z.number(),
    /** Received beyond the bills' amounts. */
    excess: z.number(),
    /** billed − waived − collected. */
    outstanding: z.number(),
    /** collectedCashless / collected × 100. */
    feesCashlessPct: z.number().nullable(),
    /** collected / (billed − waived) × 100. */
    feesCollectedPct: z.number().nullable(),
    /** How many bills were due in the period. */
    bills: z.number(),
  })
  .meta({ id: "EvaluationFees" });
export type FeeFigures = z.output<typeof FeeFiguresSchema>;

/** The fields of a bill the figures read; settlement's fields may be absent (0). */
export interface FeeBill {
  amount: number;
  status: "open" | "partly-paid" | "paid" | "paid-cash" | "waived";
  dueOn: LocalDate;
  paid?: number;
  paidQr?: number;
  paidCash?: number;
  excess?: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const pct = (num: number, den: number) => (den <= 0 ? null : round2((100 * num) / den));

/** One bill's part: what it collected (up to its amount), the QR part of that, what was forgiven, the excess. */
export function billParts(b: FeeBill) {
  const paidQr = b.paidQr ?? 0;
  const paid = b.paid ?? paidQr + (b.paidCash ?? 0);
  // A bill marked paid (by QR or in cash) is settled in full, whatever part of it the fields carry.
  const collected = b.status === "paid" || b.status === "paid-cash" ? b.amount : Math.min(paid, b.amount);
  return {
    collected,
    cashless: Math.min(paidQr, collected),
    waived: b.status === "waived" ? b.amount - collected : 0,
    excess: b.excess ?? Math.max(0, paid - b.amount),
  };
}

/**
 * The fee figures of the bills due from `from` to `to` (inclusive). A session's or day's bill is due on its day; a
 * month's on the 10th of the next month — so a month's fees count in the month they are due, when the board
 * collects them, not in the month they are for.
 * @example feeFigures([{ amount: 20_000, status: "paid", paid: 20_000, paidQr: 20_000, dueOn: "2026-11-02" }],
 *   { from: "2026-11-01", to: "2026-11-30" }).feesCashlessPct // 100
 */
export function feeFigures(bills: FeeBill[], period: { from: LocalDate; to: LocalDate }): FeeFigures {
  let billed = 0;
  let waived = 0;
  let collected = 0;
  let collectedCashless = 0;
  let excess = 0;
  let count = 0;
  for (const b of bills) {
    if (b.dueOn < period.from || b.dueOn > period.to) continue;
    const part = billParts(b);
    count++;
    billed += b.amount;
    waived += part.waived;
    collected += part.collected;
    collectedCashless += part.cashless;
    excess += part.excess;
  }
  return {
    billed,
    waived,
    collected,
    collectedCashless,
    excess,
    outstanding: Math.max(0, billed - waived - collected),
    feesCashlessPct: pct(collectedCashless, collected),
    feesCollectedPct: pct(collected, billed - waived),
    bills: count,
  };
}
