import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, dayIndex, isoWeekday, localDateOf } from "./localDate";
import { toLunar } from "./lunar";
import { sessionsBetween } from "./sessions";
import { ANIMALS, dayAnimal } from "./zodiac";

const hours = { open: "05:00", close: "12:00" };
const anyDate = fc.integer({ min: 0, max: 365 * 30 }).map((n) => addDays("2010-01-01", n));

describe("Can Chi day branch", () => {
  it("matches known days", () => {
    expect(dayAnimal("2000-01-01")).toBe("horse"); // jdn 2451545, a Ngọ day
    expect(dayAnimal("2024-02-10")).toBe("dragon"); // Tết Giáp Thìn fell on a Giáp Thìn day
    expect(dayAnimal("2000-01-02")).toBe("goat");
    expect(dayAnimal("1999-12-31")).toBe("snake");
  });

  it("cycles through all twelve animals", () => {
    fc.assert(
      fc.property(anyDate, (date) => {
        const i = ANIMALS.indexOf(dayAnimal(date));
        expect(dayAnimal(addDays(date, 1))).toBe(ANIMALS[(i + 1) % 12]);
        expect(dayAnimal(addDays(date, 12))).toBe(dayAnimal(date));
      }),
    );
  });
});

describe("sessionsBetween", () => {
  it("lists Sunday sessions 7 days apart with UTC opening instants", () => {
    const sessions = sessionsBetween(
      { schedule: { kind: "weekly", days: [7] }, hours },
      "2026-12-01",
      "2026-12-31",
    );
    expect(sessions.map((s) => s.date)).toEqual(["2026-12-06", "2026-12-13", "2026-12-20", "2026-12-27"]);
    expect(sessions[0]).toEqual({
      date: "2026-12-06",
      opensAt: "2026-12-05T22:00:00.000Z",
      closesAt: "2026-12-06T05:00:00.000Z",
    });
  });

  it("removes closures", () => {
    const sessions = sessionsBetween(
      { schedule: { kind: "daily" }, hours, closures: ["2026-02-17", "2026-02-18"] },
      "2026-02-15",
      "2026-02-20",
    );
    expect(sessions.map((s) => s.date)).toEqual(["2026-02-15", "2026-02-16", "2026-02-19", "2026-02-20"]);
  });

  it("weekly sessions fall on their weekday, 7 days apart", () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 1, max: 7 }), (from, day) => {
        const s = sessionsBetween(
          { schedule: { kind: "weekly", days: [day] }, hours },
          from,
          addDays(from, 60),
        );
        expect(s.length).toBeGreaterThanOrEqual(8);
        for (const [i, session] of s.entries()) {
          expect(isoWeekday(session.date)).toBe(day);
          if (i > 0) expect(dayIndex(session.date) - dayIndex(s[i - 1]!.date)).toBe(7);
        }
      }),
    );
  });

  it("zodiac pairs (rat/horse) meet every 6 days", () => {
    fc.assert(
      fc.property(anyDate, (from) => {
        const s = sessionsBetween(
          { schedule: { kind: "zodiac", animals: ["rat", "horse"] }, hours },
          from,
          addDays(from, 59),
        );
        expect(s).toHaveLength(10);
        for (let i = 1; i < s.length; i++) expect(dayIndex(s[i]!.date) - dayIndex(s[i - 1]!.date)).toBe(6);
      }),
    );
  });

  it("lunar markets meet on their lunar days (Khâu Vai: 2, 7, 12, 17, 22, 27)", () => {
    const days = [2, 7, 12, 17, 22, 27];
    const s = sessionsBetween({ schedule: { kind: "lunar", days }, hours }, "2026-01-01", "2026-12-31");
    expect(s.length).toBeGreaterThanOrEqual(12 * 6);
    for (const session of s) {
      const [y, m, d] = session.date.split("-").map(Number) as [number, number, number];
      expect(days).toContain(toLunar(d, m, y).day);
    }
    // Tết 2026 is 17 February, so lunar 2/1 is the 18th.
    expect(s.map((x) => x.date)).toContain("2026-02-18");
  });

  it("gives opening instants whose local date is the session date", () => {
    fc.assert(
      fc.property(anyDate, (from) => {
        for (const s of sessionsBetween({ schedule: { kind: "daily" }, hours }, from, addDays(from, 3))) {
          expect(localDateOf(s.opensAt)).toBe(s.date);
          expect(Date.parse(s.closesAt) - Date.parse(s.opensAt)).toBe(7 * 3600_000);
        }
      }),
    );
  });
});
