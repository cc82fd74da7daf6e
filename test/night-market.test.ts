import { signGeneric } from "@market40/devkit/signing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput, TEST_SECRETS } from "./support/harness";

/**
 * A night market's month around midnight, through signed callbacks (docs/contract.md §21). Chợ đêm meets on
 * Saturdays 22:00–02:00 (the session closes on Sunday). 31 October 2026 is a Saturday, so its session runs into
 * 1 November: those payments are October's.
 *
 * Each payment, worked by hand (local time → market day, minute from that day's midnight; the session is
 * minutes [1320, 1560) of its Saturday):
 *
 * | id  | stall | amount | paid (local)     | market day | minute | in a session?              |
 * | --- | ----- | ------ | ---------------- | ---------- | ------ | -------------------------- |
 * | P1  | A-1   | 50 000 | Sat 31/10 23:50  | 2026-10-31 | 1430   | yes (31/10)                |
 * | P2  | A-2   | 30 000 | Sun 01/11 00:30  | 2026-10-31 | 1470   | yes (31/10)                |
 * | P3  | A-1   | 20 000 | Sun 01/11 01:59  | 2026-10-31 | 1559   | yes (31/10, last minute)   |
 * | P4  | A-2   | 10 000 | Sun 01/11 02:10  | 2026-11-01 | 130    | no (after the close)       |
 * | P5  | A-1   | 40 000 | Sat 07/11 22:00  | 2026-11-07 | 1320   | yes (first minute)         |
 * | P6  | A-1   | 60 000 | Sun 08/11 00:15  | 2026-11-07 | 1455   | yes                        |
 * | P7  | A-2   | 25 000 | Sat 21/11 21:59  | 2026-11-21 | 1319   | no (a minute early)        |
 * | P8  | A-1   | 35 000 | Sun 29/11 01:00  | 2026-11-28 | 1500   | yes (28/11)                |
 * | P9  | A-2   | 15 000 | Tue 01/12 00:30  | 2026-11-30 | 1470   | no (no session on Monday)  |
 * | P10 | A-1   | 45 000 | Tue 01/12 02:00  | 2026-12-01 | 120    | no                         |
 *
 * Reported power cuts: 01:00–01:30 on 1 November (30 min of the 31 October session) and 00:00–01:00 on
 * 15 November (60 min of the 14 November session).
 */
let h: Harness;
const market = {
  ...DONG_VAN,
  id: "cho-dem",
  name: "Chợ đêm",
  launchedOn: "2026-10-01",
  schedule: { kind: "weekly", days: [6] },
  hours: { open: "22:00", close: "02:00" },
};
const PAYMENTS = [
  ["P1", "2001", 50000, "2026-10-31T23:50:00+07:00", "p1"],
  ["P2", "2002", 30000, "2026-11-01T00:30:00+07:00", "p2"],
  ["P3", "2001", 20000, "2026-11-01T01:59:00+07:00", "p1"],
  ["P4", "2002", 10000, "2026-11-01T02:10:00+07:00", "p3"],
  ["P5", "2001", 40000, "2026-11-07T22:00:00+07:00", "p4"],
  ["P6", "2001", 60000, "2026-11-08T00:15:00+07:00", "p1"],
  ["P7", "2002", 25000, "2026-11-21T21:59:00+07:00", "p2"],
  ["P8", "2001", 35000, "2026-11-29T01:00:00+07:00", "p5"],
  ["P9", "2002", 15000, "2026-12-01T00:30:00+07:00", "p6"],
  ["P10", "2001", 45000, "2026-12-01T02:00:00+07:00", "p1"],
] as const;

async function pay(id: string, accountNumber: string, amount: number, paidAt: string, payer: string) {
  const body = JSON.stringify({
    id,
    bin: "970405",
    accountNumber,
    amount,
    paidAt,
    description: "bún",
    payer,
  });
  return h.call("POST", "/api/callbacks/generic", {
    token: null,
    body,
    headers: {
      "content-type": "application/json",
      "x-signature": signGeneric(TEST_SECRETS.generic, body, h.clock.now()),
    },
  });
}

