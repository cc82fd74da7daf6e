import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, localDateOf } from "./localDate";
import { jdFromDate, jdToDate, toLunar } from "./lunar";

const lunarOf = (date: string, tz = 7) => {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return toLunar(d, m, y, tz);
};

describe("Vietnamese lunar calendar", () => {
  // Tết Nguyên Đán (lunar 1/1) as published by Vietnam for each year.
  it.each([
    ["2020-01-25", 2020],
    ["2021-02-12", 2021],
    ["2022-02-01", 2022],
    ["2023-01-22", 2023],
    ["2024-02-10", 2024],
    ["2025-01-29", 2025],
    ["2026-02-17", 2026],
    ["2027-02-06", 2027],
  ])("Tết falls on %s", (date, year) => {
    expect(lunarOf(date)).toEqual({ day: 1, month: 1, year, leap: false });
    expect(lunarOf(addDays(date, -1)).month).toBe(12);
  });

  it("differs from the Chinese calendar where the new moon falls between 23:00 and 24:00 Vietnam time", () => {
    // 1985: Vietnam celebrated Tết on 21 January, China on 20 February (month 11 fell differently).
    expect(lunarOf("1985-01-21")).toMatchObject({ day: 1, month: 1, year: 1985 });
    expect(lunarOf("1985-02-20", 8)).toMatchObject({ day: 1, month: 1, year: 1985 });
    expect(lunarOf("1985-02-20")).not.toMatchObject({ day: 1, month: 1 });
    // 2007: Vietnam 17 February, China 18 February.
    expect(lunarOf("2007-02-17")).toMatchObject({ day: 1, month: 1, year: 2007 });
    expect(lunarOf("2007-02-18", 8)).toMatchObject({ day: 1, month: 1, year: 2007 });
    expect(lunarOf("2007-02-17", 8)).toMatchObject({ day: 30, month: 12 });
    // 1968: Vietnam 29 January (the Tết offensive began the night of the 30th), China 30 January.
    expect(lunarOf("1968-01-29")).toMatchObject({ day: 1, month: 1, year: 1968 });
    expect(lunarOf("1968-01-30", 8)).toMatchObject({ day: 1, month: 1, year: 1968 });
    // 2030: the new moon is at 23:07 on 2 February in Vietnam, 00:07 on 3 February in China.
    expect(lunarOf("2030-02-02")).toMatchObject({ day: 1, month: 1, year: 2030 });
    expect(lunarOf("2030-02-03", 8)).toMatchObject({ day: 1, month: 1, year: 2030 });
  });

  it("knows leap months (2023 had a leap 2nd month, 2025 a leap 6th)", () => {
    expect(lunarOf("2023-03-22")).toEqual({ day: 1, month: 2, year: 2023, leap: true });
    expect(lunarOf("2025-07-25")).toEqual({ day: 1, month: 6, year: 2025, leap: true });
  });

  it("mid-autumn 2026 (15/8) is on 25 September", () => {
    expect(lunarOf("2026-09-25")).toMatchObject({ day: 15, month: 8, year: 2026 });
  });

  it("round-trips Julian day numbers", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2415021, max: 2488070 }), (jd) => {
        const [d, m, y] = jdToDate(jd);
        expect(jdFromDate(d, m, y)).toBe(jd);
      }),
    );
  });

  it("advances one day at a time, and day 1 follows day 29 or 30", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 365 * 60 }), (offset) => {
        const date = addDays("1990-01-01", offset);
        const today = lunarOf(date);
        const tomorrow = lunarOf(addDays(date, 1));
        if (tomorrow.day === 1) expect([29, 30]).toContain(today.day);
        else expect(tomorrow.day).toBe(today.day + 1);
      }),
      { numRuns: 500 },
    );
  });

  it("starts lunar months on new-moon days", () => {
    // Known new moons (UTC) from astronomical tables; day 1 is their local date in Vietnam.
    for (const newMoonUtc of ["2024-01-11T11:57Z", "2025-03-29T10:58Z", "2026-11-09T07:02Z"]) {
      expect(lunarOf(localDateOf(new Date(newMoonUtc))).day).toBe(1);
    }
  });
});
