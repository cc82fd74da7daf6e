import { describe, expect, it } from "vitest";
import { type FeeRate, rateFor } from "./schedule";

const r = (appliesTo: FeeRate["appliesTo"], amount: number, from: string): FeeRate => ({
  appliesTo,
  period: "session",
  amount,
  from,
});

describe("rateFor", () => {
  const rates = [
    r({ kind: "all" }, 20000, "2026-12-01"),
    r({ kind: "all" }, 25000, "2027-01-01"),
    r({ kind: "category", category: "Thịt " }, 40000, "2026-12-15"),
    r({ kind: "stall", stallId: "s1" }, 0, "2027-02-01"),
  ];
  const veg = { id: "s2", category: "rau" };
  const meat = { id: "s3", category: "thịt" };

  it("applies nothing before the first rate starts", () => {
    expect(rateFor(rates, veg, "2026-11-30")).toBeUndefined();
  });

  it("takes the latest started rate of the market", () => {
    expect(rateFor(rates, veg, "2026-12-01")?.amount).toBe(20000);
    expect(rateFor(rates, veg, "2026-12-31")?.amount).toBe(20000);
    expect(rateFor(rates, veg, "2027-01-01")?.amount).toBe(25000);
  });

  it("a category's rate (case and spaces aside) wins over the market's once started, even an older one", () => {
    expect(rateFor(rates, meat, "2026-12-14")?.amount).toBe(20000);
    expect(rateFor(rates, meat, "2026-12-15")?.amount).toBe(40000);
    expect(rateFor(rates, meat, "2027-01-05")?.amount).toBe(40000);
  });

  it("a stall's own rate wins over all, and 0 exempts it", () => {
    const s1 = { id: "s1", category: "thịt" };
    expect(rateFor(rates, s1, "2027-01-31")?.amount).toBe(40000);
    expect(rateFor(rates, s1, "2027-02-01")?.amount).toBe(0);
  });
});
