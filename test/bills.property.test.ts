import * as Audit from "@market40/core/audit/audit";
import { localDateOf } from "@market40/core/calendar/localDate";
import { BillItem } from "@market40/core/fee/billItem";
import { billsDue } from "@market40/core/fee/billing";
import { BillRefItem } from "@market40/core/fee/billRefItem";
import { issueForMarket } from "@market40/core/fee/bills";
import * as Fees from "@market40/core/fee/board";
import * as Market from "@market40/core/market/market";
import * as Stall from "@market40/core/stall/stall";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput } from "./support/harness";

/**
 * Bills are issued once per stall and period (docs/contract.md §20) whatever the order and repetition of the daily
 * job's runs: what is stored after any sequence of runs is exactly the union of what each run's plan implies, one
 * bill per (stall, period), each with its own reference.
 */
let h: Harness;
let n = 0;
beforeAll(async () => {
  h = await harness("2026-10-01T03:00:00Z");
});
afterAll(() => h.close());

/** A phiên market (Sundays) with three stalls: one suspended for a week in November, one registered mid-month. */
async function setUp(kind: "weekly" | "daily") {
  const id = `m-${++n}`;
  h.clock.set("2026-10-01T03:00:00Z");
  await Market.create(h.store, h.clock, {
    ...DONG_VAN,
    id,
    schedule: kind === "weekly" ? { kind: "weekly", days: [7] } : { kind: "daily" },
  });
  const a = await Stall.register(h.store, h.clock, Audit.SYSTEM, id, stallInput("A-1", `5${n}01`));
  const b = await Stall.register(h.store, h.clock, Audit.SYSTEM, id, stallInput("A1", `5${n}02`));
  h.clock.set("2026-11-12T03:00:00Z");
  await Stall.register(h.store, h.clock, Audit.SYSTEM, id, stallInput("C-3", `5${n}03`));
  h.clock.set("2026-11-10T02:00:00Z");
  await Stall.update(h.store, h.clock, Audit.SYSTEM, b.id, { status: "suspended" });
  h.clock.set("2026-11-17T02:00:00Z");
  await Stall.update(h.store, h.clock, Audit.SYSTEM, b.id, { status: "active" });
  h.clock.set("2026-10-01T03:00:00Z");
  await Fees.setSchedule(h.store, h.clock, Audit.SYSTEM, id, {
    rates:
      kind === "weekly"
        ? [
            { appliesTo: { kind: "all" }, period: "session", amount: 20000, from: "2026-11-01" },
            {
              appliesTo: { kind: "stall", stallId: a.id },
              period: "session",
              amount: 15000,
              from: "2026-11-15",
            },
          ]
        : [
            { appliesTo: { kind: "all" }, period: "month", amount: 300000, from: "2026-10-01" },
            { appliesTo: { kind: "stall", stallId: a.id }, period: "day", amount: 12000, from: "2026-11-20" },
          ],
  });
  return id;
}

/** The plan of one run at an instant, from what is stored (the oracle side computes it again, purely). */
async function planAt(marketId: string, at: Date) {
  const market = await Market.get(h.store, marketId);
  const schedule = await Fees.schedule(h.store, marketId);
  const stalls = await Stall.allOfMarket(h.store, marketId);
  const changes = await Stall.standingChangesSince(h.store, marketId, "2000-01-01T00:00:00Z");
  return billsDue({ market, rates: schedule.rates, stalls, changes, now: at, today: localDateOf(at) });
}

describe("issuing bills", () => {
  for (const kind of ["weekly", "daily"] as const)
    it(`${kind}: once per stall and period, whatever the order and repetition of runs`, async () => {
      await fc.assert(
        fc.asyncProperty(
          // Run instants between 1 November and 5 December, local, repeated and in any order.
          fc.array(fc.integer({ min: 0, max: 35 * 24 - 1 }), { minLength: 1, maxLength: 8 }),
          async (hours) => {
            const marketId = await setUp(kind);
            const runs = hours.map((hh) => new Date(Date.parse("2026-10-31T17:00:00Z") + hh * 3_600_000));
            const expected = new Map<string, number>();
            for (const at of runs) {
              h.clock.set(at);
              await issueForMarket(h.deps, marketId);
              for (const p of await planAt(marketId, at))
                expected.set(`${p.periodKey}#${p.stallId}`, p.amount);
            }
            const stored = [
              ...(await BillItem.byMarketMonth(h.store, marketId, "2026-10")),
              ...(await BillItem.byMarketMonth(h.store, marketId, "2026-11")),
              ...(await BillItem.byMarketMonth(h.store, marketId, "2026-12")),
            ];
            const got = new Map(stored.map((b) => [`${b.periodKey}#${b.stallId}`, b.amount]));
            expect(got.size).toBe(stored.length);
            expect(Object.fromEntries(got)).toEqual(Object.fromEntries(expected));
            // References are unique in the market and each leads back to its bill.
            expect(new Set(stored.map((b) => b.reference)).size).toBe(stored.length);
            for (const b of stored)
              expect(await BillRefItem.get(h.store, marketId, b.reference)).toEqual({
                marketId,
                periodKey: b.periodKey,
                stallId: b.stallId,
              });
            // The suspended stall has no bill for the days it was suspended (10–16 November, local).
            const suspended = (await Stall.findByCode(h.store, marketId, "A1"))!;
            expect(
              stored.filter(
                (b) =>
                  b.stallId === suspended.id &&
                  b.periodKey.length === 10 &&
                  b.periodKey >= "2026-11-11" &&
                  b.periodKey <= "2026-11-16",
              ),
            ).toEqual([]);
          },
        ),
        { numRuns: 5 },
      );
    }, 240_000);

  it("a phiên market's November, run every day: each stall's Sundays, the suspended stall's missing one", async () => {
    const marketId = await setUp("weekly");
    for (let d = 1; d <= 30; d++) {
      h.clock.set(`2026-11-${String(d).padStart(2, "0")}T17:30:00Z`);
      await issueForMarket(h.deps, marketId);
      await issueForMarket(h.deps, marketId);
    }
    const bills = await BillItem.byMarketMonth(h.store, marketId, "2026-11");
    const byCode = (code: string) =>
      bills
        .filter((b) => b.stallCode === code)
        .map((b) => [b.periodKey, b.amount, b.reference, b.status])
        .sort();
    // Sundays of November 2026: 1, 8, 15, 22, 29. A-1 pays 15,000 from the 15th (its own rate).
    expect(byCode("A-1")).toEqual([
      ["2026-11-01", 20000, "PHI A1 0111", "open"],
      ["2026-11-08", 20000, "PHI A1 0811", "open"],
      ["2026-11-15", 15000, "PHI A1 1511", "open"],
      ["2026-11-22", 15000, "PHI A1 2211", "open"],
      ["2026-11-29", 15000, "PHI A1 2911", "open"],
    ]);
    // "A1" reads as A-1's code: its references take a letter. Suspended 10–17 November: no bill on the 15th.
    expect(byCode("A1").map((b) => b.slice(0, 3))).toEqual([
      ["2026-11-01", 20000, "PHI A1 0111B"],
      ["2026-11-08", 20000, "PHI A1 0811B"],
      ["2026-11-22", 20000, "PHI A1 2211B"],
      ["2026-11-29", 20000, "PHI A1 2911B"],
    ]);
    // Registered on the 12th.
    expect(byCode("C-3").map((b) => b[0])).toEqual(["2026-11-15", "2026-11-22", "2026-11-29"]);
  }, 120_000);
});
