import { describe, expect, it } from "vitest";
import { DomainError } from "../errors";
import { assertRangeLength, MAX_RANGE_DAYS, monthsBetween } from "./localDate";

describe("date ranges", () => {
  it("allow at most 366 days, both ends included: a whole leap year, not a day more", () => {
    expect(MAX_RANGE_DAYS).toBe(366);
    expect(() => assertRangeLength("2028-01-01", "2028-12-31")).not.toThrow();
    expect(() => assertRangeLength("2027-01-01", "2028-01-01")).not.toThrow();
    expect(() => assertRangeLength("2026-11-26", "2026-11-26")).not.toThrow();
    expect(() => assertRangeLength("2027-01-01", "2028-01-02")).toThrow(DomainError);
    expect(() => assertRangeLength("2027-01-01", "2028-01-02", "A period")).toThrow(
      "A period may cover at most 366 days",
    );
  });

  it("list the months a range touches", () => {
    expect(monthsBetween("2026-11-30", "2027-02-01")).toEqual(["2026-11", "2026-12", "2027-01", "2027-02"]);
  });
});
