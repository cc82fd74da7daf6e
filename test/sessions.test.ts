import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { OFFICIAL_HOURS, TOUCH_SECONDS } from "@market40/core/auth/signInSessions";
import { DEVICE_MINUTES, VALID_HOURS } from "@market40/core/invitation/personInvitations";
import { PersonItem } from "@market40/core/person/personItem";
import { commit } from "@market40/core/store/transact";
import { createApp } from "@market40/functions/api/app";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput } from "./support/harness";
import {
  joinOverHttp,
  ORIGIN,
  RIGHT,
  SoftAuthenticator,
  sessionCookieOf,
  signedInPerson,
  signInOverHttp,
} from "./support/softAuthenticator";

/**
 * Sessions and the passkey routes (docs/contract.md §19) over HTTP on DynamoDB Local, with the software
 * authenticator of test/support: invitation → passkey → session cookie → who am I → sign out → sign in → sessions
 * listed and ended from another device; the CSRF rules on every state-changing route; suspension and an admin
 * ending a person's sessions; sliding expiry with the injected clock.
 */
let h: Harness;
let n = 0;

beforeAll(async () => {
  h = await harness();
  h.deps.config.publicUrl = ORIGIN;
  await h.call("POST", "/api/markets", { body: DONG_VAN });
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "meo-vac" } });
});
afterAll(() => h.close());

async function invited(role: "manager" | "admin" | "liaison" = "manager", marketId = "dong-van") {
  const person = (
    await h.call("POST", "/api/people", {
      body: { name: `Người ${++n}`, role, ...(role === "manager" ? { marketId } : {}) },
    })
  ).body;
  const { code } = (await h.call("POST", `/api/people/${person.id}/invitations`, { body: {} })).body;
  return { person, code: code as string };
}

/** A request carried by the session cookie, as the web app sends it: its origin and the CSRF token by default. */
function withCookie(
  method: string,
  path: string,
  cookie: string,
  opts: { csrf?: string | null; origin?: string | null; body?: unknown } = {},
) {
  const headers: Record<string, string> = { cookie: `m40_session=${cookie}` };
  if (opts.origin !== null) headers.origin = opts.origin ?? ORIGIN;
  if (opts.csrf) headers["x-csrf-token"] = opts.csrf;
  return h.call(method, path, { token: null, headers, body: opts.body });
}

const tableText = async () =>
  JSON.stringify((await h.store.doc.send(new ScanCommand({ TableName: h.store.table }))).Items);

