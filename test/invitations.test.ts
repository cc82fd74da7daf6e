import { pdfText } from "@market40/devkit/oracles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput } from "./support/harness";

let h: Harness;
let stall: { id: string; code: string };
let manager: string;
let otherManager: string;

beforeAll(async () => {
  h = await harness();
  await h.call("POST", "/api/markets", { body: DONG_VAN });
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "meo-vac", name: "Chợ Mèo Vạc" } });
  stall = (
    await h.call("POST", "/api/markets/dong-van/stalls", {
      body: { ...stallInput("A-12", "8888123456789"), vendorName: "Giàng Thị Mai" },
    })
  ).body;
  manager = await h.token("manager", { marketId: "dong-van" });
  otherManager = await h.token("manager", { marketId: "meo-vac" });
});
afterAll(() => h.close());

const invite = async (token = manager) => h.call("POST", `/api/stalls/${stall.id}/invitations`, { token });
const accept = (code: string) => h.call("POST", `/api/invitations/${code}/accept`, { token: null });

describe("invitations (§13)", () => {
  it("a manager invites its stall's vendor: a code, a URL with it, valid 7 days; another market's manager may not", async () => {
    const res = await invite();
    expect(res.status).toBe(201);
    expect(res.body.code).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(res.body.url).toBe(`http://localhost/#/invite/${res.body.code}`);
    expect(Date.parse(res.body.expiresAt) - h.clock.now().getTime()).toBe(7 * 86_400_000);
    expect((await invite(otherManager)).status).toBe(403);
    const vendor = await h.token("vendor", { stallId: stall.id });
    expect((await invite(vendor)).status).toBe(403);
  });

  it("points the URL at the configured public address, never at a request header (issue 23)", async () => {
    for (const headers of <Record<string, string>[]>[
      { origin: "https://evil.example" },
      { host: "evil.example" },
      { "x-forwarded-host": "evil.example" },
    ]) {
      const res = await h.call("POST", `/api/stalls/${stall.id}/invitations`, { token: manager, headers });
      expect(res.body.url).toBe(`http://localhost/#/invite/${res.body.code}`);
    }
    const { createApp } = await import("@market40/functions/api/app");
    const app = createApp({ ...h.deps, config: { ...h.deps.config, publicUrl: "https://cho40.example.vn" } });
    const res = await app.request(`/api/stalls/${stall.id}/invitations`, {
      method: "POST",
      headers: { authorization: `Bearer ${manager}`, origin: "https://d111111abcdef8.cloudfront.net" },
    });
    const body = (await res.json()) as { code: string; url: string };
    expect(body.url).toBe(`https://cho40.example.vn/#/invite/${body.code}`);
  });

  it("accepting needs no key, gives a vendor key for the stall once, then 410; an unknown code is 404", async () => {
    const { code } = (await invite()).body;
    const first = await accept(code);
    expect(first.status).toBe(200);
    expect(first.body.stallId).toBe(stall.id);
    const me = await h.call("GET", "/api/me", { token: first.body.token });
    expect(me.body).toMatchObject({ role: "vendor", stallId: stall.id, marketId: "dong-van" });
    expect((await h.call("GET", `/api/stalls/${stall.id}`, { token: first.body.token })).status).toBe(200);
    const again = await accept(code);
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe("gone");
    expect(again.body.error.message).toContain("đã dùng");
    expect((await accept("NoSuchCode0000000000000")).status).toBe(404);
  });

  it("returns a short typed code (8 characters, no look-alikes) accepted like the long one, once (issue 26)", async () => {
    const { code, shortCode } = (await invite()).body;
    expect(shortCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(code).not.toContain(shortCode);
    // Typed the way a vendor would: lower case, a dash between the groups, O for 0 and l for 1.
    const typed = `${shortCode.slice(0, 4)}-${shortCode.slice(4)}`
      .toLowerCase()
      .replace(/0/g, "o")
      .replace(/1/g, "l");
    const first = await accept(typed);
    expect(first.status).toBe(200);
    expect(first.body.stallId).toBe(stall.id);
    // One invitation, two ways in: either one used makes both used.
    expect((await accept(shortCode)).status).toBe(410);
    expect((await accept(code)).status).toBe(410);
    const other = (await invite()).body;
    expect((await accept(other.code)).status).toBe(200);
    expect((await accept(other.shortCode)).status).toBe(410);
    expect((await accept("ZZZZZZZZ")).status).toBe(404);
    // Stored only as a hash, like the long code.
    const { ScanCommand } = await import("@aws-sdk/lib-dynamodb");
    const scan = await h.store.doc.send(new ScanCommand({ TableName: h.store.table }));
    expect(JSON.stringify(scan.Items)).not.toContain(shortCode);
  });

  it("two concurrent accepts give exactly one 200", async () => {
    for (let round = 0; round < 5; round++) {
      const { code } = (await invite()).body;
      const answers = await Promise.all([accept(code), accept(code), accept(code)]);
      expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
      expect(answers.filter((a) => a.status !== 200).map((a) => a.status)).toEqual([410, 410]);
    }
  });

  it("expires after 7 days", async () => {
    const { code } = (await invite()).body;
    h.clock.advance(7 * 86_400_000 + 1);
    try {
      const res = await accept(code);
      expect(res.status).toBe(410);
      expect(res.body.error.message).toContain("hết hạn");
    } finally {
      h.clock.advance(-(7 * 86_400_000 + 1));
    }
  });

  it("stores only the code's hash, and audits creation and acceptance", async () => {
    const { code } = (await invite()).body;
    const { ScanCommand } = await import("@aws-sdk/lib-dynamodb");
    const scan = await h.store.doc.send(new ScanCommand({ TableName: h.store.table }));
    expect(JSON.stringify(scan.Items)).not.toContain(code);
    await accept(code);
    const audit = await h.call("GET", `/api/stalls/${stall.id}/audit`, { token: manager });
    const actions = audit.body.items.map((e: { action: string }) => e.action);
    expect(actions).toContain("invitation.created");
    expect(actions).toContain("invitation.accepted");
    const market = await h.call("GET", "/api/audit?marketId=dong-van", { token: manager });
    expect(market.body.items.map((e: { action: string }) => e.action)).toContain("key.created");
  });

  it("prints a card whose QR is the URL (read back by pdf.js for its text)", async () => {
    const { code, url, shortCode } = (await invite()).body;
    const res = await h.app.request(`/api/stalls/${stall.id}/invitations/${code}/card.pdf`, {
      headers: { authorization: `Bearer ${manager}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    const [text] = await pdfText(new Uint8Array(await res.arrayBuffer()));
    expect(text).toContain("Quầy A-12");
    expect(text).toContain("Giàng Thị Mai");
    expect(text).toContain("quét mã");
    // The typed code, in two groups of four, under the QR.
    expect(text).toContain(`${shortCode.slice(0, 4)} ${shortCode.slice(4)}`);
    expect(url).toContain(code);
    await accept(code);
    const used = await h.call("GET", `/api/stalls/${stall.id}/invitations/${code}/card.pdf`, {
      token: manager,
    });
    expect(used.status).toBe(410);
  });

  it("prints a market's cards, eight to an A4 page, one new invitation per active stall", async () => {
    for (let i = 0; i < 9; i++)
      await h.call("POST", "/api/markets/dong-van/stalls", {
        body: stallInput(`B-${i}`, `77771234560${i}`),
      });
    const res = await h.app.request("/api/markets/dong-van/invitations/cards.pdf", {
      method: "POST",
      headers: { authorization: `Bearer ${manager}` },
    });
    expect(res.status).toBe(200);
    const pages = await pdfText(new Uint8Array(await res.arrayBuffer()));
    expect(pages).toHaveLength(2);
    expect(pages.join(" ").match(/Quầy /g)).toHaveLength(10);
  });
});

describe("OpenAPI", () => {
  it("documents the onboarding routes", async () => {
    const doc = (await h.call("GET", "/api/openapi.json", { token: null })).body;
    for (const path of [
      "/api/stalls/{stallId}/invitations",
      "/api/stalls/{stallId}/invitations/{code}/card.pdf",
      "/api/markets/{id}/invitations/cards.pdf",
      "/api/invitations/{code}/accept",
      "/api/stalls/{stallId}/keys",
      "/api/stalls/{stallId}/keys/{keyId}",
      "/api/stalls/{stallId}/handover",
      "/api/markets/{id}/stalls/handover",
      "/api/markets/{id}/stalls/import/template.csv",
    ])
      expect(doc.paths[path], path).toBeDefined();
    expect(doc.paths["/api/invitations/{code}/accept"].post.security).toBeUndefined();
  });
});

describe("vendor keys of a stall", () => {
  it("its manager lists and revokes them; another market's manager cannot; a revoked key stops working", async () => {
    const { code } = (await invite()).body;
    const { token } = (await accept(code)).body;
    const list = await h.call("GET", `/api/stalls/${stall.id}/keys`, { token: manager });
    expect(list.status).toBe(200);
    const myId = (await h.call("GET", "/api/me", { token })).body.id;
    const mine = list.body.items.find((k: { id: string }) => k.id === myId);
    expect(mine.role).toBe("vendor");
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect((await h.call("GET", `/api/stalls/${stall.id}/keys`, { token: otherManager })).status).toBe(403);
    expect(
      (await h.call("DELETE", `/api/stalls/${stall.id}/keys/${mine.id}`, { token: otherManager })).status,
    ).toBe(403);
    const me = (await h.call("GET", "/api/me", { token: manager })).body;
    expect((await h.call("DELETE", `/api/stalls/${stall.id}/keys/${me.id}`, { token: manager })).status).toBe(
      404,
    );
    const revoked = await h.call("DELETE", `/api/stalls/${stall.id}/keys/${mine.id}`, { token: manager });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toBeTruthy();
    expect((await h.call("GET", "/api/me", { token })).status).toBe(401);
  });
});

describe("QR share counts codes handed over, not printed", () => {
  it("posters and print-all do not set qrIssuedAt; the manager's hand-over does, once, audited", async () => {
    const s = (
      await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("C-1", "66661234567") })
    ).body;
    await h.app.request(`/api/stalls/${s.id}/poster.pdf`, {
      headers: { authorization: `Bearer ${manager}` },
    });
    await h.app.request("/api/markets/dong-van/posters.pdf", {
      headers: { authorization: `Bearer ${manager}` },
    });
    await h.app.request(`/api/stalls/${s.id}/qr.png`, { headers: { authorization: `Bearer ${manager}` } });
    expect((await h.call("GET", `/api/stalls/${s.id}`)).body.qrIssuedAt).toBeNull();
    const handed = await h.call("POST", `/api/stalls/${s.id}/handover`, { token: manager });
    expect(handed.status).toBe(200);
    expect(handed.body.qrIssuedAt).toBe(h.clock.now().toISOString());
    h.clock.advance(60_000);
    const again = await h.call("POST", `/api/stalls/${s.id}/handover`, { token: manager });
    expect(again.body.qrIssuedAt).toBe(handed.body.qrIssuedAt);
    h.clock.advance(-60_000);
    const audit = await h.call("GET", `/api/stalls/${s.id}/audit`, { token: manager });
    expect(
      audit.body.items.filter((e: { action: string }) => e.action === "stall.qrHandedOver"),
    ).toHaveLength(1);
  });

  it("in bulk from the list, skipping suspended stalls; the vendor's first sign-in also counts", async () => {
    const a = (
      await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("D-1", "55551234561") })
    ).body;
    const b = (
      await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("D-2", "55551234562") })
    ).body;
    await h.call("PATCH", `/api/stalls/${b.id}`, { body: { status: "suspended" } });
    const bulk = await h.call("POST", "/api/markets/dong-van/stalls/handover", {
      token: manager,
      body: { stallIds: [a.id, b.id] },
    });
    expect(bulk.body).toEqual({ handedOver: 1 });
    expect((await h.call("GET", `/api/stalls/${b.id}`)).body.qrIssuedAt).toBeNull();
    const c = (
      await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("D-3", "55551234563") })
    ).body;
    const { code } = (await h.call("POST", `/api/stalls/${c.id}/invitations`, { token: manager })).body;
    await accept(code);
    expect((await h.call("GET", `/api/stalls/${c.id}`)).body.qrIssuedAt).toBe(h.clock.now().toISOString());
  });
});
