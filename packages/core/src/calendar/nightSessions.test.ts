import { describe, expect, it } from "vitest";
import { toLunar } from "./lunar";
import {
  closesNextDay,
  type MarketCalendar,
  marketDayOf,
  sessionAt,
  sessionMinutes,
  sessionsBetween,
} from "./sessions";

/** Vietnam is UTC+7 all year, so local 17:00 is 10:00Z and local 01:00 the next day is 18:00Z. */
const night: MarketCalendar = {
  schedule: { kind: "weekly", days: [6] },
  hours: { open: "17:00", close: "01:00" },
};

describe("sessions across midnight (contract §21)", () => {
  it("a Saturday night market 17:00–01:00 in December 2026: each session opens on Saturday and closes on Sunday", () => {
    // By hand: 1 December 2026 is a Tuesday, so the Saturdays are 5, 12, 19 and 26. Each opens at 17:00 local
    // (10:00Z the same day) and closes at 01:00 local on the Sunday (18:00Z on the Saturday).
    expect(sessionsBetween(night, "2026-12-01", "2026-12-31")).toEqual(
      [5, 12, 19, 26].map((d) => ({
        date: `2026-12-${String(d).padStart(2, "0")}`,
        opensAt: `2026-12-${String(d).padStart(2, "0")}T10:00:00.000Z`,
        closesAt: `2026-12-${String(d).padStart(2, "0")}T18:00:00.000Z`,
      })),
    );
    expect(sessionMinutes(night.hours)).toBe(480);
    expect(closesNextDay(night.hours)).toBe(true);
  });

  it("a session opening on 31 October 22:00 is October's, closed on its opening date", () => {
    const daily: MarketCalendar = { schedule: { kind: "daily" }, hours: { open: "22:00", close: "02:00" } };
    const oct = sessionsBetween(daily, "2026-10-01", "2026-10-31");
    expect(oct.at(-1)).toEqual({
      date: "2026-10-31",
      opensAt: "2026-10-31T15:00:00.000Z",
      closesAt: "2026-10-31T19:00:00.000Z", // 02:00 on 1 November local
    });
    expect(sessionsBetween(daily, "2026-11-01", "2026-11-01")[0]!.date).toBe("2026-11-01");
    // 01:30 local on 1 November is minute 1530 of market day 31 October.
    expect(marketDayOf(daily.hours, "2026-10-31T18:30:00.000Z")).toEqual({
      date: "2026-10-31",
      minute: 1530,
    });
    // Closing 31 October takes away the night that began then, not the one that began on 1 November.
    const closed = sessionsBetween({ ...daily, closures: ["2026-10-31"] }, "2026-10-30", "2026-11-01");
    expect(closed.map((s) => s.date)).toEqual(["2026-10-30", "2026-11-01"]);
    expect(sessionAt({ ...daily, closures: ["2026-10-31"] }, "2026-10-31T18:30:00.000Z")).toBeUndefined();
    expect(sessionAt(daily, "2026-10-31T18:30:00.000Z")?.date).toBe("2026-10-31");
  });

  it("24:00 closes at the end of the opening day; close equal to open is exactly 24 hours", () => {
    const toMidnight = { open: "17:00", close: "24:00" };
    expect(closesNextDay(toMidnight)).toBe(false);
    expect(sessionMinutes(toMidnight)).toBe(420);
    expect(
      sessionsBetween({ schedule: { kind: "daily" }, hours: toMidnight }, "2026-12-05", "2026-12-05"),
    ).toEqual([
      { date: "2026-12-05", opensAt: "2026-12-05T10:00:00.000Z", closesAt: "2026-12-05T17:00:00.000Z" },
    ]);
    // 23:59 local is still the 5th; midnight itself is outside (sessions are half-open).
    expect(marketDayOf(toMidnight, "2026-12-05T16:59:00.000Z")).toEqual({ date: "2026-12-05", minute: 1439 });

    const allDay = { open: "06:00", close: "06:00" };
    expect(closesNextDay(allDay)).toBe(true);
    expect(sessionMinutes(allDay)).toBe(1440);
    const two = sessionsBetween({ schedule: { kind: "daily" }, hours: allDay }, "2026-12-05", "2026-12-06");
    expect(two).toEqual([
      { date: "2026-12-05", opensAt: "2026-12-04T23:00:00.000Z", closesAt: "2026-12-05T23:00:00.000Z" },
      { date: "2026-12-06", opensAt: "2026-12-05T23:00:00.000Z", closesAt: "2026-12-06T23:00:00.000Z" },
    ]);
    // 05:59 local on the 6th is the last minute of the 5th's session; 06:00 is the 6th's first.
    expect(marketDayOf(allDay, "2026-12-05T22:59:00.000Z")).toEqual({ date: "2026-12-05", minute: 1799 });
    expect(marketDayOf(allDay, "2026-12-05T23:00:00.000Z")).toEqual({ date: "2026-12-06", minute: 360 });
    expect(sessionMinutes({ open: "00:00", close: "24:00" })).toBe(1440);
    expect(sessionMinutes({ open: "00:00", close: "00:00" })).toBe(1440);
  });

  it("a day market's day turns over at midnight as before", () => {
    expect(marketDayOf({ open: "05:00", close: "12:00" }, "2026-12-05T17:30:00.000Z")).toEqual({
      date: "2026-12-06",
      minute: 30,
    });
  });
});

