import type { ServerType } from "@hono/node-server";
import { freePort } from "@market40/devkit/dynamodbLocal";
import { listen } from "@market40/functions/local/server";
import { startSimulator } from "@market40/functions/local/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput } from "./support/harness";

let h: Harness;
let server: ServerType;
let base: string;
const refused: unknown[] = [];

beforeAll(async () => {
  h = await harness("2026-11-29T01:00:00Z"); // Sunday 08:00 in Vietnam: Đồng Văn's market is on
  await h.call("POST", "/api/markets", { body: DONG_VAN });
  for (let i = 1; i <= 5; i++)
    await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput(`A-${i}`, `12300${i}`) });
  const port = await freePort();
  const logger = { info() {}, error() {}, debug() {}, warn: (...args: unknown[]) => refused.push(args) };
  server = await listen({ ...h.deps, logger }, port, "127.0.0.1");
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await h.close();
});

describe("demo simulator", () => {
  it("posts properly signed callbacks of every provider during the session, all accepted", async () => {
    const sim = startSimulator(
      {
        ...h.deps,
        logger: { info() {}, error() {}, debug() {}, warn: (...a: unknown[]) => refused.push(a) },
      },
      base,
      3_600_000,
    );
    for (let i = 0; i < 60; i++) await sim.tick();
    sim.stop();
    expect(sim.sent()).toBe(60);
    expect(refused).toEqual([]);
    const txns = await h.call(
      "GET",
      "/api/markets/dong-van/transactions?from=2026-11-29&to=2026-11-29&limit=500",
    );
    expect(txns.body.items.length).toBeGreaterThan(30);
    expect(new Set(txns.body.items.map((t: { provider: string }) => t.provider)).size).toBeGreaterThanOrEqual(
      3,
    );
    for (const t of txns.body.items) {
      expect(t.amount).toBeGreaterThanOrEqual(5000);
      expect(t.amount).toBeLessThanOrEqual(500_000);
    }
  });

  it("stays quiet outside session hours", async () => {
    h.clock.set("2026-11-29T15:00:00Z"); // 22:00 local
    const sim = startSimulator(h.deps, base, 3_600_000);
    for (let i = 0; i < 5; i++) await sim.tick();
    sim.stop();
    expect(sim.sent()).toBe(0);
  });
});