beforeAll(async () => {
  h = await harness("2026-09-01T00:00:00Z");
  expect((await h.call("POST", "/api/markets", { body: market })).status).toBe(201);
  for (const [code, account] of [
    ["A-1", "2001"],
    ["A-2", "2002"],
  ]) {
    const id = (await h.call("POST", "/api/markets/cho-dem/stalls", { body: stallInput(code!, account!) }))
      .body.id;
    await h.call("POST", `/api/stalls/${id}/handover`);
  }
  for (const [id, account, amount, paidAt, payer] of PAYMENTS) {
    h.clock.set(paidAt);
    expect((await pay(id, account, amount, paidAt, payer)).body.status).toBe("stored");
  }
  for (const [startedAt, endedAt] of [
    ["2026-11-01T01:00:00+07:00", "2026-11-01T01:30:00+07:00"],
    ["2026-11-15T00:00:00+07:00", "2026-11-15T01:00:00+07:00"],
  ]) {
    const res = await h.call("POST", "/api/markets/cho-dem/incidents", {
      body: { startedAt, endedAt, cause: "power" },
    });
    expect(res.status).toBe(201);
  }
  h.clock.set("2026-12-02T00:00:00Z");
});
afterAll(() => h.close());

const dayTotals = (days: { date: string; transactions: number; value: number }[]) =>
  days.filter((d) => d.transactions > 0).map((d) => [d.date, d.transactions, d.value]);

describe("a night market's payments around midnight (§21)", () => {
  it("counts each payment on the market day of the session it falls in", async () => {
    const oct = (await h.call("GET", "/api/markets/cho-dem/uptake?from=2026-10-01&to=2026-10-31")).body;
    expect(dayTotals(oct.days)).toEqual([["2026-10-31", 3, 100000]]);
    expect(oct.totals).toMatchObject({ transactions: 3, value: 100000, activeStalls: 2 });
    const nov = (await h.call("GET", "/api/markets/cho-dem/uptake?from=2026-11-01&to=2026-11-30")).body;
    expect(dayTotals(nov.days)).toEqual([
      ["2026-11-01", 1, 10000],
      ["2026-11-07", 2, 100000],
      ["2026-11-21", 1, 25000],
      ["2026-11-28", 1, 35000],
      ["2026-11-30", 1, 15000],
    ]);
    expect(nov.totals).toMatchObject({ transactions: 6, value: 185000, activeStalls: 2 });
    const dec = (await h.call("GET", "/api/markets/cho-dem/uptake?from=2026-12-01&to=2026-12-01")).body;
    expect(dayTotals(dec.days)).toEqual([["2026-12-01", 1, 45000]]);
  });

  it("gives October the session that opened on 31 October at 22:00, with its payments and power cut after midnight", async () => {
    const run = await h.call("POST", "/api/evaluations/run", {
      body: { period: "2026-10", marketId: "cho-dem" },
    });
    expect(run.status).toBe(200);
    // Saturdays 3, 10, 17, 24, 31 October: 5 × 240 min = 1200; 30 min down → 97.5 %.
    expect(run.body.items[0]).toMatchObject({
      uptime: {
        scheduledSessions: 5,
        scheduledMinutes: 1200,
        downMinutes: 30,
        uptimePct: 97.5,
        incidents: 1,
        activeSessions: 1,
        sessionsWithEvidence: 1,
        activeSessionsPct: 20,
      },
      uptake: {
        stalls: 2,
        stallsWithQr: 2,
        activeStalls: 2,
        transactions: 3,
        value: 100000,
        medianTicket: 30000, // 20 000, 30 000, 50 000
        uniquePayers: 2, // p1, p2
      },
    });
  });

  it("gives November its own four sessions and the payments of their nights", async () => {
    const run = await h.call("POST", "/api/evaluations/run", {
      body: { period: "2026-11", marketId: "cho-dem" },
    });
    // Saturdays 7, 14, 21, 28: 4 × 240 = 960 min; 60 down → 93.75 %. Active: 7 (P5, P6) and 28 (P8); P7 is a
    // minute early, P4 and P9 fall outside every session.
    expect(run.body.items[0]).toMatchObject({
      uptime: {
        scheduledSessions: 4,
        scheduledMinutes: 960,
        downMinutes: 60,
        uptimePct: 93.75,
        incidents: 1,
        activeSessions: 2,
        activeSessionsPct: 50,
      },
      uptake: {
        activeStalls: 2,
        transactions: 6,
        value: 185000,
        medianTicket: 30000, // 10, 15, 25, 35, 40, 60 thousand: (25 000 + 35 000) / 2
        uniquePayers: 6, // p3, p4, p1, p2, p5, p6
      },
      rating: "fail", // uptime under 95 %
    });
  });
});
