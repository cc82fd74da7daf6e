import { describe, expect, it } from "vitest";
import type { MarketCalendar } from "../calendar/sessions";
import { judgeMoneyStops, MONEY_STOPS_RULES, median, moneyStopsIncidentId } from "./moneyStops";

/** Sundays 05:00–12:00 in Vietnam; 2026-11-29 is a Sunday, its session 2026-11-28T22:00Z – 2026-11-29T05:00Z. */
const calendar: MarketCalendar = {
  schedule: { kind: "weekly", days: [7] },
  hours: { open: "05:00", close: "12:00" },
};
const busy = Array(8).fill(30);
const base = {
  now: new Date("2026-11-29T03:00:00Z"),
  calendar,
  pastCounts: busy,
  lastPaidAt: "2026-11-29T01:00:00Z",
  newestListedAt: "2026-11-29T02:59:00Z",
};

describe("judgeMoneyStops", () => {
  it("stops: in session, usually busy, quiet for the threshold, providers listing a later payment", () => {
    expect(judgeMoneyStops(base)).toEqual({
      stopped: true,
      session: {
        date: "2026-11-29",
        opensAt: "2026-11-28T22:00:00.000Z",
        closesAt: "2026-11-29T05:00:00.000Z",
      },
      quietSince: "2026-11-29T01:00:00.000Z",
      quietMinutes: 120,
      usual: 30,
    });
  });

  it("out of session: nothing, however quiet", () => {
    expect(judgeMoneyStops({ ...base, now: new Date("2026-11-29T06:00:00Z") })).toMatchObject({
      stopped: false,
      reason: "out of session",
    });
  });

  it("not usual: the median of the last sessions under the threshold, or too few past sessions", () => {
    const rare = [0, 0, 0, 0, 50, 50, 50, 1];
    expect(median(rare)).toBe(0.5);
    expect(judgeMoneyStops({ ...base, pastCounts: rare })).toMatchObject({ reason: "not usual" });
    expect(judgeMoneyStops({ ...base, pastCounts: busy.slice(1) })).toMatchObject({ reason: "not usual" });
    // Only the last `sessions` count: an old busy stretch does not make a market busy now.
    expect(judgeMoneyStops({ ...base, pastCounts: [...busy, ...Array(8).fill(1)] })).toMatchObject({
      reason: "not usual",
    });
    expect(
      judgeMoneyStops({ ...base, pastCounts: Array(8).fill(MONEY_STOPS_RULES.usualPayments) }).stopped,
    ).toBe(true);
  });

  it("payments arriving: quiet for less than the threshold, counted from the later of the opening and the last payment", () => {
    const justPaid = "2026-11-29T02:01:00Z";
    expect(judgeMoneyStops({ ...base, lastPaidAt: justPaid })).toMatchObject({ reason: "payments arriving" });
    expect(judgeMoneyStops({ ...base, lastPaidAt: "2026-11-29T02:00:00Z" }).stopped).toBe(true); // exactly 60
    // Last paid in an earlier session: quiet from this session's opening (22:00Z), 23 minutes in.
    expect(
      judgeMoneyStops({ ...base, now: new Date("2026-11-28T22:23:00Z"), lastPaidAt: "2026-11-22T04:00:00Z" }),
    ).toMatchObject({ reason: "payments arriving" });
  });

  it("providers show none: nothing listed, or nothing paid after the market went quiet", () => {
    expect(judgeMoneyStops({ ...base, newestListedAt: null })).toMatchObject({
      reason: "providers show none",
    });
    expect(judgeMoneyStops({ ...base, newestListedAt: "2026-11-29T00:59:00Z" })).toMatchObject({
      reason: "providers show none",
    });
  });

  it("one candidate id per market and session", () => {
    expect(moneyStopsIncidentId("a", "2026-11-29")).toBe(moneyStopsIncidentId("a", "2026-11-29"));
    expect(moneyStopsIncidentId("a", "2026-11-29")).not.toBe(moneyStopsIncidentId("a", "2026-12-06"));
    expect(moneyStopsIncidentId("a", "2026-11-29")).not.toBe(moneyStopsIncidentId("b", "2026-11-29"));
  });
});
