import { request as httpRequest } from "node:http";
import { serve } from "@hono/node-server";
import { createApp } from "@market40/functions/api/app";
import { createLocalApp } from "@market40/functions/local/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput } from "./support/harness";

/** Issue 15: malformed input is a 4xx with the error envelope, never a 5xx (docs/contract.md §12). */
let h: Harness;
beforeAll(async () => {
  h = await harness();
  await h.call("POST", "/api/markets", { body: DONG_VAN });
  await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("A-1", "1001") });
});
afterAll(() => h.close());

const b64 = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;
const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;

function envelope(body: unknown) {
  expect(body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
}

describe("malformed input answers 4xx with the envelope", () => {
  it.each(["payos", "casso", "sepay", "generic"])("10,000-deep JSON to %s", async (provider) => {
    for (const text of [
      deep(10_000),
      deepObject(10_000),
      `{"code":"00","desc":"success","success":true,"data":${deepObject(10_000)},"signature":"00"}`,
      `{"error":0,"data":${deepObject(10_000)}}`,
      `{"error":0,"data":{"id":1,"x":${deep(10_000)}}}`,
    ]) {
      const res = await h.app.request(`/api/callbacks/${provider}`, {
        method: "POST",
        body: text,
        headers: { "content-type": "application/json" },
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      envelope(await res.json());
    }
  });

  it("callbacks refuse content types other than JSON with 415", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", ""]) {
      const res = await h.app.request("/api/callbacks/generic", {
        method: "POST",
        body: "{}",
        headers: type ? { "content-type": type } : {},
      });
      expect(res.status, type).toBe(415);
      envelope(await res.json());
    }
  });

  it.each([
    "%%%",
    "abc",
    b64("not json"),
    b64({ m: 5 }),
    b64({ m: "2026-11", k: "{" }),
    b64({ m: "2026-11", k: JSON.stringify({ pk: 1e300 }) }),
    b64({ m: "2026-11", k: JSON.stringify({ pk: "x", sk: "y" }) }),
    b64(`{"pk":9007199254740993,"sk":123456789012345678901234567890}`),
    b64("9007199254740993"),
    b64({ after: 123 }),
    b64({ after: "nope" }),
    b64([1, 2]),
    b64({ pk: "KEYS", sk: "x", gsi1pk: "x", gsi1sk: "y" }),
  ])("cursor %s on every list", async (cursor) => {
    for (const path of [
      "/api/markets/dong-van/transactions?from=2026-11-01&to=2026-11-30",
      "/api/markets/dong-van/stalls",
      "/api/keys",
      "/api/callbacks/unmatched",
      "/api/markets",
    ]) {
      const res = await h.call(
        "GET",
        `${path}${path.includes("?") ? "&" : "?"}cursor=${encodeURIComponent(cursor)}`,
      );
      // A cursor this API did not issue is refused, or (when it happens to name a valid position) followed.
      expect(res.status, `${path} ${cursor}`).toBeLessThan(500);
      if (res.status >= 400) envelope(res.body);
    }
  });

  it("GET /api/keys pages with cursors that carry no token hash", async () => {
    for (let i = 0; i < 3; i++) await h.token("liaison");
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await h.call("GET", `/api/keys?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      const body = res.body as { items: { id: string }[]; nextCursor?: string };
      seen.push(...body.items.map((k) => k.id));
      cursor = body.nextCursor;
      if (cursor) expect(Buffer.from(cursor, "base64url").toString()).not.toMatch(/KEY#|[0-9a-f]{64}/);
    } while (cursor);
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("Authorization: bearer in any letter case", async () => {
    for (const scheme of ["bearer", "BEARER", "BeArEr", "Bearer"]) {
      const res = await h.app.request("/api/markets", {
        headers: { authorization: `${scheme} ${h.adminToken}` },
      });
      expect(res.status, scheme).toBe(200);
    }
  });

  it("an unknown /api path answers 404 JSON for any method, with a key or without one", async () => {
    for (const method of ["GET", "POST", "PUT", "DELETE", "PATCH"])
      for (const headers of [{ authorization: `Bearer ${h.adminToken}` }, {} as Record<string, string>]) {
        const res = await h.app.request("/api/no-such-thing/x", { method, headers });
        expect(res.status).toBe(404);
        envelope(await res.json());
      }
    // A path that exists still asks for a key first.
    expect((await h.app.request("/api/markets")).status).toBe(401);
  });
});

describe("the local server (API and web UI on one origin)", () => {
  it("answers an unknown /api path with 404 JSON, not the web app's page", async () => {
    const site = createLocalApp(h.deps);
    for (const method of ["GET", "POST", "DELETE"])
      for (const path of ["/api/no-such-thing", "/api/markets/dong-van/nothing/here", "/api"]) {
        const res = await site.request(path, {
          method,
          headers: { authorization: `Bearer ${h.adminToken}` },
        });
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.headers.get("content-type")).toMatch(/json/);
        envelope(await res.json());
      }
    // The web app's own client-side routes still get its page.
    expect((await site.request("/markets/dong-van")).headers.get("content-type")).toMatch(/html/);
  });
});

describe("a client that goes away mid-upload", () => {
  it("is not a 503 nor 'store unavailable', and logs no error or stack trace", async () => {
    const lines: { level: string; message: string; extra?: unknown }[] = [];
    const logger = {
      info: (message: string, extra?: unknown) => lines.push({ level: "info", message, extra }),
      warn: (message: string, extra?: unknown) => lines.push({ level: "warn", message, extra }),
      error: (message: string, extra?: unknown) => lines.push({ level: "error", message, extra }),
      debug: () => {},
    };
    const app = createApp({ ...h.deps, logger: logger as never });
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise((r) => server.once("listening", r));
    const port = (server.address() as { port: number }).port;
    try {
      for (const path of ["/api/markets/dong-van/stalls/import", "/api/callbacks/generic"]) {
        lines.length = 0;
        const req = httpRequest({
          host: "127.0.0.1",
          port,
          path,
          method: "POST",
          headers: {
            authorization: `Bearer ${h.adminToken}`,
            "content-type": path.endsWith("import") ? "text/csv" : "application/json",
            "content-length": "60000",
          },
        });
        req.on("error", () => {});
        req.write("code,vendorName,phone,category,bankBin,accountNumber,accountName\n");
        await new Promise((r) => setTimeout(r, 100));
        req.destroy();
        // The server notices the abort and answers (to nobody); give it the time to log.
        for (let i = 0; i < 50 && !lines.some((l) => l.message === "request"); i++)
          await new Promise((r) => setTimeout(r, 20));
        const request = lines.find((l) => l.message === "request");
        expect(request, path).toBeDefined();
        expect((request!.extra as { status: number }).status, path).toBe(400);
        expect(
          lines.filter((l) => l.level !== "info"),
          path,
        ).toEqual([]);
        expect(JSON.stringify(lines)).not.toMatch(/store unavailable|\bat .+:\d+/);
      }
    } finally {
      server.close();
    }
  });
});
