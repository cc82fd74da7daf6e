import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { systemClock } from "@market40/core/clock";
import { StallDayItem } from "@market40/core/rollup/stallDayItem";
import { createStore } from "@market40/core/store/client";
import { ProviderClients } from "@market40/devkit/providerClients";
import { signGeneric } from "@market40/devkit/signing";
import { createApp } from "@market40/functions/api/app";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput, TEST_SECRETS } from "./support/harness";

/**
 * Issue 24: every figure the province reads stands on inputs nobody can quietly change — heartbeats, here.
 * Đồng Văn meets on Sundays 05:00–12:00; in October 2026 that is 4 sessions, 1,680 minutes.
 */
let h: Harness;
let device: string;
let manager: string;
const runOctober = async () => {
  const res = await h.call("POST", "/api/evaluations/run", {
    body: { period: "2026-10", marketId: "dong-van" },
  });
  expect(res.status).toBe(200);
  return res.body.items[0];
};

beforeAll(async () => {
  h = await harness("2026-09-01T00:00:00Z");
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, closures: [] } });
  device = await h.token("device", { marketId: "dong-van" });
  manager = await h.token("manager", { marketId: "dong-van" });
  h.clock.set("2026-10-26T00:00:00Z");
});
afterAll(() => h.close());

/** Beats every 10 minutes on the 25th from 06:00 to 07:50 local, all failed, then ok at 08:00. */
const FAILED = Array.from({ length: 12 }, (_, i) => ({
  at: new Date(Date.parse("2026-10-25T06:00:00+07:00") + i * 600_000).toISOString(),
  ok: false,
}));
const RECOVERED = { at: "2026-10-25T08:00:00+07:00", ok: true };

describe("heartbeats are evidence, not opinions", () => {
  it("the device's failed beats cost the session time, and the batch is in the audit", async () => {
    const posted = await h.call("POST", "/api/markets/dong-van/heartbeats", {
      token: device,
      body: { beats: [...FAILED, RECOVERED] },
    });
    expect(posted.status).toBe(202);
    expect(posted.body).toEqual({ accepted: 13, duplicates: 0 });
    const e = await runOctober();
    expect(e.uptime).toMatchObject({ downMinutes: 120, uptimePct: 92.86, incidents: 1 });
    expect(e.inputs).toMatchObject({ beats: 13, beatFailures: 12, automaticIncidents: 1 });
    const audit = await h.call("GET", "/api/audit?marketId=dong-van&from=2026-10-26&to=2026-10-26");
    const batch = audit.body.items.filter((x: { action: string }) => x.action === "heartbeats.received");
    expect(batch).toHaveLength(1);
    expect(batch[0]).toMatchObject({
      actor: { role: "device" },
      entity: { kind: "heartbeats" },
      after: { count: 13, failures: 12, from: FAILED[0]!.at, to: "2026-10-25T01:00:00.000Z" },
    });
    expect(batch[0].after.deviceKey).toBe(batch[0].actor.keyId);
  });

  it("a manager re-posting the failed beats as ok is refused, and so is an admin", async () => {
    const asOk = { beats: FAILED.map((b) => ({ ...b, ok: true })) };
    for (const token of [manager, h.adminToken]) {
      const res = await h.call("POST", "/api/markets/dong-van/heartbeats", { token, body: asOk });
      expect(res.status).toBe(403);
    }
    expect((await runOctober()).uptime.uptimePct).toBe(92.86);
  });

  it("a stored beat is never overwritten: the device itself cannot turn a failure into a success", async () => {
    const flipped = await h.call("POST", "/api/markets/dong-van/heartbeats", {
      token: device,
      body: {
        beats: [
          { at: "2026-10-25T06:30:00+07:00", ok: true },
          { at: "2026-10-25T09:00:00+07:00", ok: true },
        ],
      },
    });
    expect(flipped.status).toBe(409);
    expect(flipped.body.error.issues).toEqual([{ path: "beats.0", message: expect.any(String) }]);
    // Nothing of that batch was stored, not even its new beat; the same batch again is a duplicate.
    const resent = await h.call("POST", "/api/markets/dong-van/heartbeats", {
      token: device,
      body: { beats: [...FAILED, RECOVERED] },
    });
    expect(resent.body).toEqual({ accepted: 0, duplicates: 13 });
    const e = await runOctober();
    expect(e.version).toBe(1);
    expect(e.uptime.uptimePct).toBe(92.86);
    const contradictory = await h.call("POST", "/api/markets/dong-van/heartbeats", {
      token: device,
      body: {
        beats: [
          { at: "2026-10-25T10:00:00+07:00", ok: true },
          { at: "2026-10-25T10:00:00+07:00", ok: false },
        ],
      },
    });
    expect(contradictory.status).toBe(400);
  });

  it("a new version says how many beats and automatic incidents it gained", async () => {
    const more = await h.call("POST", "/api/markets/dong-van/heartbeats", {
      token: device,
      body: {
        beats: [
          { at: "2026-10-25T10:00:00+07:00", ok: false },
          { at: "2026-10-25T10:30:00+07:00", ok: true },
        ],
      },
    });
    expect(more.body).toEqual({ accepted: 2, duplicates: 0 });
    const e = await runOctober();
    expect(e.version).toBe(2);
    expect(e.uptime.downMinutes).toBe(150);
    expect(e.changes).toMatchObject({ beats: 2, beatFailures: 1, automaticIncidents: 1 });
  });
});