describe("signing in with a passkey, over HTTP (§19)", () => {
  it("invitation → passkey → cookie session → who am I → sign out → sign in → sessions → ended from another device", async () => {
    const { person, code } = await invited();
    const device = new SoftAuthenticator();

    const joined = await joinOverHttp(h, code, device);
    expect(joined.status, JSON.stringify(joined.body)).toBe(201);
    expect(joined.body).toMatchObject({
      person: { id: person.id, name: person.name, role: "manager", marketId: "dong-van" },
      session: { id: expect.any(String), expiresAt: expect.any(String), device: "Chrome trên Android" },
      csrf: expect.any(String),
    });
    expect(joined.body.token).toBeUndefined();
    const setCookie = joined.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^m40_session=m40s_[A-Za-z0-9_-]{43};/);
    for (const attribute of ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"])
      expect(setCookie).toContain(attribute);
    const first = sessionCookieOf(joined)!;
    // The token is stored only as its hash.
    expect(await tableText()).not.toContain(first);
    expect(await tableText()).not.toContain(first.slice(5));

    const me = await withCookie("GET", "/api/auth/session", first);
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      person: { id: person.id, name: person.name, role: "manager", marketId: "dong-van" },
      session: { id: joined.body.session.id, expiresAt: joined.body.session.expiresAt },
      csrf: joined.body.csrf,
    });
    // The session carries the person's rights: its own market, not another's.
    expect((await withCookie("GET", "/api/markets/dong-van", first)).status).toBe(200);
    expect((await withCookie("GET", "/api/markets/meo-vac", first)).status).toBe(403);

    const out = await withCookie("POST", "/api/auth/logout", first, { csrf: joined.body.csrf });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/m40_session=;.*Max-Age=0/);
    const after = await withCookie("GET", "/api/auth/session", first);
    expect(after.status).toBe(401);
    expect(after.headers.get("set-cookie")).toMatch(/m40_session=;.*Max-Age=0/);

    const signedIn = await signInOverHttp(h, device);
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
    expect(signedIn.body.person.id).toBe(person.id);
    const cookieA = sessionCookieOf(signedIn)!;
    h.clock.advance(1000);
    const phone = await signInOverHttp(h, device, {
      transport: "bearer",
      userAgent:
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    });
    expect(phone.status).toBe(200);
    expect(phone.body.token).toMatch(/^m40s_/);
    expect(sessionCookieOf(phone)).toBeUndefined();

    const listed = await h.call("GET", "/api/auth/sessions", { token: phone.body.token });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id: phone.body.session.id, device: "Safari trên iPhone", current: true }),
      expect.objectContaining({
        id: signedIn.body.session.id,
        device: "Chrome trên Android",
        current: false,
      }),
    ]);
    // Newest first.
    expect(listed.body.items[0]).toEqual({
      id: expect.any(String),
      device: expect.any(String),
      createdAt: expect.any(String),
      lastSeenAt: expect.any(String),
      expiresAt: expect.any(String),
      current: true,
    });

    // The phone ends the browser's session; the browser's next request is refused.
    expect((await withCookie("GET", "/api/markets/dong-van", cookieA)).status).toBe(200);
    const ended = await h.call("DELETE", `/api/auth/sessions/${signedIn.body.session.id}`, {
      token: phone.body.token,
    });
    expect(ended.status).toBe(204);
    const refused = await withCookie("GET", "/api/markets/dong-van", cookieA);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("unauthorized");
    expect((await h.call("GET", "/api/auth/sessions", { token: phone.body.token })).body.items).toHaveLength(
      1,
    );
  });

  it("one person's session cannot end another's (404), nor list it", async () => {
    const a = await signedInPerson(h, { name: "Người A", role: "manager", marketId: "dong-van" });
    const b = await signedInPerson(h, { name: "Người B", role: "manager", marketId: "dong-van" });
    const [bSession] = (await h.call("GET", "/api/auth/sessions", { token: b.token })).body.items;
    const res = await h.call("DELETE", `/api/auth/sessions/${bSession.id}`, { token: a.token });
    expect(res.status).toBe(404);
    expect((await h.call("GET", "/api/auth/session", { token: b.token })).status).toBe(200);
    const aList = (await h.call("GET", "/api/auth/sessions", { token: a.token })).body.items;
    expect(aList.map((s: { id: string }) => s.id)).not.toContain(bSession.id);
  });

  it("who is signed in: a key says so, nobody is {}", async () => {
    const nobody = await h.call("GET", "/api/auth/session", { token: null });
    expect(nobody.status).toBe(200);
    expect(nobody.body).toEqual({});
    const key = await h.call("GET", "/api/auth/session");
    expect(key.body).toEqual({
      key: { id: expect.any(String), role: "admin", label: "Quản trị (kiểm thử)" },
    });
    expect((await h.call("GET", "/api/auth/session", { token: "m40s_forged" })).status).toBe(401);
    // A key has no sessions of its own and adds no device.
    expect((await h.call("GET", "/api/auth/sessions")).status).toBe(403);
    expect((await h.call("POST", "/api/auth/devices")).status).toBe(403);
  });

  it("the audit names the person and the session of every change made in one", async () => {
    const { token, personId } = await signedInPerson(h, {
      name: "Hoàng Văn Sơn",
      role: "manager",
      marketId: "dong-van",
    });
    const me = (await h.call("GET", "/api/auth/session", { token })).body;
    const made = await h.call("POST", "/api/markets/dong-van/incidents", {
      token,
      body: { startedAt: "2026-11-20T01:00:00Z", cause: "power" },
    });
    expect(made.status).toBe(201);
    const audit = await h.call("GET", "/api/audit?marketId=dong-van&from=2026-11-01&to=2026-11-30");
    const entry = audit.body.items.find(
      (e: { action: string; entity: { id: string } }) =>
        e.action === "incident.created" && e.entity.id === made.body.id,
    );
    expect(entry.actor).toEqual({ role: "manager", keyId: personId, personId, sessionId: me.session.id });
    const registered = audit.body.items.find(
      (e: { action: string; entity: { id: string } }) =>
        e.action === "passkey.registered" && e.entity.id === personId,
    );
    expect(registered.actor).toMatchObject({ personId });
  });
});

