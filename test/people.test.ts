import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness } from "./support/harness";

/** People who sign in as themselves (docs/contract.md §19), on DynamoDB Local through the HTTP app. */
let h: Harness;
let manager: string;
let otherManager: string;
let liaison: string;

beforeAll(async () => {
  h = await harness();
  await h.call("POST", "/api/markets", { body: DONG_VAN });
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "meo-vac", name: "Chợ Mèo Vạc" } });
  manager = await h.token("manager", { marketId: "dong-van" });
  otherManager = await h.token("manager", { marketId: "meo-vac" });
  liaison = await h.token("liaison");
});
afterAll(() => h.close());

const SON = { name: "Hoàng Văn Sơn", phone: "0912 345 678", role: "manager", marketId: "dong-van" };

describe("people (§19)", () => {
  it("an admin adds a manager, a liaison and an admin; each is active and audited under the admin's key", async () => {
    const res = await h.call("POST", "/api/people", { body: SON });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: "Hoàng Văn Sơn",
      phone: "0912345678",
      role: "manager",
      marketId: "dong-van",
      status: "active",
    });
    for (const body of [
      { name: "Lò Thị Hoa", role: "liaison", province: "Hà Giang" },
      { name: "Nguyễn Minh Đức", role: "admin" },
    ])
      expect((await h.call("POST", "/api/people", { body })).status).toBe(201);
    const audit = await h.call("GET", "/api/audit?marketId=dong-van");
    const entry = audit.body.items.find(
      (e: { action: string; entity: { id: string } }) =>
        e.action === "person.created" && e.entity.id === res.body.id,
    );
    expect(entry.actor.role).toBe("admin");
    expect(entry.after.phone).toBe("******5678");
  });

  it("rejects a manager without a market or with an unknown one, a market on a liaison, a province on a manager", async () => {
    for (const body of [
      { name: "A", role: "manager" },
      { name: "A", role: "manager", marketId: "nowhere" },
      { name: "A", role: "liaison", marketId: "dong-van" },
      { name: "A", role: "manager", marketId: "dong-van", province: "Hà Giang" },
      { name: "A", role: "vendor" },
      { name: "A", role: "manager", marketId: "dong-van", phone: "12345" },
    ]) {
      const res = await h.call("POST", "/api/people", { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it("a market's manager adds its own co-managers only; liaisons, vendors and devices add no one", async () => {
    const own = await h.call("POST", "/api/people", {
      token: manager,
      body: { ...SON, name: "Vàng Thị Dung" },
    });
    expect(own.status).toBe(201);
    expect(own.body.createdBy).not.toBe("");
    const other = await h.call("POST", "/api/people", { token: otherManager, body: SON });
    expect(other.status).toBe(403);
    const liaisonByManager = await h.call("POST", "/api/people", {
      token: manager,
      body: { name: "X", role: "liaison" },
    });
    expect(liaisonByManager.status).toBe(403);
    const device = await h.token("device", { marketId: "dong-van" });
    for (const token of [liaison, device])
      expect((await h.call("POST", "/api/people", { token, body: SON })).status).toBe(403);
  });

  it("lists: the admin everyone, a manager its own market's managers with phones masked", async () => {
    const all = await h.call("GET", "/api/people");
    expect(all.status).toBe(200);
    expect(all.body.items.map((p: { role: string }) => p.role).sort()).toEqual(
      ["admin", "liaison", "manager", "manager"].sort(),
    );
    const mine = await h.call("GET", "/api/people", { token: manager });
    expect(mine.body.items.length).toBe(2);
    expect(mine.body.items.every((p: { marketId: string }) => p.marketId === "dong-van")).toBe(true);
    expect(mine.body.items.find((p: { phone?: string }) => p.phone)?.phone).toBe("******5678");
    expect((await h.call("GET", "/api/people?marketId=dong-van", { token: otherManager })).status).toBe(403);
    expect((await h.call("GET", "/api/people", { token: otherManager })).body.items).toEqual([]);
    expect((await h.call("GET", "/api/people", { token: liaison })).status).toBe(403);
  });

  it("suspends: another market's manager may not, the market's manager may, again is no change; audited", async () => {
    const son = (await h.call("POST", "/api/people", { body: SON })).body;
    const admin = (await h.call("GET", "/api/people")).body.items.find(
      (p: { role: string }) => p.role === "admin",
    );
    expect((await h.call("POST", `/api/people/${son.id}/suspend`, { token: otherManager })).status).toBe(403);
    expect((await h.call("POST", `/api/people/${admin.id}/suspend`, { token: manager })).status).toBe(403);
    const res = await h.call("POST", `/api/people/${son.id}/suspend`, { token: manager });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("suspended");
    const again = await h.call("POST", `/api/people/${son.id}/suspend`);
    expect(again.body.suspendedAt).toBe(res.body.suspendedAt);
    const audit = await h.call("GET", "/api/audit?marketId=dong-van");
    const suspensions = audit.body.items.filter(
      (e: { action: string; entity: { id: string } }) =>
        e.action === "person.suspended" && e.entity.id === son.id,
    );
    expect(suspensions).toHaveLength(1);
    expect(suspensions[0].actor.role).toBe("manager");
    expect((await h.call("POST", "/api/people/nobody/suspend")).status).toBe(404);
  });

  it("answers in Vietnamese by default", async () => {
    const res = await h.call("POST", "/api/people", { token: liaison, body: SON });
    expect(res.body.error.message).toBe("Tài khoản này không được thêm người này");
  });
});
