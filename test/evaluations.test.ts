import { signGeneric } from "@market40/devkit/signing";
import { WORKED_EXAMPLE_FIGURES } from "@market40/devkit/workedExample";
import { runDaily } from "@market40/functions/jobs/daily";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput, TEST_SECRETS } from "./support/harness";

/**
 * October 2026 at Đồng Văn (Sundays 05:00–11:00): two stalls with QR codes, three payments at one of them,
 * a power cut over the whole session of the 18th — the contract's worked example, end to end.
 */
let h: Harness;
let s1: string;
let s2: string;
const market = { ...DONG_VAN, hours: { open: "05:00", close: "11:00" }, closures: [] };

async function pay(id: string, stallAccount: string, amount: number, paidAt: string, payer: string) {
  const body = JSON.stringify({
    id,
    bin: "970405",
    accountNumber: stallAccount,
    amount,
    paidAt,
    description: "rau",
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
  await h.call("POST", "/api/markets", { body: market });
  s1 = (await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("A-1", "1001") })).body.id;
  s2 = (await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("A-2", "1002") })).body.id;
  // QR share counts codes handed over (issue 16): the manager hands both posters over.
  await h.call("POST", `/api/stalls/${s1}/handover`);
  await h.call("POST", `/api/stalls/${s2}/handover`);
  for (const [id, paidAt, payer] of [
    ["T1", "2026-10-04T06:30:00+07:00", "p1"],
    ["T2", "2026-10-11T07:30:00+07:00", "p2"],
    ["T3", "2026-10-25T08:30:00+07:00", "p1"],
  ] as const) {
    h.clock.set(paidAt);
    expect((await pay(id, "1001", 35000, paidAt, payer)).body.status).toBe("stored");
  }
  h.clock.set("2026-10-26T00:00:00Z");
});
afterAll(() => h.close());

