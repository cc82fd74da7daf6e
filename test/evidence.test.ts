import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness } from "./support/harness";

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
