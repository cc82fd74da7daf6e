import { createApp } from "@market40/functions/api/app";
import { RateLimiter } from "@market40/functions/api/rateLimit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, harness } from "./support/harness";

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(() => h.close());

describe("rate limits", () => {
  it("answers 429 to an address that keeps guessing tokens; a valid key on it still passes (issue 23)", async () => {
    const app = createApp({
      ...h.deps,
      config: { ...h.deps.config, rateLimits: { failedAuthPerIp: 5, requestsPerKey: 1000 } },
    });
    const call = (token: string) => app.request("/api/me", { headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 5; i++) expect((await call(`m40_guess_${i}_xxxxxxxx`)).status).toBe(401);
    const blocked = await call("m40_guess_6_xxxxxxxx");
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await blocked.json()).error.code).toBe("rate_limited");
    expect((await call(h.adminToken)).status).toBe(200);
  });

  it("counts guessed invitation codes as failed sign-ins: the typed code cannot be guessed faster than a key", async () => {
    const app = createApp({
      ...h.deps,
      config: { ...h.deps.config, rateLimits: { failedAuthPerIp: 5, requestsPerKey: 1000 } },
    });
    const accept = (code: string) => app.request(`/api/invitations/${code}/accept`, { method: "POST" });
    // Typed codes are 8 base32 characters: each unknown one is a 404 and counts.
    for (let i = 0; i < 5; i++) expect((await accept(`K7QF3MX${i}`)).status).toBe(404);
    const blocked = await accept("K7QF3MX9");
    expect(blocked.status).toBe(429);
    expect((await blocked.json()).error.code).toBe("rate_limited");
    // The same address's failed key attempts are in the same count; a valid key still passes.
    const me = (token: string) => app.request("/api/me", { headers: { authorization: `Bearer ${token}` } });
    expect((await me("m40_guess_after_codes_x")).status).toBe(429);
    expect((await me(h.adminToken)).status).toBe(200);
  });

  it("slows down one key making too many requests, not the others", async () => {
    const app = createApp({
      ...h.deps,
      config: { ...h.deps.config, rateLimits: { failedAuthPerIp: 100, requestsPerKey: 3 } },
    });
    const other = await h.token("liaison");
    const call = (token: string) => app.request("/api/me", { headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 3; i++) expect((await call(h.adminToken)).status).toBe(200);
    expect((await call(h.adminToken)).status).toBe(429);
    expect((await call(other)).status).toBe(200);
  });

  it("opens again after the window", () => {
    let now = 0;
    const limiter = new RateLimiter(2, 60_000, () => now);
    expect([limiter.hit("a"), limiter.hit("a"), limiter.hit("a")]).toEqual([0, 0, 60]);
    now = 59_000;
    expect(limiter.blocked("a")).toBe(1);
    now = 60_000;
    expect(limiter.blocked("a")).toBe(0);
    expect(limiter.hit("a")).toBe(0);
  });
});
