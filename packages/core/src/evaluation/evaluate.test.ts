import { WORKED_EXAMPLE_FIGURES } from "@market40/devkit/workedExample";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { StallDay } from "../rollup/rollups";
import { automaticIncidents } from "../uptime/heartbeats";
import { type EvaluationInput, evaluate, medianOf, THRESHOLDS } from "./evaluate";

const sunday = {
  id: "dong-van",
  launchedOn: "2026-01-01",
  schedule: { kind: "weekly" as const, days: [7] },
  hours: { open: "05:00", close: "11:00" },
};
const october = { from: "2026-10-01", to: "2026-10-31" };
const stall = (id: string, qr: string | null = "2026-09-01T00:00:00Z") => ({
  id,
  status: "active" as const,
  createdAt: "2026-09-01T00:00:00Z",
  qrIssuedAt: qr,
});
const day = (
  stallId: string,
  date: string,
  amounts: number[],
  minutes: number[],
  payers: string[] = [],
): StallDay => ({
  stallId,
  date,
  count: amounts.length,
  value: amounts.reduce((s, a) => s + a, 0),
  minutes,
  payers,
  amounts: amounts.reduce((m, a) => m.set(a, (m.get(a) ?? 0) + 1), new Map<number, number>()),
});
const base = (over: Partial<EvaluationInput> = {}): EvaluationInput => ({
  market: sunday,
  period: october,
  stalls: [stall("s1"), stall("s2")],
  stallDays: [],
  incidents: [],
  beats: [],
  now: new Date("2026-11-02T00:00:00Z"),
  ...over,
});

describe("evaluate (market40/1)", () => {
  it("reproduces the contract's worked example", () => {
    // October 2026 has four Sundays: 4, 11, 18, 25. A power cut takes out the whole session of the 18th.
    const result = evaluate(
      base({
        stallDays: [
          day("s1", "2026-10-04", [35000], [6 * 60], ["p1"]),
          day("s1", "2026-10-11", [35000], [7 * 60], ["p2"]),
          day("s1", "2026-10-25", [35000], [8 * 60], ["p1"]),
        ],
        incidents: [{ startedAt: "2026-10-17T21:30:00Z", endedAt: "2026-10-18T05:00:00Z" }],
      }),
    );
    expect(result).toEqual(WORKED_EXAMPLE_FIGURES);
  });

  it("clips sessions to launchedOn", () => {
    const r = evaluate(base({ market: { ...sunday, launchedOn: "2026-10-15" } }));
    expect(r.uptime.scheduledSessions).toBe(2); // the 18th and the 25th
    const none = evaluate(base({ market: { ...sunday, launchedOn: "2026-11-15" } }));
    expect(none.uptime).toMatchObject({
      scheduledSessions: 0,
      scheduledMinutes: 0,
      uptimePct: null,
      activeSessionsPct: null,
    });
    expect(none.rating).toBe("insufficient-data");
  });

  it("merges overlapping incidents and counts only session time", () => {
    const r = evaluate(
      base({
        incidents: [
          // 04:00–06:00 local on the 4th: only 05:00–06:00 is session time.
          { startedAt: "2026-10-03T21:00:00Z", endedAt: "2026-10-03T23:00:00Z" },
          // 05:30–07:00 overlaps the first: union 05:00–07:00 within the session = 120 min.
          { startedAt: "2026-10-03T22:30:00Z", endedAt: "2026-10-04T00:00:00Z" },
          // Entirely outside a session (Monday).
          { startedAt: "2026-10-05T01:00:00Z", endedAt: "2026-10-05T03:00:00Z" },
          // Crossing the end of the 11th's session: 10:30–13:00 → 30 min.
          { startedAt: "2026-10-11T03:30:00Z", endedAt: "2026-10-11T06:00:00Z" },
        ],
      }),
    );
    expect(r.uptime.downMinutes).toBe(150);
    expect(r.uptime.incidents).toBe(3);
    expect(r.uptime.uptimePct).toBe(89.58);
  });

  it("counts an open incident as down until now", () => {
    const r = evaluate(
      base({
        incidents: [{ startedAt: "2026-10-25T02:00:00Z", endedAt: null }],
        now: new Date("2026-10-25T03:00:00Z"),
      }),
    );
    expect(r.uptime.downMinutes).toBe(60);
  });

  it("turns runs of failed heartbeats into incidents and counts ok beats as evidence", () => {
    const beats = [
      { at: "2026-10-04T00:00:00Z", ok: false },
      { at: "2026-10-04T00:10:00Z", ok: false },
      { at: "2026-10-04T00:40:00Z", ok: true },
      { at: "2026-10-11T01:00:00Z", ok: false },
    ];
    const r = evaluate(base({ beats }));
    expect(r.uptime.downMinutes).toBe(45); // 40 min, then 5 after the trailing failure
    expect(r.uptime.incidents).toBe(2);
    expect(r.uptime.sessionsWithEvidence).toBe(1);
    expect(r.uptime.activeSessions).toBe(0);
  });

  it("counts payments only inside the session window as activity", () => {
    const r = evaluate(
      base({ stallDays: [day("s1", "2026-10-04", [10000, 20000], [4 * 60 + 59, 11 * 60])] }),
    );
    expect(r.uptime.activeSessions).toBe(0);
    expect(r.uptake.transactions).toBe(2);
    expect(r.uptake.activeStalls).toBe(1);
  });

  it("works for zodiac and lunar markets", () => {
    const zodiac = evaluate(
      base({ market: { ...sunday, schedule: { kind: "zodiac", animals: ["rat", "horse"] } } }),
    );
    expect(zodiac.uptime.scheduledSessions).toBe(5); // every 6 days over 31 days
    const lunar = evaluate(
      base({ market: { ...sunday, schedule: { kind: "lunar", days: [2, 7, 12, 17, 22, 27] } } }),
    );
    // 22 and 27 of lunar month 8 (2 and 7 Oct), then 2–22 of month 9 (11 to 31 Oct).
    expect(lunar.uptime.scheduledSessions).toBe(7);
  });

  it("uses null for zero denominators and insufficient-data without stalls", () => {
    const r = evaluate(base({ stalls: [] }));
    expect(r.uptake).toMatchObject({ stalls: 0, qrSharePct: null, activeSharePct: null, medianTicket: null });
    expect(r.rating).toBe("insufficient-data");
    const noQr = evaluate(base({ stalls: [stall("s1", null)] }));
    expect(noQr.uptake).toMatchObject({ qrSharePct: 0, activeSharePct: null });
    expect(noQr.rating).toBe("fail");
  });

  it("passes when every threshold is met; stalls and QR codes after the period do not count", () => {
    const stallDays = ["2026-10-04", "2026-10-11", "2026-10-18", "2026-10-25"].map((d) =>
      day("s1", d, [50000], [6 * 60]),
    );
    const r = evaluate(
      base({
        stallDays,
        stalls: [
          stall("s1"),
          stall("s2", "2026-11-05T00:00:00Z"),
          { ...stall("s3"), createdAt: "2026-11-01T00:00:00Z" },
        ],
      }),
    );
    expect(r.uptake).toMatchObject({ stalls: 2, stallsWithQr: 1, qrSharePct: 50 });
    expect(r.rating).toBe("fail");
    const ok = evaluate(base({ stallDays, stalls: [stall("s1")] }));
    expect(ok.rating).toBe("pass");
  });

  it("reports fees only for a market with fees, and rates them only when the criterion is set", () => {
    const stallDays = ["2026-10-04", "2026-10-11", "2026-10-18", "2026-10-25"].map((d) =>
      day("s1", d, [50000], [6 * 60]),
    );
    const passing = base({ stallDays, stalls: [stall("s1")] });
    expect(evaluate(passing)).not.toHaveProperty("fees");
    expect(evaluate(passing).method.thresholds).not.toHaveProperty("feesCashlessPct");
    const cashOnly = {
      ...passing,
      fees: {
        bills: [
          {
            amount: 20_000,
            status: "paid-cash" as const,
            dueOn: "2026-10-04",
            paid: 20_000,
            paidCash: 20_000,
          },
          { amount: 20_000, status: "paid" as const, dueOn: "2026-10-11", paid: 20_000, paidQr: 20_000 },
        ],
      },
    };
    const off = evaluate(cashOnly);
    expect(off.fees).toMatchObject({ billed: 40_000, collected: 40_000, feesCashlessPct: 50 });
    expect(off.rating).toBe("pass");
    const on = { ...THRESHOLDS, feesCashlessPct: 80 };
    const rated = evaluate(cashOnly, on);
    expect(rated.rating).toBe("fail");
    expect(rated.method.thresholds.feesCashlessPct).toBe(80);
    expect(evaluate(cashOnly, { ...on, feesCashlessPct: 50 }).rating).toBe("pass");
    // Nothing billable (no bills due): the criterion does not apply.
    expect(evaluate({ ...passing, fees: { bills: [] } }, on).rating).toBe("pass");
  });

  it("counts the active share among QR holders only, so it never exceeds 100 %", () => {
    const r = evaluate(
      base({
        stalls: [stall("a"), stall("b", null)],
        stallDays: [day("a", "2026-10-04", [1000], [300]), day("b", "2026-10-04", [1000], [300])],
      }),
    );
    expect(r.uptake).toMatchObject({ stallsWithQr: 1, activeStalls: 2, activeSharePct: 100 });
  });

  it("rounds percentages to 2 decimals", () => {
    const r = evaluate(
      base({ stalls: [stall("a"), stall("b"), stall("c")], stallDays: [day("a", "2026-10-04", [1], [300])] }),
    );
    expect(r.uptake.activeSharePct).toBe(33.33);
  });
});

