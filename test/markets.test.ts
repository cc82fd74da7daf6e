import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness } from "./support/harness";

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(() => h.close());

describe("markets", () => {
  it("registers a market and refuses the same id again", async () => {
    const created = await h.call("POST", "/api/markets", { body: DONG_VAN });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...DONG_VAN, createdAt: "2026-11-26T03:00:00.000Z" });
    const again = await h.call("POST", "/api/markets", { body: DONG_VAN });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("conflict");
    expect((await h.call("GET", "/api/markets/dong-van")).body.name).toBe("Chợ phiên Đồng Văn");
  });

  it("validates ids, schedules, hours and dates with field paths", async () => {
    const bad = await h.call("POST", "/api/markets", {
      body: {
        ...DONG_VAN,
        id: "Đồng Văn",
        schedule: { kind: "weekly", days: [8] },
        hours: { open: "12:00", close: "24:30" },
        launchedOn: "2026-02-30",
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("validation_error");
    const paths = bad.body.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["id", "schedule.days.0", "hours.close", "launchedOn"]));
    const zodiac = await h.call("POST", "/api/markets", {
      body: { ...DONG_VAN, id: "x1", schedule: { kind: "zodiac", animals: ["cat", "unicorn"] } },
    });
    expect(zodiac.status).toBe(400);
    const extra = await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "x2", owner: "me" } });
    expect(extra.status).toBe(400);
    expect((await h.call("GET", "/api/markets/x1")).status).toBe(404);
  });

  it("answers malformed JSON and wrong content types with a clear error", async () => {
    const malformed = await h.call("POST", "/api/markets", {
      body: '{"id":',
      headers: { "content-type": "application/json" },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe("validation_error");
    const wrongType = await h.call("POST", "/api/markets", {
      body: "id=x",
      headers: { "content-type": "text/plain" },
    });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.error.code).toBe("unsupported_media_type");
    const huge = await h.call("POST", "/api/markets", {
      body: { ...DONG_VAN, id: "huge", name: "x".repeat(300_000) },
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe("payload_too_large");
  });

  it("lists every scheduled session with UTC instants, closures removed", async () => {
    const res = await h.call("GET", "/api/markets/dong-van/sessions?from=2026-02-01&to=2026-02-28");
    expect(res.status).toBe(200);
    expect(res.body.items.map((s: { date: string }) => s.date)).toEqual([
      "2026-02-01",
      "2026-02-08",
      "2026-02-15",
      "2026-02-22",
    ]);
    expect(res.body.items[0]).toEqual({
      date: "2026-02-01",
      opensAt: "2026-01-31T22:00:00.000Z",
      closesAt: "2026-02-01T05:00:00.000Z",
    });
    // Sessions before launchedOn are listed too.
    const early = await h.call("GET", "/api/markets/dong-van/sessions?from=2025-12-01&to=2025-12-31");
    expect(early.body.items).toHaveLength(4);
  });

  it("registers a night market whose sessions close the next day (§21)", async () => {
    const created = await h.call("POST", "/api/markets", {
      body: {
        ...DONG_VAN,
        id: "cho-dem",
        name: "Chợ đêm",
        schedule: { kind: "weekly", days: [6] },
        hours: { open: "17:00", close: "01:00" },
      },
    });
    expect(created.status).toBe(201);
    const res = await h.call("GET", "/api/markets/cho-dem/sessions?from=2026-12-01&to=2026-12-07");
    // Saturday 5 December 17:00 local to Sunday 01:00 local.
    expect(res.body.items).toEqual([
      { date: "2026-12-05", opensAt: "2026-12-05T10:00:00.000Z", closesAt: "2026-12-05T18:00:00.000Z" },
    ]);
    const bad = await h.call("POST", "/api/markets", {
      body: { ...DONG_VAN, id: "cho-x", hours: { open: "24:00", close: "02:00" } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe("hours.open");
  });

  it("lists lunar-date and zodiac-day sessions", async () => {
    await h.call("POST", "/api/markets", {
      body: {
        ...DONG_VAN,
        id: "khau-vai",
        schedule: { kind: "lunar", days: [2, 7, 12, 17, 22, 27] },
        closures: [],
      },
    });
    const lunar = await h.call("GET", "/api/markets/khau-vai/sessions?from=2026-02-15&to=2026-02-28");
    // Tết 2026 is 17 Feb: lunar 2 = 18 Feb, lunar 7 = 23 Feb; 29 Jan..: 27/12 fell on 14 Feb.
    expect(lunar.body.items.map((s: { date: string }) => s.date)).toEqual([
      "2026-02-18",
      "2026-02-23",
      "2026-02-28",
    ]);
    await h.call("POST", "/api/markets", {
      body: {
        ...DONG_VAN,
        id: "pho-bang",
        schedule: { kind: "zodiac", animals: ["rat", "horse"] },
        closures: [],
      },
    });
    const zodiac = await h.call("GET", "/api/markets/pho-bang/sessions?from=2026-12-01&to=2026-12-20");
    const dates = zodiac.body.items.map((s: { date: string }) => s.date);
    expect(dates.length).toBe(3);
    expect(Date.parse(dates[1]) - Date.parse(dates[0])).toBe(6 * 86400_000);
  });

  it("refuses ranges over 366 days or reversed", async () => {
    expect((await h.call("GET", "/api/markets/dong-van/sessions?from=2026-01-01&to=2027-01-02")).status).toBe(
      400,
    );
    expect((await h.call("GET", "/api/markets/dong-van/sessions?from=2026-01-01&to=2027-01-01")).status).toBe(
      200,
    );
    expect((await h.call("GET", "/api/markets/dong-van/sessions?from=2026-03-01&to=2026-02-01")).status).toBe(
      400,
    );
    expect((await h.call("GET", "/api/markets/dong-van/sessions?from=2026-3-1&to=2026-04-01")).status).toBe(
      400,
    );
  });

  it("pages the market list with cursors", async () => {
    for (const id of ["m-a", "m-b", "m-c"])
      await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id } });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await h.call("GET", `/api/markets?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((m: { id: string }) => m.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(seen).toEqual(expect.arrayContaining(["dong-van", "khau-vai", "pho-bang", "m-a", "m-b", "m-c"]));
    expect((await h.call("GET", "/api/markets?cursor=not-a-cursor")).status).toBe(400);
    // A real cursor from another list is refused too, as the caller's mistake.
    await h.call("POST", "/api/markets/m-a/stalls", {
      body: { code: "A-1", vendorName: "X", bank: { bin: "970405", accountNumber: "1", accountName: "X" } },
    });
    await h.call("POST", "/api/markets/m-a/stalls", {
      body: { code: "A-2", vendorName: "X", bank: { bin: "970405", accountNumber: "2", accountName: "X" } },
    });
    const stallCursor = (await h.call("GET", "/api/markets/m-a/stalls?limit=1")).body.nextCursor;
    expect(stallCursor).toBeTruthy();
    const forged = await h.call("GET", `/api/markets?cursor=${stallCursor}`);
    expect(forged.status).toBe(400);
    expect(forged.body.error.code).toBe("validation_error");
    expect((await h.call("GET", "/api/markets?limit=501")).status).toBe(400);
  });

  it("lets the market's manager add closures", async () => {
    const manager = await h.token("manager", { marketId: "dong-van" });
    const res = await h.call("PATCH", "/api/markets/dong-van", {
      token: manager,
      body: { closures: ["2026-12-27", "2026-02-17"] },
    });
    expect(res.status).toBe(200);
    expect(res.body.closures).toEqual(["2026-02-17", "2026-12-27"]);
    const s = await h.call("GET", "/api/markets/dong-van/sessions?from=2026-12-20&to=2026-12-31", {
      token: manager,
    });
    expect(s.body.items.map((x: { date: string }) => x.date)).toEqual(["2026-12-20"]);
  });
});

describe("a patch changes only what it names (issue 24)", () => {
  const TET = { ...DONG_VAN, id: "tet-daily", schedule: { kind: "daily" as const } };
  const tetClosures = ["2026-02-16", "2026-02-17"];
  const februarySessions = async () => {
    const run = await h.call("POST", "/api/evaluations/run", {
      body: { period: "2026-02", marketId: TET.id },
    });
    expect(run.status).toBe(200);
    return run.body.items[0].uptime.scheduledSessions as number;
  };

  it("an admin's patch that does not name closures keeps them, and February keeps its 26 sessions", async () => {
    expect((await h.call("POST", "/api/markets", { body: { ...TET, closures: tetClosures } })).status).toBe(
      201,
    );
    expect(await februarySessions()).toBe(26);
    for (const body of [{}, { name: TET.name }, { hours: TET.hours }]) {
      const res = await h.call("PATCH", `/api/markets/${TET.id}`, { body });
      expect(res.status).toBe(200);
      expect(res.body.closures).toEqual(tetClosures);
    }
    expect(await februarySessions()).toBe(26);
  });

  it("a manager may rename a market with past closures, and its future closures stay", async () => {
    const manager = await h.token("manager", { marketId: TET.id });
    const future = await h.call("PATCH", `/api/markets/${TET.id}`, {
      token: manager,
      body: { closures: [...tetClosures, "2027-02-06"] },
    });
    expect(future.status).toBe(200);
    const renamed = await h.call("PATCH", `/api/markets/${TET.id}`, {
      token: manager,
      body: { name: "Chợ Tết Đồng Văn" },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      name: "Chợ Tết Đồng Văn",
      closures: [...tetClosures, "2027-02-06"],
    });
    // Naming closures still obeys the rule: a manager may not remove a past one.
    const erase = await h.call("PATCH", `/api/markets/${TET.id}`, { token: manager, body: { closures: [] } });
    expect(erase.status).toBe(403);
  });
});
