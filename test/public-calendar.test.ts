import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput } from "./support/harness";

/**
 * The public calendar (docs/contract.md §21): iCal feeds read back by an independent parser (ical.js) and
 * compared with the sessions API, public only when an admin says so.
 */
let h: Harness;
const NIGHT = {
  ...DONG_VAN,
  id: "cho-dem",
  name: "Chợ đêm Đồng Văn",
  schedule: { kind: "weekly" as const, days: [6] },
  hours: { open: "17:00", close: "01:00" },
  closures: ["2026-12-19"],
};
const KHAU_VAI = {
  ...DONG_VAN,
  id: "khau-vai",
  name: "Chợ tình Khâu Vai",
  commune: "Khâu Vai",
  schedule: { kind: "lunar" as const, days: [26], months: [3] },
  hours: { open: "18:00", close: "12:00" },
  closures: [],
};

beforeAll(async () => {
  h = await harness("2026-12-02T09:00:00Z"); // Wednesday 2 December, 16:00 local
  for (const m of [DONG_VAN, NIGHT, KHAU_VAI])
    expect((await h.call("POST", "/api/markets", { body: m })).status).toBe(201);
  await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("A-1", "3001") });
});
afterAll(() => h.close());

interface Parsed {
  uid: string;
  start: string;
  end: string;
  tzid: string;
  summary: string;
  description: string;
}
function parse(text: string): Parsed[] {
  const cal = new ICAL.Component(ICAL.parse(text));
  const zones = cal.getAllSubcomponents("vtimezone");
  expect(zones.map((z) => z.getFirstPropertyValue("tzid"))).toEqual(["Asia/Ho_Chi_Minh"]);
  for (const z of zones) ICAL.TimezoneService.register(new ICAL.Timezone(z));
  return cal.getAllSubcomponents("vevent").map((v) => {
    const e = new ICAL.Event(v);
    return {
      uid: e.uid,
      start: e.startDate.toJSDate().toISOString(),
      end: e.endDate.toJSDate().toISOString(),
      tzid: String(e.startDate.zone?.tzid ?? ""),
      summary: e.summary,
      description: e.description,
    };
  });
}

describe("public: true", () => {
  it("only an admin sets it, and the change is audited", async () => {
    const manager = await h.token("manager", { marketId: "cho-dem" });
    const refused = await h.call("PATCH", "/api/markets/cho-dem", { body: { public: true }, token: manager });
    expect(refused.status).toBe(403);
    for (const id of ["cho-dem", "khau-vai"])
      expect((await h.call("PATCH", `/api/markets/${id}`, { body: { public: true } })).body.public).toBe(
        true,
      );
    const audit = (await h.call("GET", "/api/audit?marketId=cho-dem")).body.items;
    expect(audit.find((e: { action: string }) => e.action === "market.changed")).toMatchObject({
      actor: { role: "admin" },
      after: { public: true },
    });
  });
});