describe("medianOf", () => {
  it("is the middle amount, or the mean of the two middles", () => {
    expect(medianOf(new Map([[35000, 3]]))).toBe(35000);
    expect(
      medianOf(
        new Map([
          [10000, 1],
          [20000, 1],
        ]),
      ),
    ).toBe(15000);
    expect(
      medianOf(
        new Map([
          [5000, 2],
          [100000, 1],
        ]),
      ),
    ).toBe(5000);
    expect(medianOf(new Map())).toBeNull();
  });
  it("matches sorting the expanded list", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.integer({ min: 1, max: 500 }).map((n) => n * 1000),
          { minLength: 1, maxLength: 60 },
        ),
        (amounts) => {
          const sorted = [...amounts].sort((a, b) => a - b);
          const n = sorted.length;
          const expected =
            n % 2 ? sorted[(n - 1) / 2] : Math.round((sorted[n / 2 - 1]! + sorted[n / 2]!) / 2);
          const hist = amounts.reduce((m, a) => m.set(a, (m.get(a) ?? 0) + 1), new Map<number, number>());
          expect(medianOf(hist)).toBe(expected);
        },
      ),
    );
  });
});

describe("automaticIncidents", () => {
  it("ignores order of arrival", () => {
    const beats = [
      { at: "2026-10-04T00:40:00Z", ok: true },
      { at: "2026-10-04T00:00:00Z", ok: false },
    ];
    expect(automaticIncidents(beats)).toEqual([
      { start: Date.parse("2026-10-04T00:00:00Z"), end: Date.parse("2026-10-04T00:40:00Z") },
    ]);
  });
});
