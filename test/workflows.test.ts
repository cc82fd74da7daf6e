import { SYSTEM } from "@market40/core/audit/audit";
import * as ApiKeys from "@market40/core/auth/keys";
import { ingest } from "@market40/core/callback/ingest";
import { listForStall } from "@market40/core/callback/transactions";
import { evaluateMarkets, isFailedRun } from "@market40/core/evaluation/scheduled";
import * as Market from "@market40/core/market/market";
import * as Stalls from "@market40/core/stall/workflows";
import * as Issuance from "@market40/core/vietqr/issuance";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput } from "./support/harness";

/** Core's workflows called directly, as a Lambda or a script would: no HTTP, the same rules. */
let h: Harness;
const manager = { role: "manager", keyId: "k-manager" };
beforeAll(async () => {
  h = await harness("2026-11-29T00:00:00Z");
  await Market.create(h.store, h.clock, DONG_VAN);
});
afterAll(() => h.close());

const waitingPayment = (id: string, accountNumber: string) =>
  ingest(h.deps, {
    provider: "generic",
    providerTxnId: id,
    bin: "970405",
    accountNumber,
    amount: 20000,
    direction: "in",
    paidAt: "2026-11-29T01:00:00Z",
    description: "before the stall",
  });

const paidTo = async (stallId: string) =>
  (await listForStall(h.store, stallId, { from: "2026-11-29", to: "2026-11-29" }, { limit: 50 })).items.map(
    (t) => t.id,
  );

describe("stall workflows", () => {
  it("registering claims what the exact account received before; an unknown market is a 404", async () => {
    expect((await waitingPayment("W-1", "3330001")).status).toBe("unmatched");
    const stall = await Stalls.registerStall(h.deps, manager, "dong-van", stallInput("W-1", "3330001"));
    expect(await paidTo(stall.id)).toEqual(["W-1"]);
    await expect(
      Stalls.registerStall(h.deps, manager, "nowhere", stallInput("W-2", "3330002")),
    ).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("changing to another account claims that account's waiting payments", async () => {
    const stall = await Stalls.registerStall(h.deps, manager, "dong-van", stallInput("W-3", "3330003"));
    expect((await waitingPayment("W-4", "3330004")).status).toBe("unmatched");
    const moved = await Stalls.changeStall(h.deps, manager, stall, {
      bank: { bin: "970405", accountNumber: "3330004", accountName: "MAI" },
    });
    expect(moved.qrIssuedAt).toBeNull();
    expect(await paidTo(stall.id)).toEqual(["W-4"]);
  });

  it("importing reports each row and claims for every stall it created", async () => {
    expect((await waitingPayment("W-5", "3330005")).status).toBe("unmatched");
    const csv = new TextEncoder().encode(
      "code,vendorName,phone,category,bankBin,accountNumber,accountName\nW-5,Mai,,rau,970405,3330005,MAI\nW-6,Lan,,,999999,1,LAN\n",
    );
    const report = await Stalls.importStalls(h.deps, manager, "dong-van", csv);
    expect(report).toMatchObject({ created: 1, skipped: 0, errors: [{ line: 3 }] });
  });
});

describe("issuing a payable code", () => {
  it("issues an active stall's code and refuses a suspended one's with a 409", async () => {
    const stall = await Stalls.registerStall(h.deps, SYSTEM, "dong-van", stallInput("Q-1", "3340001"));
    expect(Issuance.payableCode(stall).payload).toMatch(/^000201/);
    const suspended = await Stalls.changeStall(h.deps, SYSTEM, stall, { status: "suspended" });
    expect(() => Issuance.payableCode(suspended)).toThrow(expect.objectContaining({ code: "conflict" }));
  });
});

describe("scoping keys", () => {
  it("scopes a vendor key to its stall's market and refuses scopes that name nothing", async () => {
    const stall = await Stalls.registerStall(h.deps, SYSTEM, "dong-van", stallInput("K-1", "3350001"));
    const vendor = await ApiKeys.issue(h.store, h.clock, SYSTEM, { role: "vendor", stallId: stall.id });
    expect(vendor).toMatchObject({ role: "vendor", stallId: stall.id, marketId: "dong-van" });
    await expect(ApiKeys.issue(h.store, h.clock, SYSTEM, { role: "manager" })).rejects.toMatchObject({
      code: "validation_error",
    });
    await expect(
      ApiKeys.issue(h.store, h.clock, SYSTEM, { role: "manager", marketId: "nowhere" }),
    ).rejects.toMatchObject({ code: "validation_error" });
  });
});

describe("running evaluations for a set of markets", () => {
  it("evaluates every market, or one, and 404s an unknown one", async () => {
    const all = await evaluateMarkets(h.deps, { period: "2026-11" });
    expect(all.filter(isFailedRun)).toEqual([]);
    expect(all.map((e) => e.marketId)).toEqual(["dong-van"]);
    await expect(evaluateMarkets(h.deps, { period: "2026-11" }, "nowhere")).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(evaluateMarkets(h.deps, { period: "2026-13" })).rejects.toMatchObject({
      code: "validation_error",
    });
  });
});

describe("QR hand-over against concurrent stall changes", () => {
  it("a hand-over decided on a stale read re-reads and records on the stall as it is; an edit read before it cannot erase it", async () => {
    const Stall = await import("@market40/core/stall/stall");
    const { StallItem } = await import("@market40/core/stall/stallItem");
    const { tryCommit } = await import("@market40/core/store/transact");
    const created = (
      await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("H-01", "9990001") })
    ).body as { id: string };
    const stale = await Stall.get(h.store, created.id);
    h.clock.advance(1000);
    expect(
      (await h.call("PATCH", `/api/stalls/${created.id}`, { body: { phone: "0912345678" } })).status,
    ).toBe(200);
    const edited = await Stall.get(h.store, created.id);
    h.clock.advance(1000);

    // Decided on the read from before the edit: it re-reads, and records the hand-over on the edited stall.
    const handed = await Stall.handOver(h.store, h.clock, SYSTEM, stale);
    expect(handed.qrIssuedAt).not.toBeNull();
    const now = await Stall.get(h.store, created.id);
    expect(now.phone).toBe("0912345678");
    expect(now.qrIssuedAt).toBe(handed.qrIssuedAt);
    expect(now.updatedAt > edited.updatedAt).toBe(true);

    // An edit that read the stall before the hand-over is refused rather than putting it back without one.
    const lateEdit = await tryCommit(h.store, [
      StallItem.replace(h.store, { ...edited, vendorName: "Late" }, edited.updatedAt),
    ]);
    expect(lateEdit).not.toBeNull();
    expect((await Stall.get(h.store, created.id)).qrIssuedAt).toBe(handed.qrIssuedAt);
  });
});
