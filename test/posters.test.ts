import { SYSTEM } from "@market40/core/audit/audit";
import * as Stall from "@market40/core/stall/stall";
import { pdfText } from "@market40/devkit/oracles";
import { workerPosterRenderer } from "@market40/functions/local/posterRenderer";
import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness } from "./support/harness";

/** Batch posters in parts of at most 200 stalls (docs/contract.md §12), never a body over 4 MiB. */
const MAX_BODY = 4 * 1024 * 1024;
let h: Harness;
const N = 450;
const code = (i: number) => `P-${String(i).padStart(3, "0")}`;

beforeAll(async () => {
  h = await harness();
  await h.call("POST", "/api/markets", { body: DONG_VAN });
  await Stall.registerMany(
    h.store,
    h.clock,
    SYSTEM,
    "dong-van",
    Array.from({ length: N }, (_, i) => ({
      code: code(N - 1 - i), // registered out of order: parts follow stall codes, not registration
      vendorName: "Người bán",
      bank: { bin: "970405", accountNumber: `77${String(i).padStart(6, "0")}`, accountName: "NGUOI BAN" },
    })),
  );
}, 120_000);
afterAll(() => h.close());

const raw = (path: string) => h.app.request(path, { headers: { authorization: `Bearer ${h.adminToken}` } });

async function pages(res: Response): Promise<number> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  expect(bytes.length).toBeLessThanOrEqual(MAX_BODY);
  return (await PDFDocument.load(bytes)).getPageCount();
}

describe("posters in parts", () => {
  it("lists parts of at most 200 stalls in stall-code order, each URL an A6 PDF of that part", async () => {
    const list = await h.call("GET", "/api/markets/dong-van/posters");
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      parts: [
        { url: "/api/markets/dong-van/posters.pdf?part=1", stalls: 200, from: code(0), to: code(199) },
        { url: "/api/markets/dong-van/posters.pdf?part=2", stalls: 200, from: code(200), to: code(399) },
        { url: "/api/markets/dong-van/posters.pdf?part=3", stalls: 50, from: code(400), to: code(449) },
      ],
    });
    const last = await raw(list.body.parts[2].url);
    expect(last.status).toBe(200);
    expect(last.headers.get("content-type")).toBe("application/pdf");
    const text = await pdfText(new Uint8Array(await last.arrayBuffer()));
    expect(text.map((p) => /Quầy (\S+)/.exec(p)?.[1])).toEqual(
      Array.from({ length: 50 }, (_, i) => code(400 + i)),
    );
    expect((await raw("/api/markets/dong-van/posters.pdf?part=4")).status).toBe(404);
    for (const bad of ["0", "-1", "x", "1e400", "99999999999999999999"])
      expect((await raw(`/api/markets/dong-van/posters.pdf?part=${bad}`)).status).toBe(400);
  }, 60_000);

  it("posters.pdf answers the first part only, with a Link to the list", async () => {
    const res = await raw("/api/markets/dong-van/posters.pdf");
    expect(res.status).toBe(200);
    expect(res.headers.get("link")).toBe('</api/markets/dong-van/posters>; rel="index"');
    expect(await pages(res)).toBe(200);
    // Printing is not handing over (issue 16): no stall's QR counts as issued.
    const stalls = await Stall.allOfMarket(h.store, "dong-van");
    expect(stalls.filter((s) => s.qrIssuedAt)).toEqual([]);
  }, 60_000);

  it("the worker-thread renderer makes the same posters off the event loop", async () => {
    const render = workerPosterRenderer();
    try {
      const stalls = (await Stall.allOfMarket(h.store, "dong-van")).slice(0, 20);
      const contents = stalls.map((stall) => ({ marketName: "Chợ", stall, payload: "000201" }));
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      const [a, b] = await Promise.all([render("a", contents, {}), render("b", contents.slice(0, 3), {})]);
      clearInterval(timer);
      expect((await PDFDocument.load(a)).getPageCount()).toBe(20);
      expect((await PDFDocument.load(b)).getPageCount()).toBe(3);
      expect(ticks).toBeGreaterThan(0); // the event loop ran while the worker rendered
    } finally {
      await render.close();
    }
  }, 60_000);
});