describe("what a passkey sign-in refuses, over HTTP", () => {
  it("a challenge used twice, another origin, another RP id, a counter that does not grow", async () => {
    const { code } = await invited();
    const device = new SoftAuthenticator();
    expect((await joinOverHttp(h, code, device)).status).toBe(201);

    const options = await h.call("POST", "/api/auth/passkey/options", { token: null });
    expect(options.body.allowCredentials ?? []).toEqual([]);
    expect(options.body.rpId).toBe("localhost");
    const response = device.get(options.body.challenge, RIGHT);
    const send = () =>
      h.call("POST", "/api/auth/passkey", { token: null, headers: { origin: ORIGIN }, body: { response } });
    expect((await send()).status).toBe(200);
    const replay = await send();
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe("unauthorized");

    for (const as of [
      { rpId: "localhost", origin: "https://evil.example" },
      { rpId: "evil.example", origin: ORIGIN },
    ])
      expect((await signInOverHttp(h, device, { as })).status).toBe(401);

    expect((await signInOverHttp(h, device, { as: { ...RIGHT, counter: 50 } })).status).toBe(200);
    expect((await signInOverHttp(h, device, { as: { ...RIGHT, counter: 50 } })).status).toBe(401);
    expect((await signInOverHttp(h, device, { as: { ...RIGHT, counter: 51 } })).status).toBe(200);
  });

  it("a registration for another origin or RP id is refused and leaves the invitation usable", async () => {
    const { code } = await invited();
    for (const as of [
      { rpId: "localhost", origin: "https://evil.example" },
      { rpId: "evil.example", origin: ORIGIN },
    ])
      expect((await joinOverHttp(h, code, new SoftAuthenticator(), { as })).status).toBe(401);
    expect((await joinOverHttp(h, code, new SoftAuthenticator())).status).toBe(201);
    // Used up.
    expect((await joinOverHttp(h, code, new SoftAuthenticator())).status).toBe(410);
  });

  it("a page of another site can neither sign a browser in nor accept an invitation for it (403 csrf_failed)", async () => {
    const { code } = await invited();
    const device = new SoftAuthenticator();
    const foreign = await joinOverHttp(h, code, device, { origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe("csrf_failed");
    expect(sessionCookieOf(foreign)).toBeUndefined();
    // A client that is no browser sends no Origin: accepted.
    expect((await joinOverHttp(h, code, device, { origin: null, transport: "bearer" })).status).toBe(201);
    const signIn = await signInOverHttp(h, device, { origin: "https://evil.example" });
    expect(signIn.status).toBe(403);
    expect(signIn.body.error.code).toBe("csrf_failed");
  });

  it("an expired or cancelled invitation registers nothing (410); an unknown code is 404", async () => {
    const cancelled = await invited();
    const [outstanding] = (await h.call("GET", `/api/people/${cancelled.person.id}/invitations`)).body.items;
    await h.call("DELETE", `/api/people/${cancelled.person.id}/invitations/${outstanding.id}`);
    const c = await joinOverHttp(h, cancelled.code, new SoftAuthenticator());
    expect(c.status).toBe(410);
    expect(c.body.error.code).toBe("gone");

    const expired = await invited();
    const options = await h.call("POST", `/api/join/${expired.code}/passkey/options`, { token: null });
    expect(options.status).toBe(200);
    h.clock.advance(VALID_HOURS * 3_600_000);
    const late = await h.call("POST", `/api/join/${expired.code}/passkey`, {
      token: null,
      headers: { origin: ORIGIN },
      body: { response: new SoftAuthenticator().create(options.body.challenge, RIGHT) },
    });
    expect(late.status).toBe(410);
    expect((await joinOverHttp(h, "AAAAAAAAAAAAAAAAAAAAAA", new SoftAuthenticator())).status).toBe(404);
  });
});

describe("a person's session acting as their role", () => {
  it("a vendor's invitation made in a manager's session works while the manager is active", async () => {
    const manager = await signedInPerson(h, { name: "Vàng Seo Páo", role: "manager", marketId: "dong-van" });
    const stall = await h.call("POST", "/api/markets/dong-van/stalls", {
      token: manager.token,
      body: stallInput(`S-${++n}`, `55${n}`),
    });
    expect(stall.status).toBe(201);
    const card = await h.call("POST", `/api/stalls/${stall.body.id}/invitations`, { token: manager.token });
    expect(card.status).toBe(201);
    const accepted = await h.call("POST", `/api/invitations/${card.body.code}/accept`, { token: null });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);

    const later = await h.call("POST", `/api/stalls/${stall.body.id}/invitations`, { token: manager.token });
    await h.call("POST", `/api/people/${manager.personId}/suspend`);
    expect((await h.call("POST", `/api/invitations/${later.body.code}/accept`, { token: null })).status).toBe(
      410,
    );
  });

  it("refused passkeys count toward the source's failed sign-ins: then 429 before any check", async () => {
    const app = createApp({
      ...h.deps,
      config: { ...h.deps.config, rateLimits: { failedAuthPerIp: 3, requestsPerKey: 1000 } },
    });
    const { device } = await signedInPerson(h, { name: "Lý Thị Mai", role: "liaison" });
    const attempt = async (as = RIGHT) => {
      const options = await (await app.request("/api/auth/passkey/options", { method: "POST" })).json();
      return app.request("/api/auth/passkey", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ response: device.get(options.challenge, as) }),
      });
    };
    const wrong = { rpId: "evil.example", origin: ORIGIN };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await attempt(wrong)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect((await attempt()).status).toBe(429);
  });
});

