import { describe, expect, it } from "vitest";
import { type BillingStall, billReference, billsDue } from "./billing";
import type { FeeRate } from "./schedule";

const SUNDAYS = {
  schedule: { kind: "weekly" as const, days: [7] },
  hours: { open: "05:00", close: "12:00" },
};
const DAILY = {
  schedule: { kind: "daily" as const },
  hours: { open: "05:00", close: "18:00" },
  closures: ["2026-11-10"],
};
const stall = (id: string, code: string, over: Partial<BillingStall> = {}): BillingStall => ({
  id,
  code,
  status: "active",
  createdAt: "2026-10-01T00:00:00Z",
  qrIssuedAt: null,
  ...over,
});
const session: FeeRate = { appliesTo: { kind: "all" }, period: "session", amount: 20000, from: "2026-11-01" };

describe("billsDue", () => {
  it("bills each Sunday session of the look-back window up to today, for active stalls only", () => {
    const bills = billsDue({
      market: SUNDAYS,
      rates: [session],
      stalls: [stall("s1", "A-12"), stall("s2", "B-1", { status: "suspended" })],
      // s2 was suspended on Saturday 21 November 10:00 local and has been since.
      changes: [
        {
          stallId: "s2",
          code: "B-1",
          at: "2026-11-21T03:00:00Z",
          before: { status: "active", qrIssuedAt: null },
          after: { status: "suspended", qrIssuedAt: null },
        },
      ],
      now: new Date("2026-11-29T17:30:00Z"), // 00:30 on Monday 30 November
      today: "2026-11-30",
    });
    expect(bills.map((b) => [b.stallId, b.periodKey, b.amount, b.dueOn])).toEqual([
      ["s1", "2026-11-29", 20000, "2026-11-29"],
    ]);
    // The Sunday before (22nd) is 8 days back: outside the window, issued by earlier runs.
  });

  it("a month's fee is shared over its market days and charged for the days the stall was active", () => {
    const monthly: FeeRate = {
      appliesTo: { kind: "all" },
      period: "month",
      amount: 290000,
      from: "2026-01-01",
    };
    const bills = billsDue({
      market: DAILY,
      rates: [monthly],
      stalls: [stall("s1", "C 7"), stall("s2", "C8", { createdAt: "2026-11-21T01:00:00Z" })],
      changes: [],
      now: new Date("2026-12-01T17:30:00Z"),
      today: "2026-12-02",
    });
    // November has 30 days, one closed: 29 market days at 10,000 VND. s2 was registered on the 21st: 10 days.
    expect(bills.map((b) => [b.stallId, b.periodKey, b.amount, b.dueOn, billReference(b)])).toEqual([
      ["s1", "2026-11", 290000, "2026-12-10", "PHI C7 T1126"],
      ["s2", "2026-11", 100000, "2026-12-10", "PHI C8 T1126"],
    ]);
  });

  it("references: code letters and digits, the date as DDMM, a letter when the plain one is taken", () => {
    expect(billReference({ stallCode: "a-12", periodKey: "2026-11-26" })).toBe("PHI A12 2611");
    expect(billReference({ stallCode: "a-12", periodKey: "2026-11-26" }, 1)).toBe("PHI A12 2611B");
  });
});