describe("a period is evaluated on the stalls that lived in it", () => {
  // 25 stalls, 19 with their code handed over, 8 of those paid in November: 76 % QR share, 42.11 % active share.
  const MEO_VAC = { ...DONG_VAN, id: "meo-vac", name: "Chợ phiên Mèo Vạc", closures: [] };
  const ids: string[] = [];
  const runNovember = async () => {
    const res = await h.call("POST", "/api/evaluations/run", {
      body: { period: "2026-11", marketId: "meo-vac" },
    });
    expect(res.status).toBe(200);
    return res.body.items[0];
  };
  const setStatus = async (status: string) => {
    const mgr = await h.token("manager", { marketId: "meo-vac" });
    for (const id of ids.slice(8)) {
      const res = await h.call("PATCH", `/api/stalls/${id}`, { token: mgr, body: { status } });
      expect(res.status).toBe(200);
    }
  };
  const FIGURES = { stalls: 25, stallsWithQr: 19, qrSharePct: 76, activeStalls: 8, activeSharePct: 42.11 };

  beforeAll(async () => {
    h.clock.set("2026-10-15T03:00:00Z");
    expect((await h.call("POST", "/api/markets", { body: MEO_VAC })).status).toBe(201);
    for (let i = 0; i < 25; i++) {
      const res = await h.call("POST", "/api/markets/meo-vac/stalls", {
        body: stallInput(`M-${i}`, `880${String(i).padStart(2, "0")}`),
      });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
      if (i < 19) expect((await h.call("POST", `/api/stalls/${res.body.id}/handover`)).status).toBe(200);
    }
    for (let i = 0; i < 8; i++) {
      const paidAt = "2026-11-08T07:00:00+07:00";
      h.clock.set(paidAt);
      const body = JSON.stringify({
        id: `NOV-${i}`,
        bin: "970405",
        accountNumber: `880${String(i).padStart(2, "0")}`,
        amount: 50000,
        paidAt,
        description: "thit",
        payer: `p${i}`,
      });
      const res = await h.call("POST", "/api/callbacks/generic", {
        token: null,
        body,
        headers: {
          "content-type": "application/json",
          "x-signature": signGeneric(TEST_SECRETS.generic, body, h.clock.now()),
        },
      });
      expect(res.body.status).toBe("stored");
    }
  });

  it("the worked example: suspending the 17 idle stalls before the final run changes no figure, and says so", async () => {
    h.clock.set("2026-12-01T02:00:00Z");
    const first = await runNovember();
    expect(first.uptake).toMatchObject(FIGURES);
    expect(first.rating).toBe("fail");

    h.clock.set("2026-12-01T03:00:00Z");
    await setStatus("suspended");
    h.clock.set("2026-12-01T03:30:00Z");
    const rerun = await runNovember();
    expect(rerun.version).toBe(2);
    expect(rerun.uptake).toMatchObject(FIGURES);
    expect(rerun.rating).toBe("fail");
    expect(rerun.changes.stallStatus).toHaveLength(17);
    expect(rerun.changes.stallStatus[0]).toMatchObject({
      from: "active",
      to: "suspended",
      at: "2026-12-01T03:00:00.000Z",
    });
    expect(new Set(rerun.changes.stallStatus.map((c: { stallId: string }) => c.stallId))).toEqual(
      new Set(ids.slice(8)),
    );
    // The manager's uptake for November counts them too.
    const uptake = await h.call("GET", "/api/markets/meo-vac/uptake?from=2026-11-01&to=2026-11-30");
    expect(uptake.body.totals).toMatchObject({ stalls: 25, stallsWithQr: 19, activeStalls: 8 });
    // From 2 December on they were suspended (since 10:00 on the 1st): only the 8 count.
    const december = await h.call("GET", "/api/markets/meo-vac/uptake?from=2026-12-02&to=2026-12-31");
    expect(december.body.totals.stalls).toBe(8);

    h.clock.set("2026-12-01T04:00:00Z");
    await setStatus("active");
    h.clock.set("2026-12-01T04:30:00Z");
    const resumed = await runNovember();
    expect(resumed.version).toBe(3);
    expect(resumed.uptake).toMatchObject(FIGURES);
    expect(resumed.changes.stallStatus.map((c: { to: string }) => c.to)).toEqual(Array(17).fill("active"));
    expect(resumed.inputs.stallStatus).toHaveLength(34);
  });
});