describe("ending sessions", () => {
  it("suspending a person ends every session of theirs at once", async () => {
    const { personId, token, device } = await signedInPerson(h, {
      name: "Vàng Thị Dung",
      role: "manager",
      marketId: "dong-van",
    });
    const browser = await signInOverHttp(h, device);
    const cookie = sessionCookieOf(browser)!;
    expect((await withCookie("GET", "/api/markets/dong-van", cookie)).status).toBe(200);
    expect((await h.call("POST", `/api/people/${personId}/suspend`)).status).toBe(200);
    expect((await h.call("GET", "/api/markets/dong-van", { token })).status).toBe(401);
    expect((await withCookie("GET", "/api/markets/dong-van", cookie)).status).toBe(401);
    expect(await tableText()).not.toMatch(new RegExp(`PERSON#${personId}#SESSIONS`));
    expect((await signInOverHttp(h, device)).status).toBe(401);
  });

  it("a suspended person's session is refused even if its item lingers", async () => {
    const { personId, token } = await signedInPerson(h, {
      name: "Sùng Mí Chá",
      role: "manager",
      marketId: "dong-van",
    });
    // Suspended behind the workflow's back: the session item stays.
    await commit(h.store, [PersonItem.suspend(h.store, personId, h.clock.now().toISOString(), "test")]);
    expect(await tableText()).toMatch(new RegExp(`PERSON#${personId}#SESSIONS`));
    expect((await h.call("GET", "/api/auth/session", { token })).status).toBe(401);
  });

  it("an admin, or the market's manager for a co-manager, ends all of a person's sessions; audited", async () => {
    const target = await signedInPerson(h, { name: "Lù Văn Páo", role: "manager", marketId: "dong-van" });
    const second = await signInOverHttp(h, target.device, { transport: "bearer" });
    const manager = await signedInPerson(h, { name: "Giàng Seo Phử", role: "manager", marketId: "dong-van" });
    const other = await signedInPerson(h, { name: "Mua Thị Sú", role: "manager", marketId: "meo-vac" });

    const refused = await h.call("DELETE", `/api/people/${target.personId}/sessions`, { token: other.token });
    expect(refused.status).toBe(403);
    expect((await h.call("GET", "/api/auth/session", { token: target.token })).status).toBe(200);

    const res = await h.call("DELETE", `/api/people/${target.personId}/sessions`, { token: manager.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ended: 2 });
    expect((await h.call("GET", "/api/auth/session", { token: target.token })).status).toBe(401);
    expect((await h.call("GET", "/api/auth/session", { token: second.body.token })).status).toBe(401);
    expect((await h.call("DELETE", `/api/people/${target.personId}/sessions`)).body).toEqual({ ended: 0 });
    const audit = await h.call("GET", "/api/audit?marketId=dong-van&from=2026-11-01&to=2026-11-30");
    const entry = audit.body.items.find(
      (e: { action: string; entity: { id: string }; actor: { personId?: string } }) =>
        e.action === "person.sessionsEnded" &&
        e.entity.id === target.personId &&
        e.actor.personId === manager.personId,
    );
    expect(entry).toMatchObject({ actor: { personId: manager.personId }, after: { ended: 2 } });
    // A person can sign in again afterwards: ending sessions is not suspension.
    expect((await signInOverHttp(h, target.device)).status).toBe(200);
  });

  it("accepting a recovery invitation ends the sessions of the lost devices", async () => {
    const lost = await signedInPerson(h, { name: "Thào A Lử", role: "liaison" });
    const recovery = await h.call("POST", `/api/people/${lost.personId}/invitations`, {
      body: { purpose: "recovery" },
    });
    expect(recovery.status).toBe(201);
    const fresh = new SoftAuthenticator();
    const joined = await joinOverHttp(h, recovery.body.code, fresh, { transport: "bearer" });
    expect(joined.status).toBe(201);
    expect((await h.call("GET", "/api/auth/session", { token: lost.token })).status).toBe(401);
    expect((await h.call("GET", "/api/auth/session", { token: joined.body.token })).status).toBe(200);
  });
});

