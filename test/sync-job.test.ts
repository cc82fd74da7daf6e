import type { SimulatedPayment } from "@market40/devkit/providerClients";
import { SepayStandIn } from "@market40/devkit/providerStandIn";
import type { Deps } from "@market40/functions/api/context";
import { runSync } from "@market40/functions/jobs/sync";
import { providerApis, readSettings } from "@market40/functions/local/config";
import { SYNC_PATTERN, startScheduler } from "@market40/functions/local/scheduler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput } from "./support/harness";

/**
 * The scheduled pull sync (docs/contract.md §16): the job that runs every 5 minutes in AWS and on `npm start`,
 * reading each provider's API key from the configuration; a provider without one is not pulled and is named once.
 */
let h: Harness;
let sepay: SepayStandIn;
let baseUrl: string;
const API_KEY = "b".repeat(64);
const VCB = "970436";

/** A logger that keeps what it was told. */
function recording() {
  const lines: { level: string; msg: string; extra?: unknown }[] = [];
  const at = (level: string) => (msg: string, extra?: unknown) => lines.push({ level, msg, extra });
  return { lines, logger: { info: at("info"), warn: at("warn"), error: at("error"), debug: at("debug") } };
}

const payment = (n: number): SimulatedPayment => ({
  id: `FT26334${String(n).padStart(6, "0")}`,
  bin: VCB,
  accountNumber: "5050505050",
  bankShortName: "Vietcombank",
  amount: 10_000 + n,
  paidAt: new Date(Date.UTC(2026, 10, 29, 1, 0) + n * 60_000),
  description: `Z thanh toan ${n}`,
});

beforeAll(async () => {
  h = await harness("2026-11-29T12:00:00Z");
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "cho-z", name: "Chợ Z" } });
  await h.call("POST", "/api/markets/cho-z/stalls", { body: stallInput("Z-1", "5050505050", VCB) });
  sepay = new SepayStandIn(API_KEY);
  baseUrl = await sepay.start();
  for (let n = 0; n < 12; n++) sepay.add(payment(n));
});
afterAll(async () => {
  await sepay.stop();
  await h.close();
});

const count = async () =>
  (await h.call("GET", "/api/markets/cho-z/transactions?from=2026-11-29&to=2026-11-29&limit=500")).body.items
    .length as number;

const withConfig = (config: Partial<Deps["config"]>, logger = recording().logger): Deps => ({
  ...h.deps,
  config: { ...h.deps.config, ...config },
  logger: logger as unknown as Deps["logger"],
});

describe("the scheduled pull sync", () => {
  it("does not pull a provider with no API key, and says so once per process", async () => {
    const log = recording();
    const deps = withConfig({ apiKeys: {} }, log.logger);
    const first = await runSync(deps);
    expect(first).toEqual([
      { provider: "sepay", status: "not configured", secret: "SEPAY_API_TOKEN" },
      { provider: "casso", status: "not configured", secret: "CASSO_API_KEY" },
    ]);
    await runSync(deps);
    await runSync(withConfig({ apiKeys: { sepay: "" } }, log.logger));
    expect(log.lines.filter((l) => l.msg.includes("not pulled"))).toHaveLength(2);
    expect(log.lines[0]!.msg).toContain("SEPAY_API_TOKEN");
    expect(log.lines[1]!.msg).toContain("CASSO_API_KEY");
    expect(sepay.requests).toBe(0);
    expect(await count()).toBe(0);
  });

  it("a provider whose API refuses the key is reported failed and logged every time; nothing is stored", async () => {
    const log = recording();
    const deps = withConfig({ apiKeys: { sepay: "wrong" }, apiBaseUrls: { sepay: baseUrl } }, log.logger);
    const [outcome] = await runSync(deps);
    expect(outcome).toMatchObject({ provider: "sepay", status: "failed" });
    expect((outcome as { error: string }).error).toContain("401");
    await runSync(deps);
    expect(log.lines.filter((l) => l.level === "error")).toHaveLength(2);
    expect(await count()).toBe(0);
  });

  it("with the key configured, pulls what SePay holds through ingest", async () => {
    const deps = withConfig({ apiKeys: { sepay: API_KEY }, apiBaseUrls: { sepay: baseUrl } });
    const [outcome] = await runSync(deps);
    expect(outcome).toMatchObject({
      provider: "sepay",
      status: "pulled",
      report: { listed: 12, recovered: 12 },
    });
    expect(await count()).toBe(12);
  });

  it("npm start runs it in-process every 5 minutes; a timer's run stores what arrived since", async () => {
    expect(SYNC_PATTERN).toBe("*/5 * * * *");
    for (let n = 12; n < 15; n++) sepay.add(payment(n));
    const scheduler = startScheduler(
      withConfig({ apiKeys: { sepay: API_KEY }, apiBaseUrls: { sepay: baseUrl } }),
    );
    try {
      const next = scheduler.nextSync()!.getTime() - Date.now();
      expect(next).toBeGreaterThan(0);
      expect(next).toBeLessThanOrEqual(5 * 60_000);
      await scheduler.syncNow();
      expect(await count()).toBe(15);
    } finally {
      scheduler.stop();
    }
  });

  it("npm start reads the key and the stand-in's address from the environment, never generating a key", () => {
    expect(providerApis({})).toEqual({ apiKeys: { sepay: "", casso: "" }, apiBaseUrls: {} });
    expect(providerApis({ SEPAY_API_TOKEN: " k ", SEPAY_API_URL: "http://127.0.0.1:4010/" })).toEqual({
      apiKeys: { sepay: "k", casso: "" },
      apiBaseUrls: { sepay: "http://127.0.0.1:4010" },
    });
    expect(() => providerApis({ SEPAY_API_URL: "userapi.sepay.vn" })).toThrow(/SEPAY_API_URL/);
    expect(readSettings({}).port).toBe(3000);
  });
});
