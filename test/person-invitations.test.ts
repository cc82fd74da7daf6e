import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness } from "./support/harness";

/** A person's invitations (docs/contract.md §19): the vendor invitation's lifecycle (§13) for every role. */
let h: Harness;
let manager: string;
let otherManager: string;
let son: { id: string };

beforeAll(async () => {
  h = await harness();
  await h.call("POST", "/api/markets", { body: DONG_VAN });
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "meo-vac", name: "Chợ Mèo Vạc" } });
  manager = await h.token("manager", { marketId: "dong-van" });
  otherManager = await h.token("manager", { marketId: "meo-vac" });
  son = (
    await h.call("POST", "/api/people", {
      body: { name: "Hoàng Văn Sơn", phone: "0912345678", role: "manager", marketId: "dong-van" },
    })
  ).body;
});
afterAll(() => h.close());

const invite = (personId: string, token?: string, body: unknown = {}) =>
  h.call("POST", `/api/people/${personId}/invitations`, { token, body });
const open = (code: string) => h.call("GET", `/api/join/${code}`, { token: null });

describe("a person's invitation (§19)", () => {
  it("is a link, a QR's address and a short code, valid 24 h, naming whom it is for (never the phone)", async () => {
    const res = await invite(son.id);
    expect(res.status).toBe(201);
    expect(res.body.purpose).toBe("join");
    expect(res.body.url).toBe(`http://localhost/#/join/${res.body.code}`);
    expect(res.body.shortCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(Date.parse(res.body.expiresAt) - h.clock.now().getTime()).toBe(24 * 3_600_000);
    const opened = await open(res.body.code);
    expect(opened.status).toBe(200);
    expect(opened.body).toEqual({
      purpose: "join",
      name: "Hoàng Văn Sơn",
      role: "manager",
      marketId: "dong-van",
      marketName: "Chợ phiên Đồng Văn",
      expiresAt: res.body.expiresAt,
    });
    const typed = `${res.body.shortCode.slice(0, 4).toLowerCase()}-${res.body.shortCode.slice(4)}`;
    expect((await open(typed)).body.name).toBe("Hoàng Văn Sơn");
    expect((await open("AAAAAAAAAAAAAAAAAAAAAA")).status).toBe(404);
  });

  it("only the newest works; cancelled by the inviter it is 410; listed without its code", async () => {
    const first = (await invite(son.id, manager)).body;
    const second = (await invite(son.id, manager)).body;
    expect((await open(first.code)).status).toBe(410);
    const listed = await h.call("GET", `/api/people/${son.id}/invitations`, { token: manager });
    expect(listed.body.items.map((i: { id: string }) => i.id)).toEqual([second.id]);
    expect(JSON.stringify(listed.body)).not.toContain(second.code);
    expect(
      (await h.call("DELETE", `/api/people/${son.id}/invitations/${second.id}`, { token: otherManager }))
        .status,
    ).toBe(403);
    expect(
      (await h.call("DELETE", `/api/people/${son.id}/invitations/${second.id}`, { token: manager })).status,
    ).toBe(204);
    const gone = await open(second.code);
    expect(gone.status).toBe(410);
    expect(gone.body.error.message).toBe("Lời mời này đã bị huỷ; hãy xin lời mời mới");
    expect((await h.call("GET", `/api/people/${son.id}/invitations`, { token: manager })).body.items).toEqual(
      [],
    );
  });

  it("expires after 24 hours", async () => {
    const { code } = (await invite(son.id)).body;
    h.clock.advance(24 * 3_600_000);
    expect((await open(code)).status).toBe(410);
  });

  it("dies with its maker's access: the inviting key revoked", async () => {
    const created = (await h.call("POST", "/api/keys", { body: { role: "manager", marketId: "dong-van" } }))
      .body;
    const { code } = (await invite(son.id, created.token)).body;
    expect((await open(code)).status).toBe(200);
    await h.call("DELETE", `/api/keys/${created.id}`);
    const res = await open(code);
    expect(res.status).toBe(410);
    expect(res.body.error.message).toContain("người mời không còn quyền");
  });

  it("recovery is an admin's only; another market's manager invites no one; a suspended person gets none", async () => {
    expect((await invite(son.id, manager, { purpose: "recovery" })).status).toBe(403);
    expect((await invite(son.id, otherManager)).status).toBe(403);
    const recovery = await invite(son.id, undefined, { purpose: "recovery" });
    expect(recovery.status).toBe(201);
    expect((await open(recovery.body.code)).body.purpose).toBe("recovery");
    await h.call("POST", `/api/people/${son.id}/suspend`);
    expect((await open(recovery.body.code)).status).toBe(410);
    expect((await invite(son.id)).status).toBe(409);
  });

  it("is audited under the inviter, on the person", async () => {
    const audit = await h.call("GET", "/api/audit?marketId=dong-van");
    const created = audit.body.items.filter(
      (e: { action: string; entity: { kind: string } }) =>
        e.action === "invitation.created" && e.entity.kind === "person",
    );
    expect(created.length).toBeGreaterThanOrEqual(5);
    expect(
      audit.body.items.some(
        (e: { action: string; entity: { kind: string } }) =>
          e.action === "invitation.cancelled" && e.entity.kind === "person",
      ),
    ).toBe(true);
  });

  it("a vendor's accept route never takes a person's code", async () => {
    const other = (
      await h.call("POST", "/api/people", {
        body: { name: "Lò Thị Hoa", role: "liaison", province: "Hà Giang" },
      })
    ).body;
    const { code } = (await invite(other.id)).body;
    expect((await h.call("POST", `/api/invitations/${code}/accept`, { token: null })).status).toBe(404);
    expect((await open(code)).status).toBe(200);
  });
});
