import type { ServerType } from "@hono/node-server";
import { fixedClock } from "@market40/core/clock";
import { createStore } from "@market40/core/store/client";
import { freePort } from "@market40/devkit/dynamodbLocal";
import { createApp } from "@market40/functions/api/app";
import { listen } from "@market40/functions/local/server";
import { silentLogger } from "@market40/functions/log";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, TEST_PAYER_KEY, TEST_SECRETS } from "./support/harness";

let h: Harness;
let server: ServerType;
let base: string;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  h = await harness();
  const capture = {
    info: (message: string, extra: object) => lines.push({ message, ...extra }),
    warn: () => {},
    error: () => {},
    debug: () => {},
  };
  const port = await freePort();
  server = await listen({ ...h.deps, logger: capture as never }, port, "127.0.0.1");
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await h.close();
});

describe("over real HTTP", () => {
  it("answers health with the store's reachability", async () => {
    const res = await fetch(`${base}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", store: "ok" });
  });

  it("creates and reads a market, logging one line per request without the token", async () => {
    lines.length = 0;
    const auth = { authorization: `Bearer ${h.adminToken}`, "content-type": "application/json" };
    const created = await fetch(`${base}/api/markets`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify(DONG_VAN),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("x-request-id")).toBeTruthy();
    const read = await fetch(`${base}/api/markets/dong-van`, { headers: auth });
    expect((await read.json()).name).toBe("Chợ phiên Đồng Văn");
    const requests = lines.filter((l) => l.message === "request");
    expect(requests).toHaveLength(2);
    expect(requests[1]).toMatchObject({
      method: "GET",
      route: "/api/markets/:id",
      status: 200,
      role: "admin",
    });
    expect(typeof requests[1]!.latencyMs).toBe("number");
    expect(JSON.stringify(lines)).not.toContain(h.adminToken);
  });

  it("serves the OpenAPI 3.1 document with every route", async () => {
    const doc = await (await fetch(`${base}/api/openapi.json`)).json();
    expect(doc.openapi).toBe("3.1.0");
    for (const path of [
      "/api/markets",
      "/api/markets/{id}/sessions",
      "/api/markets/{id}/stalls",
      "/api/markets/{id}/stalls/import",
      "/api/stalls/{stallId}",
      "/api/keys",
      "/api/health",
    ])
      expect(Object.keys(doc.paths)).toContain(path);
    expect(doc.components.schemas.MarketInput).toBeDefined();
  });

  it("serves the web app shell", async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Chợ 4.0");
  });

  it("404s unknown API routes with the error envelope", async () => {
    const res = await fetch(`${base}/api/health/nope`);
    expect([401, 404]).toContain(res.status);
    expect((await res.json()).error.code).toMatch(/not_found|unauthorized/);
  });
});

/** The app over a store endpoint where nothing listens. */
async function appOnDeadStore(now: string) {
  const port = await freePort();
  const config = {
    tableName: "t",
    endpoint: `http://127.0.0.1:${port}`,
    secrets: TEST_SECRETS,
    payerKey: TEST_PAYER_KEY,
    stage: "test",
  };
  const clock = fixedClock(now);
  const app = createApp({
    store: createStore(config, { maxAttempts: 1 }),
    clock,
    config,
    logger: silentLogger,
  });
  return { app, clock };
}

describe("when the store is down", () => {
  it("answers 503 with the envelope and a Retry-After, never a stack trace", async () => {
    const { app } = await appOnDeadStore("2026-11-26T00:00:00Z");
    const health = await app.request("/api/health");
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: "unavailable", store: "unreachable" });
    const res = await app.request("/api/markets", { headers: { authorization: `Bearer ${h.adminToken}` } });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    const body = await res.json();
    expect(body.error.code).toBe("unavailable");
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe("callbacks when the store is down", () => {
  it("answer 503 so the provider retries; nothing is acknowledged", async () => {
    const { signGeneric, genericBody } = await import("@market40/devkit/signing");
    const { app, clock } = await appOnDeadStore("2026-11-29T00:00:00Z");
    const body = genericBody();
    const res = await app.request("/api/callbacks/generic", {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-signature": signGeneric(TEST_SECRETS.generic, body, clock.now()),
      },
    });
    expect(res.status).toBe(503);
    expect((await res.json()).error.code).toBe("unavailable");
  });
});
