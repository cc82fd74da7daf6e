import { describe, expect, it } from "vitest";
import { THRESHOLDS } from "../evaluation/evaluate";
import { dayMonth, definitions, formatNumber, formatPct, formatSigned, methodOf, monthVi } from "./labels";
import { niceCeiling } from "./monthlyReport";

describe("Vietnamese formats", () => {
  it("writes numbers, percentages and signed changes as vi-VN does", () => {
    expect(formatNumber(1234567)).toBe("1.234.567");
    expect(formatNumber(null)).toBe("—");
    expect(formatPct(75.5)).toBe("75,5%");
    expect(formatSigned(12000)).toBe("+12.000");
    expect(formatSigned(-3.5, "%")).toBe("−3,5%");
    expect(formatSigned(0)).toBe("0");
    expect(monthVi("2026-10")).toBe("10/2026");
    expect(dayMonth("2026-03-11")).toBe("11/03");
  });
});

describe("definitions", () => {
  it("take the thresholds from the evaluations' method, falling back to the engine's", () => {
    const own = definitions(methodOf([]));
    expect(own.filter((d) => d.threshold !== undefined).map((d) => d.threshold)).toEqual([
      THRESHOLDS.uptimePct,
      THRESHOLDS.qrSharePct,
      THRESHOLDS.activeSharePct,
    ]);
    const method = {
      timezone: "Asia/Ho_Chi_Minh",
      definitions: "market40/1",
      thresholds: { uptimePct: 90, qrSharePct: 70, activeSharePct: 40 },
    };
    const theirs = definitions(method);
    expect(theirs.find((d) => d.term === "Ngưỡng tỷ lệ hoạt động")).toMatchObject({
      threshold: 90,
      meaning: "≥ 90%",
    });
  });
});

describe("niceCeiling", () => {
  it("rounds an axis up to 2, 5 or 10 times a power of ten", () => {
    expect([0, 1, 2, 3, 7, 11, 49, 51, 1234567].map(niceCeiling)).toEqual([
      2, 2, 2, 5, 10, 20, 50, 100, 2000000,
    ]);
  });
});
