import { describe, expect, it } from "vitest";
import { type Bill, outstanding, withCash, withTransfer, withWaiver } from "./bill";

const open: Bill = {
  marketId: "m",
  stallId: "s",
  stallCode: "A-12",
  period: "session",
  periodKey: "2026-11-29",
  amount: 20000,
  reference: "PHI A12 2911",
  dueOn: "2026-11-29",
  status: "open",
  paid: 0,
  paidQr: 0,
  paidCash: 0,
  excess: 0,
  payments: [],
  issuedAt: "2026-11-29T10:00:00.000Z",
  rev: 0,
};
const t = (id: string, amount: number, paidAt = "2026-11-29T02:00:00.000Z") => ({ id, amount, paidAt });

describe("a bill's money", () => {
  it("short, then the rest: partly paid, then paid when the total reaches the amount", () => {
    const short = withTransfer(open, t("g:1", 15000));
    expect(short).toMatchObject({ status: "partly-paid", paid: 15000, excess: 0, rev: 1 });
    expect(short.settledAt).toBeUndefined();
    expect(outstanding(short)).toBe(5000);
    const full = withTransfer(short, t("g:2", 5000, "2026-11-29T03:00:00.000Z"));
    expect(full).toMatchObject({
      status: "paid",
      paid: 20000,
      settledAt: "2026-11-29T03:00:00.000Z",
      rev: 2,
    });
    expect(full.payments).toEqual(["g:1", "g:2"]);
  });

  it("over: the excess, and settledAt stays the first time it was paid in full", () => {
    const over = withTransfer(
      withTransfer(open, t("g:1", 25000)),
      t("g:2", 1000, "2026-12-01T00:00:00.000Z"),
    );
    expect(over).toMatchObject({
      status: "paid",
      paid: 26000,
      excess: 6000,
      settledAt: "2026-11-29T02:00:00.000Z",
    });
    expect(outstanding(over)).toBe(0);
  });

  it("the same payment twice counts once", () => {
    const once = withTransfer(open, t("g:1", 20000));
    expect(withTransfer(once, t("g:1", 20000))).toBe(once);
  });

  it("cash records what was owed; a later transfer to it is excess and keeps paid-cash", () => {
    const cash = withCash(withTransfer(open, t("g:1", 5000)), "2026-11-30T00:00:00.000Z", "biên lai 12");
    expect(cash).toMatchObject({
      status: "paid-cash",
      paidQr: 5000,
      paidCash: 15000,
      paid: 20000,
      excess: 0,
    });
    expect(cash.settledAt).toBe("2026-11-30T00:00:00.000Z");
    expect(withTransfer(cash, t("g:2", 20000))).toMatchObject({
      status: "paid-cash",
      paid: 40000,
      excess: 20000,
    });
  });

  it("a waiver owes nothing more and keeps what was paid", () => {
    const waived = withWaiver(withTransfer(open, t("g:1", 5000)), "2026-11-30T00:00:00.000Z", "ngập");
    expect(waived).toMatchObject({ status: "waived", paidQr: 5000, waivedReason: "ngập" });
    expect(outstanding(waived)).toBe(0);
  });
});
