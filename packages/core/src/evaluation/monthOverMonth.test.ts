import { describe, expect, it } from "vitest";
import type { Evaluation } from "./evaluations";
import { monthOverMonth, previousMonth, withMonthOverMonth } from "./monthOverMonth";

function evaluation(
  marketId: string,
  periodKey: string,
  uptake: Partial<Evaluation["uptake"]>,
  version = 1,
): Evaluation {
  return {
    marketId,
    periodKey,
    version,
    provisional: false,
    uptake: {
      stalls: 10,
      stallsWithQr: 8,
      qrSharePct: 80,
      activeStalls: 4,
      activeSharePct: 50,
      transactions: 20,
      value: 100000,
      medianTicket: 5000,
      uniquePayers: 10,
      ...uptake,
    },
  } as Evaluation;
}

describe("previousMonth", () => {
  it("steps back a month, across a year", () => {
    expect(previousMonth("2026-10")).toBe("2026-09");
    expect(previousMonth("2026-01")).toBe("2025-12");
    expect(previousMonth("2026-11")).toBe("2026-10");
  });
});

describe("monthOverMonth", () => {
  it("gives shares in points and counts as difference and percent of the previous month", () => {
    const now = evaluation("m", "2026-10", {
      qrSharePct: 90,
      activeSharePct: 37.5,
      value: 150000,
      uniquePayers: 7,
    });
    const before = evaluation("m", "2026-09", {}, 3);
    expect(monthOverMonth(now, before)).toEqual({
      previous: { period: "2026-09", version: 3, provisional: false },
      partial: false,
      qrSharePct: { previous: 80, points: 10 },
      activeSharePct: { previous: 50, points: -12.5 },
      value: { previous: 100000, change: 50000, changePct: 50 },
      uniquePayers: { previous: 10, change: -3, changePct: -30 },
    });
  });

  it("has no change where either month has no share, and no percent of a zero month", () => {
    const now = evaluation("m", "2026-10", {
      qrSharePct: null,
      activeSharePct: 20,
      value: 5000,
      uniquePayers: 1,
    });
    const before = evaluation("m", "2026-09", {
      qrSharePct: 50,
      activeSharePct: null,
      value: 0,
      uniquePayers: 0,
    });
    const mom = monthOverMonth(now, before);
    expect(mom.qrSharePct).toEqual({ previous: 50, points: null });
    expect(mom.activeSharePct).toEqual({ previous: null, points: null });
    expect(mom.value).toEqual({ previous: 0, change: 5000, changePct: null });
    expect(mom.uniquePayers).toEqual({ previous: 0, change: 1, changePct: null });
  });

  it("rounds to 2 decimals and avoids binary noise in points", () => {
    const now = evaluation("m", "2026-10", { qrSharePct: 66.67, value: 200000 });
    const before = evaluation("m", "2026-09", { qrSharePct: 33.33, value: 300000 });
    const mom = monthOverMonth(now, before);
    expect(mom.qrSharePct.points).toBe(33.34);
    expect(mom.value.changePct).toBe(-33.33);
  });
});

describe("a month in progress against a whole one", () => {
  it("compares the QR share but no flow: value, payers and active share have no change, and say why", () => {
    const now = {
      ...evaluation("m", "2026-12", { qrSharePct: 90, activeSharePct: 10, value: 20000 }),
      provisional: true,
    };
    const before = evaluation("m", "2026-11", { qrSharePct: 80, activeSharePct: 60, value: 900000 });
    const mom = monthOverMonth(now, before);
    expect(mom.partial).toBe(true);
    expect(mom.qrSharePct).toEqual({ previous: 80, points: 10 });
    expect(mom.activeSharePct).toEqual({ previous: 60, points: null });
    expect(mom.value).toEqual({ previous: 900000, change: null, changePct: null });
    expect(mom.uniquePayers.changePct).toBeNull();
    // Two whole months (or two partial ones) compare as before.
    expect(monthOverMonth({ ...now, provisional: false }, before).value.changePct).toBe(-97.78);
  });
});

describe("withMonthOverMonth", () => {
  it("pairs markets by id and leaves a market new this month at null", () => {
    const out = withMonthOverMonth(
      [evaluation("a", "2026-10", {}), evaluation("b", "2026-10", {})],
      [evaluation("b", "2026-09", { value: 50000 }), evaluation("c", "2026-09", {})],
    );
    expect(out.map((e) => [e.marketId, e.monthOverMonth?.value.previous ?? null])).toEqual([
      ["a", null],
      ["b", 50000],
    ]);
  });
});