describe("a second device", () => {
  it("a signed-in person adds a second device's passkey with a 10-minute, single-use invitation", async () => {
    const { personId, token } = await signedInPerson(h, {
      name: "Lò Văn Piếng",
      role: "manager",
      marketId: "dong-van",
    });
    const invitation = await h.call("POST", "/api/auth/devices", { token });
    expect(invitation.status).toBe(201);
    expect(invitation.body).toMatchObject({
      purpose: "device",
      code: expect.any(String),
      url: `${ORIGIN}/#/join/${invitation.body.code}`,
    });
    expect(Date.parse(invitation.body.expiresAt) - h.clock.now().getTime()).toBe(DEVICE_MINUTES * 60_000);
    const opened = await h.call("GET", `/api/join/${invitation.body.code}`, { token: null });
    expect(opened.body).toMatchObject({ purpose: "device", role: "manager" });

    const laptop = new SoftAuthenticator();
    const joined = await joinOverHttp(h, invitation.body.code, laptop);
    expect(joined.status).toBe(201);
    expect(joined.body.person.id).toBe(personId);
    expect((await joinOverHttp(h, invitation.body.code, new SoftAuthenticator())).status).toBe(410);
    const again = await signInOverHttp(h, laptop);
    expect(again.body.person.id).toBe(personId);
    // The first device's session goes on.
    expect((await h.call("GET", "/api/auth/session", { token })).status).toBe(200);

    const late = await h.call("POST", "/api/auth/devices", { token });
    h.clock.advance(DEVICE_MINUTES * 60_000);
    expect((await joinOverHttp(h, late.body.code, new SoftAuthenticator())).status).toBe(410);
  });
});

