import { describe, expect, it } from "vitest";
import { type FeeBill, feeFigures } from "./fees";

const november = { from: "2026-11-01", to: "2026-11-30" };
const bill = (amount: number, status: FeeBill["status"], over: Partial<FeeBill> = {}): FeeBill => ({
  amount,
  status,
  dueOn: "2026-11-08",
  ...over,
});

describe("feeFigures", () => {
  it("counts a month's bills as the hand-worked table in docs/evaluations.md does", () => {
    const bills: FeeBill[] = [
      bill(20_000, "paid", { paid: 20_000, paidQr: 20_000 }), // QR
      bill(20_000, "paid-cash", { paid: 20_000, paidCash: 20_000 }), // cash
      bill(20_000, "partly-paid", { paid: 5_000, paidQr: 5_000 }), // short
      bill(20_000, "paid", { paid: 25_000, paidQr: 25_000, excess: 5_000 }), // over
      bill(20_000, "open", { paid: 0 }), // not at all
      bill(20_000, "waived", { paid: 0 }), // forgiven
      bill(30_000, "waived", { paid: 10_000, paidQr: 10_000 }), // part paid, the rest forgiven
      bill(20_000, "paid", { paid: 20_000, paidQr: 8_000, paidCash: 12_000 }), // both
      bill(300_000, "paid", { paid: 300_000, paidQr: 300_000, dueOn: "2026-11-10" }), // October's month
      bill(300_000, "open", { dueOn: "2026-12-10" }), // November's month: due in December
      bill(20_000, "paid-cash", { dueOn: "2026-11-30" }), // marked in cash, no amounts kept
      bill(20_000, "open", { dueOn: "2026-10-31" }), // before the period
    ];
    expect(feeFigures(bills, november)).toEqual({
      billed: 490_000,
      waived: 40_000,
      collected: 415_000,
      collectedCashless: 363_000,
      excess: 5_000,
      outstanding: 35_000,
      feesCashlessPct: 87.47, // 363,000 / 415,000
      feesCollectedPct: 92.22, // 415,000 / 450,000
      bills: 10,
    });
  });

  it("has no shares when nothing was collected or nothing is billable", () => {
    expect(feeFigures([], november)).toMatchObject({
      billed: 0,
      feesCashlessPct: null,
      feesCollectedPct: null,
    });
    const open = feeFigures([bill(20_000, "open")], november);
    expect(open).toMatchObject({ outstanding: 20_000, feesCashlessPct: null, feesCollectedPct: 0 });
    const waived = feeFigures([bill(20_000, "waived")], november);
    expect(waived).toMatchObject({ waived: 20_000, outstanding: 0, feesCollectedPct: null });
  });

  it("keeps billed = waived + collected + outstanding whatever the payments", () => {
    const statuses: FeeBill["status"][] = ["open", "partly-paid", "paid", "paid-cash", "waived"];
    for (let i = 0; i < 200; i++) {
      const amount = 1_000 * (1 + (i % 37));
      const paidQr = (i * 7_919) % (amount * 2);
      const paidCash = (i * 104_729) % amount;
      const f = feeFigures(
        [bill(amount, statuses[i % 5]!, { paidQr, paidCash, paid: paidQr + paidCash })],
        november,
      );
      expect(f.waived + f.collected + f.outstanding).toBe(f.billed);
      expect(f.collectedCashless).toBeLessThanOrEqual(f.collected);
    }
  });
});
