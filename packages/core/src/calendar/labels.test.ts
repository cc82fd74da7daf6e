import { describe, expect, it } from "vitest";
import { sessionDay, sessionLabel } from "./labels";

describe("sessionDay and sessionLabel", () => {
  it("name a weekly market's day by its weekday and date only", () => {
    expect(sessionDay({ kind: "weekly", days: [7] }, "2026-12-06")).toEqual({});
    expect(sessionLabel({ kind: "weekly", days: [7] }, "2026-12-06")).toBe("Chủ nhật 06/12");
  });

  it("give a zodiac-day market the day's branch (1 January 2000 was a Mậu Ngọ day)", () => {
    expect(sessionDay({ kind: "zodiac", animals: ["horse"] }, "2000-01-01")).toEqual({ animal: "horse" });
    expect(sessionLabel({ kind: "zodiac", animals: ["horse"] }, "2000-01-01")).toBe(
      "Thứ bảy 01/01 · ngày Ngọ",
    );
    expect(sessionDay({ kind: "zodiac", animals: ["goat"] }, "2000-01-02")).toEqual({ animal: "goat" });
  });

  it("give a lunar-date market the lunar date, a leap month marked (22 March 2023 was 1/2 nhuận)", () => {
    expect(sessionDay({ kind: "lunar", days: [27] }, "2026-05-13")).toEqual({
      lunar: { day: 27, month: 3, leap: false },
    });
    expect(sessionDay({ kind: "lunar", days: [1] }, "2023-03-22")).toEqual({
      lunar: { day: 1, month: 2, leap: true },
    });
    expect(sessionLabel({ kind: "lunar", days: [1] }, "2023-03-22")).toBe("Thứ tư 22/03 · 1/2 nhuận âm lịch");
  });
});
