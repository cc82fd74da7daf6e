import { describe, expect, it } from "vitest";
import { isProvisional } from "./provisional";

describe("provisional evaluations", () => {
  it("are month-to-date figures, or figures computed before their period ended", () => {
    const month = { from: "2026-11-01", to: "2026-11-30" };
    // Month to date, computed on 29 November (Vietnam): provisional, and stays so.
    expect(isProvisional({ from: "2026-11-01", to: "2026-11-28" }, "2026-11", "2026-11-28T17:30:00Z")).toBe(
      true,
    );
    // The whole month, computed during it: provisional.
    expect(isProvisional(month, "2026-11", "2026-11-29T03:00:00Z")).toBe(true);
    // The whole month, computed at 00:30 on 1 December in Vietnam (17:30 UTC on the 30th): final.
    expect(isProvisional(month, "2026-11", "2026-11-30T17:30:00Z")).toBe(false);
    // A date range after its end: final; on its last day: provisional.
    expect(
      isProvisional(
        { from: "2026-11-03", to: "2026-11-09" },
        "2026-11-03_2026-11-09",
        "2026-11-10T01:00:00Z",
      ),
    ).toBe(false);
    expect(
      isProvisional(
        { from: "2026-11-03", to: "2026-11-09" },
        "2026-11-03_2026-11-09",
        "2026-11-09T01:00:00Z",
      ),
    ).toBe(true);
  });
});
