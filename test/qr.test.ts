import { decode } from "@market40/core/vietqr/payload";
import { decodePng, decodeSvg, pdfText } from "@market40/devkit/oracles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput } from "./support/harness";

let h: Harness;
let stall: { id: string };
const raw = async (path: string, token = h.adminToken, headers: Record<string, string> = {}) =>
  h.app.request(path, { headers: { authorization: `Bearer ${token}`, ...headers } });

beforeAll(async () => {
  h = await harness();
  await h.call("POST", "/api/markets", { body: DONG_VAN });
  stall = (
    await h.call("POST", "/api/markets/dong-van/stalls", {
      body: { ...stallInput("A-12", "8888123456789"), vendorName: "Giàng Thị Mai" },
    })
  ).body;
});
afterAll(() => h.close());

describe("GET /stalls/{id}/qr", () => {
  it("gives a static NAPAS payload for the stall's account", async () => {
    const res = await h.call("GET", `/api/stalls/${stall.id}/qr`);
    expect(res.status).toBe(200);
    expect(res.body.kind).toBe("static");
    expect(res.body.payload).toMatch(/^000201010211/);
    expect(decode(res.body.payload)).toEqual({
      initiation: "static",
      bin: "970405",
      accountNumber: "8888123456789",
      service: "QRIBFTTA",
      merchantName: "GIANG THI MAI",
      additional: { purpose: "Thanh toan A12" },
    });
    expect(res.body.payload).toContain("0010A000000727");
    expect(res.body.payload).toContain("5303704");
    expect(res.body.payload).toContain("5802VN");
    expect(res.body.payload).toMatch(/6304[0-9A-F]{4}$/);
  });

  it("gives a dynamic payload with an amount and a purpose reduced to safe ASCII", async () => {
    const res = await h.call(
      "GET",
      `/api/stalls/${stall.id}/qr?amount=50000&purpose=${encodeURIComponent("Rau cải đắng & măng — Đồng Văn!!")}`,
    );
    expect(res.body.kind).toBe("dynamic");
    const qr = decode(res.body.payload);
    expect(qr).toMatchObject({
      initiation: "dynamic",
      amount: "50000",
      additional: { purpose: "Rau cai dang mang Dong Va" },
    });
    expect(qr.additional!.purpose!.length).toBeLessThanOrEqual(25);
    expect(res.body.payload).toContain("540550000");
  });

  it.each(["0", "-5", "1.5", "12345678901234", "abc", "5e3"])("refuses amount=%s", async (amount) => {
    const res = await h.call("GET", `/api/stalls/${stall.id}/qr?amount=${amount}`);
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].path).toBe("amount");
  });

  it("does not mark the QR as issued: only a hand-over does (test/invitations.test.ts)", async () => {
    expect((await h.call("GET", `/api/stalls/${stall.id}`)).body.qrIssuedAt).toBeNull();
  });
});