describe("an impossible total", () => {
  it("is a 422 naming the market, not a 500, on the uptake route and in an evaluation run", async () => {
    await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "cho-x", name: "Chợ X" } });
    // Past 2^53: what unbounded amounts of old could leave behind (written as the store would hold it).
    await h.store.doc.send(
      new PutCommand({
        TableName: h.store.table,
        Item: {
          ...StallDayItem.toItem("cho-x", {
            stallId: "ghost",
            date: "2026-11-22",
            count: 1,
            value: 0,
            minutes: [420],
            payers: [],
            amounts: new Map(),
          }),
          value: 9007199254740993n,
        },
      }),
    );
    const uptake = await h.call("GET", "/api/markets/cho-x/uptake?from=2026-11-01&to=2026-11-30", {
      headers: { "accept-language": "en" },
    });
    expect(uptake.status).toBe(422);
    expect(uptake.body.error).toEqual({
      code: "unprocessable",
      message: "A money total of market 'cho-x' is past the range a report can state exactly",
    });
    const vi = await h.call("GET", "/api/markets/cho-x/uptake?from=2026-11-01&to=2026-11-30");
    expect(vi.body.error.message).toContain("cho-x");
    const run = await h.call("POST", "/api/evaluations/run", {
      body: { period: "2026-11", marketId: "cho-x" },
    });
    expect(run.body.items[0]).toMatchObject({ marketId: "cho-x", error: { code: "unprocessable" } });
    expect(run.body.items[0].error.message).toContain("cho-x");
  });
});

describe("log lines say what happened", () => {
  it("a callback answered 503 is logged as 503, not acknowledged", async () => {
    const lines: { level: string; message: string; extra: Record<string, unknown> }[] = [];
    const log =
      (level: string) =>
      (message: string, extra: Record<string, unknown> = {}) =>
        lines.push({ level, message, extra });
    // A store nobody listens on: every write fails as unavailable.
    const config = { ...h.deps.config, endpoint: "http://127.0.0.1:9" };
    const app = createApp({
      store: createStore(config),
      clock: systemClock,
      config,
      logger: { info: log("info"), warn: log("warn"), error: log("error"), debug: log("debug") } as never,
    });
    const req = ProviderClients.generic(
      {
        id: "LOG-1",
        bankShortName: "Agribank",
        bin: "970405",
        accountNumber: "88000",
        amount: 1000,
        paidAt: new Date(),
        description: "x",
      },
      config.secrets,
      new Date(),
    );
    const res = await app.request("/api/callbacks/generic", {
      method: "POST",
      body: req.body,
      headers: req.headers,
    });
    expect(res.status).toBe(503);
    const said = lines.find((l) => l.message.includes("503"));
    expect(said).toMatchObject({ level: "warn", message: "callback answered 503, not acknowledged" });
    expect(said!.extra).toMatchObject({ provider: "generic", transactions: 1 });
    expect(lines.some((l) => /(?<!not )acknowledged/.test(l.message))).toBe(false);
  });
});
