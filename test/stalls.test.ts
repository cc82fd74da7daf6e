import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput } from "./support/harness";

let h: Harness;
beforeAll(async () => {
  h = await harness();
  await h.call("POST", "/api/markets", { body: DONG_VAN });
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "meo-vac", name: "Chợ phiên Mèo Vạc" } });
});
afterAll(() => h.close());

describe("stalls", () => {
  it("registers a stall with the contract's fields", async () => {
    const res = await h.call("POST", "/api/markets/dong-van/stalls", {
      body: stallInput("A-12", "8888123456789"),
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      code: "A-12",
      vendorName: "Giàng Thị Mai",
      phone: "0912345678",
      category: "rau",
      marketId: "dong-van",
      status: "active",
      qrIssuedAt: null,
      createdAt: "2026-11-26T03:00:00.000Z",
      bank: {
        bin: "970405",
        accountNumber: "8888123456789",
        accountName: "Giàng Thị Mai",
        bankName: "Agribank",
      },
    });
    expect(res.body.id).toMatch(/^[0-9a-z]{26}$/);
    const read = await h.call("GET", `/api/stalls/${res.body.id}`);
    expect(read.body).toEqual(res.body);
  });

  it("refuses an unknown BIN and a bad account with the contract's issue paths", async () => {
    const bin = await h.call("POST", "/api/markets/dong-van/stalls", {
      body: stallInput("B-1", "123", "999999"),
    });
    expect(bin.status).toBe(400);
    expect(bin.body.error.issues.map((i: { path: string }) => i.path)).toContain("bank.bin");
    for (const accountNumber of ["", "12345678901234567890", "12/34", "12_34", "Đ123", "8,88801E+12"]) {
      const res = await h.call("POST", "/api/markets/dong-van/stalls", {
        body: stallInput("B-2", accountNumber),
      });
      expect(res.status, accountNumber).toBe(400);
      expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain("bank.accountNumber");
    }
    const phone = await h.call("POST", "/api/markets/dong-van/stalls", {
      body: { ...stallInput("B-3", "5551"), phone: "12345" },
    });
    expect(phone.status).toBe(400);
    expect(phone.body.error.issues[0].path).toBe("phone");
  });

  it("409s a duplicate code in the market and a duplicate account anywhere, writing nothing", async () => {
    const code = await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("a-12", "1111") });
    expect(code.status).toBe(409);
    expect(code.body.error.issues[0].path).toBe("code");
    const account = await h.call("POST", "/api/markets/meo-vac/stalls", {
      body: stallInput("Z-1", "8888123456789"),
    });
    expect(account.status).toBe(409);
    expect(account.body.error.issues[0].path).toBe("bank.accountNumber");
    // Same account number at another bank is a different account.
    expect(
      (
        await h.call("POST", "/api/markets/meo-vac/stalls", {
          body: stallInput("Z-1", "8888123456789", "970436"),
        })
      ).status,
    ).toBe(201);
    // The failed attempts left nothing: 'Z-1' (the 409 above) was free for the next stall; 1111 is still free.
    expect(
      (await h.call("POST", "/api/markets/meo-vac/stalls", { body: stallInput("Z-2", "1111") })).status,
    ).toBe(201);
    // Same code in another market is fine.
    expect(
      (await h.call("POST", "/api/markets/meo-vac/stalls", { body: stallInput("A-12", "2222") })).status,
    ).toBe(201);
  });

  it("masks phone and account numbers in lists only", async () => {
    const list = await h.call("GET", "/api/markets/dong-van/stalls");
    expect(list.status).toBe(200);
    const stall = list.body.items.find((s: { code: string }) => s.code === "A-12");
    expect(stall.bank.accountNumber).toBe("*********6789");
    expect(stall.phone).toBe("******5678");
    expect(JSON.stringify(list.body)).not.toContain("8888123456789");
    expect(JSON.stringify(list.body)).not.toContain("0912345678");
  });

  it("updates, moves the uniqueness guards, and suspends", async () => {
    const created = await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("C-1", "3333") });
    const id = created.body.id;
    const moved = await h.call("PATCH", `/api/stalls/${id}`, {
      body: {
        code: "C-2",
        bank: { bin: "971005", accountNumber: "0987654321", accountName: "Giàng Thị Mai" },
      },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      code: "C-2",
      bank: { bankName: "ViettelMoney", accountNumber: "0987654321" },
    });
    // The old code and account are free again; the new ones are taken.
    expect(
      (await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("C-1", "3333") })).status,
    ).toBe(201);
    expect(
      (await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("C-2", "4444") })).status,
    ).toBe(409);
    expect((await h.call("PATCH", `/api/stalls/${id}`, { body: { code: "A-12" } })).status).toBe(409);
    const suspended = await h.call("PATCH", `/api/stalls/${id}`, {
      body: { status: "suspended", phone: null },
    });
    expect(suspended.body.status).toBe("suspended");
    expect(suspended.body.phone).toBeUndefined();
    expect((await h.call("PATCH", `/api/stalls/${id}`, { body: { status: "closed" } })).status).toBe(400);
    expect((await h.call("PATCH", "/api/stalls/nope", { body: { status: "active" } })).status).toBe(404);
  });

  it("pages stalls in code order", async () => {
    for (let i = 10; i < 16; i++)
      await h.call("POST", "/api/markets/meo-vac/stalls", { body: stallInput(`P-${i}`, `90${i}`) });
    const codes: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await h.call(
        "GET",
        `/api/markets/meo-vac/stalls?limit=3${cursor ? `&cursor=${cursor}` : ""}`,
      );
      codes.push(...res.body.items.map((s: { code: string }) => s.code));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(codes).toEqual([...codes].sort());
    expect(codes).toHaveLength(9);
  });

  it("404s stalls of a market that does not exist", async () => {
    expect(
      (await h.call("POST", "/api/markets/nowhere/stalls", { body: stallInput("A-1", "1") })).status,
    ).toBe(404);
    expect((await h.call("GET", "/api/stalls/01abc")).status).toBe(404);
  });
});