describe("QR images", () => {
  it.each([128, 256, 512, 1024])("PNG at %i px decodes back to exactly the payload", async (size) => {
    const { payload } = (await h.call("GET", `/api/stalls/${stall.id}/qr`)).body;
    const res = await raw(`/api/stalls/${stall.id}/qr.png?size=${size}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    const png = new Uint8Array(await res.arrayBuffer());
    expect(decodePng(png)).toBe(payload);
    const { PNG } = await import("pngjs");
    expect(PNG.sync.read(Buffer.from(png)).width).toBe(size);
  });

  it("a dynamic PNG decodes to the dynamic payload", async () => {
    const { payload } = (await h.call("GET", `/api/stalls/${stall.id}/qr?amount=35000`)).body;
    const png = new Uint8Array(
      await (await raw(`/api/stalls/${stall.id}/qr.png?amount=35000&size=400`)).arrayBuffer(),
    );
    expect(decodePng(png)).toBe(payload);
  });

  it("SVG decodes back to exactly the payload", async () => {
    const { payload } = (await h.call("GET", `/api/stalls/${stall.id}/qr`)).body;
    const res = await raw(`/api/stalls/${stall.id}/qr.svg`);
    expect(res.headers.get("content-type")).toBe("image/svg+xml");
    const svg = await res.text();
    expect(svg).toContain('width="512"');
    expect(decodeSvg(svg)).toBe(payload);
  });

  it("does not set qrIssuedAt (printing is not handing over), and caches by ETag", async () => {
    expect((await h.call("GET", `/api/stalls/${stall.id}`)).body.qrIssuedAt).toBeNull();
    h.clock.advance(3600_000);
    const res = await raw(`/api/stalls/${stall.id}/qr.png`);
    expect((await h.call("GET", `/api/stalls/${stall.id}`)).body.qrIssuedAt).toBeNull();
    const etag = res.headers.get("etag")!;
    expect(res.headers.get("cache-control")).toContain("max-age");
    expect(
      (await raw(`/api/stalls/${stall.id}/qr.png`, h.adminToken, { "if-none-match": etag })).status,
    ).toBe(304);
    expect(
      (await raw(`/api/stalls/${stall.id}/qr.png?size=300`, h.adminToken, { "if-none-match": etag })).status,
    ).toBe(200);
  });

  it("refuses sizes out of range", async () => {
    expect((await h.call("GET", `/api/stalls/${stall.id}/qr.png?size=64`)).status).toBe(400);
    expect((await h.call("GET", `/api/stalls/${stall.id}/qr.png?size=5000`)).status).toBe(400);
  });
});

describe("posters", () => {
  it("an A6 poster with the Vietnamese instruction, bank details and the code as extractable text", async () => {
    const res = await raw(`/api/stalls/${stall.id}/poster.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    const pdf = new Uint8Array(await res.arrayBuffer());
    const [text] = await pdfText(pdf);
    for (const s of [
      "Quét mã để thanh toán",
      "Chợ phiên Đồng Văn",
      "A-12",
      "Giàng Thị Mai",
      "Agribank",
      "Giàng Thị Mai",
      "8888 1234 5678 9",
    ])
      expect(text).toContain(s);
    const { PDFDocument } = await import("pdf-lib");
    const doc = await PDFDocument.load(pdf);
    const { width, height } = doc.getPage(0).getSize();
    expect(Math.round((width / 72) * 25.4)).toBe(105);
    expect(Math.round((height / 72) * 25.4)).toBe(148);
    expect(pdf.length).toBeLessThan(60_000);
  });

  it("a market's posters: one page per active stall, in code order", async () => {
    for (const [code, acct] of [
      ["B-02", "2001"],
      ["A-03", "2002"],
      ["C-01", "2003"],
    ] as const)
      await h.call("POST", "/api/markets/dong-van/stalls", {
        body: { ...stallInput(code, acct), vendorName: `Vendor ${code}` },
      });
    const suspended = (
      await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("A-01", "2004") })
    ).body;
    await h.call("PATCH", `/api/stalls/${suspended.id}`, { body: { status: "suspended" } });
    const res = await raw("/api/markets/dong-van/posters.pdf");
    expect(res.status).toBe(200);
    const pages = await pdfText(new Uint8Array(await res.arrayBuffer()));
    expect(pages).toHaveLength(4);
    const codes = pages.map((p) => /Quầy (\S+)/.exec(p)?.[1]);
    expect(codes).toEqual(["A-03", "A-12", "B-02", "C-01"]);
    const list = (await h.call("GET", "/api/markets/dong-van/stalls")).body.items;
    // Printing posters is not handing them over: no stall counts as having its QR (issue 16).
    for (const s of list) expect(s.qrIssuedAt).toBeNull();
  });

  it("a suspended stall gets no payment code", async () => {
    const s = (await h.call("GET", "/api/markets/dong-van/stalls")).body.items.find(
      (x: { status: string }) => x.status === "suspended",
    );
    expect((await h.call("GET", `/api/stalls/${s.id}/qr`)).status).toBe(409);
    expect((await h.call("GET", `/api/stalls/${s.id}/poster.pdf`)).status).toBe(409);
  });
});

describe("access", () => {
  it("the stall's vendor may fetch its code and poster; another vendor and the liaison may not", async () => {
    const own = await h.token("vendor", { stallId: stall.id, marketId: "dong-van" });
    const other = (await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("Z-9", "3001") }))
      .body;
    const otherVendor = await h.token("vendor", { stallId: other.id, marketId: "dong-van" });
    const liaison = await h.token("liaison");
    for (const path of ["qr", "qr.png", "qr.svg", "poster.pdf"]) {
      expect((await raw(`/api/stalls/${stall.id}/${path}`, own)).status).toBe(200);
      expect((await raw(`/api/stalls/${stall.id}/${path}`, otherVendor)).status).toBe(403);
      expect((await raw(`/api/stalls/${stall.id}/${path}`, liaison)).status).toBe(403);
      expect((await h.app.request(`/api/stalls/${stall.id}/${path}`)).status).toBe(401);
    }
    expect((await raw("/api/markets/dong-van/posters.pdf", own)).status).toBe(403);
    expect(
      (await raw("/api/markets/dong-van/posters.pdf", await h.token("manager", { marketId: "dong-van" })))
        .status,
    ).toBe(200);
    expect(
      (await raw("/api/markets/dong-van/posters.pdf", await h.token("manager", { marketId: "meo-vac" })))
        .status,
    ).toBe(403);
  });
});