describe("Khâu Vai: the night of the 26th to the 27th of the third lunar month", () => {
  // 18:00 on 26/3 âm lịch to 12:00 on 27/3.
  const khauVai: MarketCalendar = {
    schedule: { kind: "lunar", days: [26], months: [3] },
    hours: { open: "18:00", close: "12:00" },
  };
  /**
   * Worked by hand: a lunar month begins on the day (at UTC+7) of its new moon; the 26th is 25 days later.
   *  - 2020: month 3 begins 24 March (new moon 24 Mar 09:28Z) → 26/3 = 18 April. (2020's leap month is the 4th,
   *    after it: it does not move month 3.)
   *  - 2021: month 3 begins 12 April (new moon 12 Apr 02:31Z) → 7 May; the festival was announced for 6–8 May 2021
   *    (VietnamPlus, "Khau Vai Love Market to open in May", 2021-04-13).
   *  - 2023: a leap 2nd month comes first; month 3 begins 20 April (new moon 20 Apr 04:12Z, the hybrid eclipse)
   *    → 15 May; VietnamPlus reported the market "on May 15 and 16" 2023.
   *  - 2024: month 3 begins 9 April (new moon 8 Apr 18:21Z = 01:21 on the 9th at UTC+7) → 4 May.
   *  - 2025: month 3 begins 29 March (new moon 29 Mar 10:58Z) → 23 April.
   *  - 2026: month 3 begins 17 April (new moon 17 Apr 11:52Z) → 12 May.
   *  - 2031 has a leap 3rd month: 9/2 âm lịch is 1 March 2031 and 29/2 is 21 March (published Vietnamese
   *    almanacs, xemsomenh.com and ngaydep.com), so 30/2 is 22 March, month 3 begins 23 March → 26/3 = 17 April;
   *    the leap month 3 nhuận begins 21 April and its 26th (16 May) is not a Khâu Vai night.
   */
  const expected = [
    "2020-04-18",
    "2021-05-07",
    "2023-05-15",
    "2024-05-04",
    "2025-04-23",
    "2026-05-12",
    "2031-04-17",
  ];

  it("meets once a year on the dates worked out by hand, not in a leap third month", () => {
    const years = [2020, 2021, 2023, 2024, 2025, 2026, 2031];
    const got = years.flatMap((y) => sessionsBetween(khauVai, `${y}-01-01`, `${y}-12-31`));
    expect(got.map((s) => s.date)).toEqual(expected);
    // Opens 18:00 local (11:00Z) on the 26th and closes at noon on the 27th (05:00Z).
    expect(got[4]).toEqual({
      date: "2025-04-23",
      opensAt: "2025-04-23T11:00:00.000Z",
      closesAt: "2025-04-24T05:00:00.000Z",
    });
  });

  it("agrees with the core lunar conversion, including the leap month it skips", () => {
    for (const d of expected) {
      const [y, m, day] = d.split("-").map(Number) as [number, number, number];
      expect(toLunar(day, m, y)).toMatchObject({ day: 26, month: 3, leap: false });
    }
    expect(toLunar(1, 3, 2031)).toMatchObject({ day: 9, month: 2 });
    expect(toLunar(21, 3, 2031)).toMatchObject({ day: 29, month: 2 });
    expect(toLunar(16, 5, 2031)).toMatchObject({ day: 26, month: 3, leap: true });
    // Without `months`, a lunar schedule meets in leap months too (a monthly phiên goes on).
    const monthly: MarketCalendar = { schedule: { kind: "lunar", days: [26] }, hours: khauVai.hours };
    expect(sessionsBetween(monthly, "2031-04-01", "2031-05-31").map((s) => s.date)).toEqual([
      "2031-04-17",
      "2031-05-16",
    ]);
  });

  it("a payment at 03:00 on the 27th counts for the 26th's night", () => {
    expect(marketDayOf(khauVai.hours, "2026-05-12T20:00:00.000Z")).toEqual({
      date: "2026-05-12",
      minute: 1620,
    });
    expect(sessionAt(khauVai, "2026-05-12T20:00:00.000Z")?.date).toBe("2026-05-12");
    expect(sessionAt(khauVai, "2026-05-13T06:00:00.000Z")).toBeUndefined();
  });
});