describe("uptake", () => {
  it("counts per day and in total from the rollups", async () => {
    const res = await h.call("GET", "/api/markets/dong-van/uptake?from=2026-10-01&to=2026-10-31");
    expect(res.status).toBe(200);
    expect(res.body.totals).toEqual({
      stalls: 2,
      stallsWithQr: 2,
      activeStalls: 1,
      transactions: 3,
      value: 105000,
    });
    expect(res.body.days).toHaveLength(31);
    expect(res.body.days[3]).toEqual({ date: "2026-10-04", transactions: 1, value: 35000, activeStalls: 1 });
    expect(res.body.days[4]).toEqual({ date: "2026-10-05", transactions: 0, value: 0, activeStalls: 0 });
    const early = await h.call("GET", "/api/markets/dong-van/uptake?from=2026-08-01&to=2026-08-31");
    expect(early.body.totals).toEqual({
      stalls: 0,
      stallsWithQr: 0,
      activeStalls: 0,
      transactions: 0,
      value: 0,
    });
  });

  it("is the manager's and admin's, not the liaison's", async () => {
    expect(
      (
        await h.call("GET", "/api/markets/dong-van/uptake?from=2026-10-01&to=2026-10-31", {
          token: await h.token("manager", { marketId: "dong-van" }),
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await h.call("GET", "/api/markets/dong-van/uptake?from=2026-10-01&to=2026-10-31", {
          token: await h.token("liaison"),
        })
      ).status,
    ).toBe(403);
  });
});

describe("incidents and heartbeats", () => {
  it("takes an open incident and closes it later", async () => {
    const open = await h.call("POST", "/api/markets/dong-van/incidents", {
      body: { startedAt: "2026-10-18T04:30:00+07:00", cause: "power", note: "mất điện" },
    });
    expect(open.status).toBe(201);
    expect(open.body).toMatchObject({ endedAt: null, cause: "power", note: "mất điện" });
    const closed = await h.call("PATCH", `/api/incidents/${open.body.id}`, {
      body: { endedAt: "2026-10-18T12:00:00+07:00" },
    });
    expect(closed.body.endedAt).toBe("2026-10-18T05:00:00.000Z");
    expect(
      (
        await h.call("PATCH", `/api/incidents/${open.body.id}`, {
          body: { endedAt: "2026-10-18T04:00:00+07:00" },
        })
      ).status,
    ).toBe(400);
    const list = await h.call("GET", "/api/markets/dong-van/incidents?from=2026-10-18&to=2026-10-18");
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([open.body.id]);
  });

  it("refuses bad incidents", async () => {
    expect(
      (
        await h.call("POST", "/api/markets/dong-van/incidents", {
          body: { startedAt: "2026-10-18T05:00:00Z", cause: "aliens" },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await h.call("POST", "/api/markets/dong-van/incidents", {
          body: { startedAt: "2027-01-01T00:00:00Z", cause: "other" },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await h.call("POST", "/api/markets/dong-van/incidents", {
          body: { startedAt: "not a time", cause: "other" },
        })
      ).status,
    ).toBe(400);
  });

  it("accepts late batches of beats from the market's device, and refuses beats older than 7 days", async () => {
    const device = await h.token("device", { marketId: "dong-van" });
    const ok = await h.call("POST", "/api/markets/dong-van/heartbeats", {
      token: device,
      body: { beats: [{ at: "2026-10-25T06:00:00+07:00", ok: true }] },
    });
    expect(ok.status).toBe(202);
    expect(ok.body).toEqual({ accepted: 1, duplicates: 0 });
    const old = await h.call("POST", "/api/markets/dong-van/heartbeats", {
      token: device,
      body: {
        beats: [
          { at: "2026-10-25T07:00:00+07:00", ok: true },
          { at: "2026-10-10T06:00:00+07:00", ok: true },
        ],
      },
    });
    expect(old.status).toBe(400);
    expect(old.body.error.issues).toEqual([{ path: "beats.1.at", message: "Cũ hơn 7 ngày" }]);
    const tooMany = await h.call("POST", "/api/markets/dong-van/heartbeats", {
      token: device,
      body: { beats: Array.from({ length: 501 }, () => ({ at: "2026-10-25T06:00:00Z", ok: true })) },
    });
    expect(tooMany.status).toBe(400);
    expect(
      (
        await h.call("POST", "/api/markets/meo-vac/heartbeats", {
          token: device,
          body: { beats: [{ at: "2026-10-25T06:00:00Z", ok: true }] },
        })
      ).status,
    ).toBe(403);
    expect(
      (await h.call("GET", "/api/markets/dong-van/uptake?from=2026-10-01&to=2026-10-31", { token: device }))
        .status,
    ).toBe(403);
  });
});

describe("evaluations", () => {
  it("computes the worked example, stores it as version 1, and a re-run returns the same version", async () => {
    h.clock.set("2026-11-02T00:00:00Z");
    const run = await h.call("POST", "/api/evaluations/run", { body: { period: "2026-10" } });
    expect(run.status).toBe(200);
    const [e] = run.body.items;
    expect(e).toMatchObject({
      marketId: "dong-van",
      period: { from: "2026-10-01", to: "2026-10-31" },
      version: 1,
      computedAt: "2026-11-02T00:00:00.000Z",
      ...WORKED_EXAMPLE_FIGURES,
    });
    h.clock.set("2026-11-02T01:00:00Z");
    const again = await h.call("POST", "/api/evaluations/run", {
      body: { period: "2026-10", marketId: "dong-van" },
    });
    expect(again.body.items[0]).toEqual(e);
  });

  it("stores a new version when the inputs change, never editing the old one", async () => {
    h.clock.set("2026-11-02T02:00:00Z");
    await pay("T4", "1002", 20000, "2026-10-25T09:00:00+07:00", "p3");
    const v2 = (await h.call("POST", "/api/evaluations/run", { body: { period: "2026-10" } })).body.items[0];
    expect(v2).toMatchObject({
      version: 2,
      uptake: { activeStalls: 2, transactions: 4, value: 125000, uniquePayers: 3 },
    });
    const history = await h.call("GET", "/api/markets/dong-van/evaluations");
    expect(history.body.items.map((x: { version: number }) => x.version)).toEqual([2, 1]);
    expect(history.body.items[1].uptake.transactions).toBe(3);
  });

  it("gives the liaison the latest version of every market, as JSON and as Excel-ready CSV", async () => {
    await h.call("POST", "/api/markets", {
      body: {
        ...DONG_VAN,
        id: "khau-vai",
        name: "=Chợ phiên Khâu Vai",
        schedule: { kind: "lunar", days: [2, 7, 12, 17, 22, 27] },
      },
    });
    await h.call("POST", "/api/evaluations/run", { body: { period: "2026-10", marketId: "khau-vai" } });
    const liaison = await h.token("liaison");
    const json = await h.call("GET", "/api/evaluations?period=2026-10", { token: liaison });
    expect(
      json.body.items.map((x: { marketId: string; version: number }) => [x.marketId, x.version]),
    ).toEqual([
      ["dong-van", 2],
      ["khau-vai", 1],
    ]);
    expect(json.body.items[1].rating).toBe("insufficient-data");
    const res = await h.app.request("/api/evaluations?period=2026-10&format=csv", {
      headers: { authorization: `Bearer ${liaison}` },
    });
    expect(res.headers.get("content-type")).toContain("text/csv");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder("utf-8", { ignoreBOM: true })
      .decode(bytes)
      .slice(1)
      .trimEnd()
      .split("\r\n");
    expect(lines).toHaveLength(3);
    const header = lines[0]!.split(",");
    expect(header).toEqual(
      expect.arrayContaining([
        "marketId",
        "market.name",
        "period.from",
        "uptime.uptimePct",
        "uptake.qrSharePct",
        "rating",
        "version",
      ]),
    );
    const row = Object.fromEntries(lines[1]!.split(",").map((v, i) => [header[i], v]));
    expect(row).toMatchObject({
      marketId: "dong-van",
      "market.name": "Chợ phiên Đồng Văn",
      "uptime.uptimePct": "75",
      "uptake.value": "125000",
      rating: "fail",
      version: "2",
    });
    // A market name that a spreadsheet would run as a formula is neutralised.
    expect(lines[2]).toContain("'=Chợ phiên Khâu Vai");
    const csvRow = lines[2]!.split(",");
    // No stalls: the share has a zero denominator, written as an empty cell.
    expect(csvRow[header.indexOf("uptake.qrSharePct")]).toBe("");
  });

  it("keeps evaluations from managers of other markets and from vendors", async () => {
    expect(
      (
        await h.call("GET", "/api/markets/dong-van/evaluations", {
          token: await h.token("manager", { marketId: "dong-van" }),
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await h.call("GET", "/api/markets/dong-van/evaluations", {
          token: await h.token("manager", { marketId: "khau-vai" }),
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await h.call("GET", "/api/evaluations?period=2026-10", {
          token: await h.token("manager", { marketId: "dong-van" }),
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await h.call("POST", "/api/evaluations/run", {
          token: await h.token("liaison"),
          body: { period: "2026-10" },
        })
      ).status,
    ).toBe(403);
    expect((await h.call("POST", "/api/evaluations/run", { body: { period: "2026-13" } })).status).toBe(400);
    expect((await h.call("GET", "/api/evaluations?period=oct")).status).toBe(400);
  });

  it("the daily job evaluates month-to-date and, early in a month, the previous month; a same-day re-run adds nothing", async () => {
    h.clock.set("2026-11-02T17:30:00Z"); // 00:30 on 3 November in Vietnam
    const first = await runDaily(h.deps);
    expect(first.map((s) => s.step)).toEqual([
      "match unmatched callbacks",
      "evaluate markets",
      "issue fee bills",
    ]);
    const report = first[1]!.result as {
      evaluated: { marketId: string; period: string; version: number }[];
      failed: unknown[];
    };
    expect(report.failed).toEqual([]);
    expect(report.evaluated).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ marketId: "dong-van", period: "2026-11", version: 1 }),
        expect.objectContaining({ marketId: "dong-van", period: "2026-10", version: 2 }),
      ]),
    );
    h.clock.set("2026-11-02T18:30:00Z");
    const second = (await runDaily(h.deps))[1]!.result as typeof report;
    expect(second.evaluated.map((e) => e.version)).toEqual(report.evaluated.map((e) => e.version));
  });
});