describe("sliding expiry", () => {
  it(`lives ${OFFICIAL_HOURS} h after the last request, written at most once a minute`, async () => {
    const { token } = await signedInPerson(h, { name: "Sình Thị Mỷ", role: "liaison" });
    const expiry = async () => (await h.call("GET", "/api/auth/session", { token })).body.session?.expiresAt;
    const started = await expiry();
    expect(Date.parse(started) - h.clock.now().getTime()).toBe(OFFICIAL_HOURS * 3_600_000);

    h.clock.advance((TOUCH_SECONDS - 1) * 1000);
    expect(await expiry()).toBe(started);
    const lastSeen = async () =>
      (await h.call("GET", "/api/auth/sessions", { token })).body.items[0].lastSeenAt as string;
    expect(await lastSeen()).not.toBe(h.clock.now().toISOString());

    for (let i = 0; i < 3; i++) {
      h.clock.advance((OFFICIAL_HOURS - 1) * 3_600_000);
      expect(await expiry()).toBe(
        new Date(h.clock.now().getTime() + OFFICIAL_HOURS * 3_600_000).toISOString(),
      );
    }
    expect(await lastSeen()).toBe(h.clock.now().toISOString());

    h.clock.advance(OFFICIAL_HOURS * 3_600_000);
    expect((await h.call("GET", "/api/auth/session", { token })).status).toBe(401);
  });

  it("a cookie is sent again with the new expiry when it slides", async () => {
    const { device } = await signedInPerson(h, { name: "Hầu A Dình", role: "liaison" });
    const cookie = sessionCookieOf(await signInOverHttp(h, device))!;
    const quiet = await withCookie("GET", "/api/auth/session", cookie);
    expect(quiet.headers.get("set-cookie")).toBeNull();
    h.clock.advance(TOUCH_SECONDS * 1000);
    const slid = await withCookie("GET", "/api/auth/session", cookie);
    expect(slid.headers.get("set-cookie")).toContain(`m40_session=${cookie}`);
    expect(slid.headers.get("set-cookie")).toContain(`Max-Age=${OFFICIAL_HOURS * 3600}`);
  });
});

describe("CSRF on cookie requests", () => {
  let cookie: string;
  let csrf: string;
  let routes: { method: string; path: string }[];

  beforeAll(async () => {
    const { device } = await signedInPerson(h, { name: "Quản trị viên", role: "admin" });
    const browser = await signInOverHttp(h, device);
    cookie = sessionCookieOf(browser)!;
    csrf = browser.body.csrf;
    const doc = (await h.call("GET", "/api/openapi.json")).body as {
      paths: Record<string, Record<string, { security?: Record<string, unknown>[] }>>;
    };
    // Every state-changing route a cookie can authenticate.
    routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(
          ([method, op]) =>
            ["post", "put", "patch", "delete"].includes(method) &&
            op.security?.some((s) => "sessionCookie" in s),
        )
        .map(([method]) => ({ method: method.toUpperCase(), path: `${path}`.replace(/\{[^}]+\}/g, "x") })),
    );
  });

  it("covers the app's state-changing routes", () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(routes).toContainEqual({ method: "POST", path: "/api/auth/logout" });
    expect(routes).toContainEqual({ method: "DELETE", path: "/api/people/x/sessions" });
    expect(routes).toContainEqual({ method: "PATCH", path: "/api/markets/x" });
  });

  it("every one refuses a cookie request without the token, with a wrong one, or from another origin", async () => {
    const cases: { csrf?: string | null; origin?: string | null }[] = [
      { csrf: null },
      { csrf: `${csrf.slice(0, -2)}xx` },
      { csrf, origin: "https://evil.example" },
      { csrf, origin: null },
      { csrf, origin: "http://localhost:3001" },
    ];
    for (const route of routes)
      for (const sent of cases) {
        const res = await withCookie(route.method, route.path, cookie, { ...sent, body: {} });
        expect(res.status, `${route.method} ${route.path} ${JSON.stringify(sent)}`).toBe(403);
        expect(res.body.error.code).toBe("csrf_failed");
      }
    // The same cookie with the token and the app's origin passes (here: to validation or a 404); signing out last.
    const signOutLast = [...routes].sort(
      (a, b) => Number(a.path === "/api/auth/logout") - Number(b.path === "/api/auth/logout"),
    );
    for (const route of signOutLast) {
      const res = await withCookie(route.method, route.path, cookie, { csrf, body: {} });
      expect(res.body?.error?.code, `${route.method} ${route.path}`).not.toBe("csrf_failed");
    }
  });

  it("reads need no token, and bearer requests need neither token nor origin", async () => {
    const { token, device } = await signedInPerson(h, {
      name: "Người gọi",
      role: "manager",
      marketId: "dong-van",
    });
    const browser = sessionCookieOf(await signInOverHttp(h, device))!;
    expect((await withCookie("GET", "/api/markets", browser, { origin: null })).status).toBe(200);
    const res = await h.call("PATCH", "/api/markets/dong-van", { token, body: { closures: ["2026-02-17"] } });
    expect(res.status).toBe(200);
  });
});