describe("GET /api/markets/{id}/calendar.ics", () => {
  it("is a 404 without a key for a market that is not public, as for an unknown one", async () => {
    for (const id of ["dong-van", "nowhere"]) {
      const res = await h.call("GET", `/api/markets/${id}/calendar.ics`, { token: null });
      expect(res.status).toBe(404);
    }
  });

  it("gives the next 12 months of sessions, read back by ical.js equal to the sessions API, closures left out", async () => {
    const res = await h.call("GET", "/api/markets/cho-dem/calendar.ics", { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/calendar/);
    const text = res.body as string;
    const events = parse(text);
    const api = (await h.call("GET", "/api/markets/cho-dem/sessions?from=2026-12-02&to=2027-12-01")).body
      .items as { date: string; opensAt: string; closesAt: string }[];
    expect(api.length).toBeGreaterThan(50);
    expect(events.map((e) => [e.uid, e.start, e.end])).toEqual(
      api.map((s) => [`cho-dem-${s.date}@market40.vn`, s.opensAt, s.closesAt]),
    );
    expect(events.some((e) => e.uid.includes("2026-12-19"))).toBe(false);
    expect(events[0]).toMatchObject({
      tzid: "Asia/Ho_Chi_Minh",
      summary: "Chợ đêm Đồng Văn",
      description: "Phiên Thứ bảy 05/12, 17:00–01:00",
      start: "2026-12-05T10:00:00.000Z",
      end: "2026-12-05T18:00:00.000Z",
    });
    expect(text).toContain("DTSTART;TZID=Asia/Ho_Chi_Minh:20261205T170000");
    expect(text).toContain("DTEND;TZID=Asia/Ho_Chi_Minh:20261206T010000");
    // DTSTAMP is a UTC date-time (RFC 5545 §3.8.7.2): the market's last change, to the second, ending in Z.
    const updatedAt = (await h.call("GET", "/api/markets/cho-dem")).body.updatedAt as string;
    const stamps = [...text.matchAll(/^DTSTAMP[;:].*$/gm)].map((m) => m[0]);
    expect(stamps).toHaveLength(events.length);
    expect(new Set(stamps)).toEqual(new Set([`DTSTAMP:${updatedAt.slice(0, 19).replace(/[-:]/g, "")}Z`]));
    const vevent = new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent("vevent")!;
    const stamp = vevent.getFirstPropertyValue("dtstamp") as ICAL.Time;
    expect(stamp.zone?.tzid).toBe("UTC");
    expect(stamp.toJSDate().toISOString()).toBe(`${updatedAt.slice(0, 19)}.000Z`);
    // Stable: the same market gives the same calendar, byte for byte, on another request.
    expect((await h.call("GET", "/api/markets/cho-dem/calendar.ics", { token: null })).body).toBe(text);
  });

  it("gives Khâu Vai one night a year, labelled with its lunar date", async () => {
    const events = parse((await h.call("GET", "/api/markets/khau-vai/calendar.ics", { token: null })).body);
    expect(events).toEqual([
      expect.objectContaining({
        uid: "khau-vai-2027-05-02@market40.vn",
        description: "Phiên Chủ nhật 02/05 · 26/3 âm lịch, 18:00–12:00",
        start: "2027-05-02T11:00:00.000Z",
        end: "2027-05-03T05:00:00.000Z",
      }),
    ]);
  });
});

describe("GET /api/provinces/{province}/calendar.ics", () => {
  it("lists every public market of the province, and none that is not public", async () => {
    const res = await h.call("GET", `/api/provinces/${encodeURIComponent("Tuyên Quang")}/calendar.ics`, {
      token: null,
    });
    expect(res.status).toBe(200);
    const uids = parse(res.body).map((e) => e.uid);
    expect(uids.filter((u) => u.startsWith("khau-vai-"))).toHaveLength(1);
    expect(uids.filter((u) => u.startsWith("cho-dem-")).length).toBeGreaterThan(50);
    expect(uids.some((u) => u.startsWith("dong-van-"))).toBe(false);
    expect((await h.call("GET", "/api/provinces/Hu%E1%BA%BF/calendar.ics", { token: null })).status).toBe(
      404,
    );
  });
});

describe("GET /api/public/markets", () => {
  it("shows public markets' next sessions, whether in session, and nothing about people or stalls", async () => {
    h.clock.set("2026-12-05T17:30:00Z"); // 00:30 on Sunday 6 December: the Saturday night session is on
    const res = await h.call("GET", "/api/public/markets", { token: null });
    expect(res.status).toBe(200);
    const items = res.body.items as Record<string, unknown>[];
    expect(items.map((m) => m.id)).toEqual(["cho-dem", "khau-vai"]);
    expect(items[0]).toMatchObject({
      inSession: true,
      qrSharePct: null,
      calendar: "/api/markets/cho-dem/calendar.ics",
      next: [
        { date: "2026-12-05", label: "Thứ bảy 05/12" },
        { date: "2026-12-12", label: "Thứ bảy 12/12" },
        { date: "2026-12-26", label: "Thứ bảy 26/12" },
        expect.anything(),
        expect.anything(),
      ],
    });
    expect(items[1]).toMatchObject({
      inSession: false,
      next: [{ label: "Chủ nhật 02/05 · 26/3 âm lịch", lunar: { day: 26, month: 3, leap: false } }],
    });
    expect(items[0]!.next).toEqual(
      expect.arrayContaining([expect.not.objectContaining({ lunar: expect.anything() })]),
    );
    const text = JSON.stringify(res.body);
    for (const secret of ["3001", "stalls", "closures", "legacyDistrict", "createdAt", "manager"])
      expect(text).not.toContain(secret);
  });
});
