import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { StallDayItem } from "@market40/core/rollup/stallDayItem";
import { genericBody, signGeneric } from "@market40/devkit/signing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput, TEST_SECRETS } from "./support/harness";

/**
 * Whose money it is, and who may change what evaluations depend on (docs/contract.md §10). Each finding of the
 * attacker's and auditor's review is reproduced here and shown closed.
 */
let h: Harness;
let managerA: string;
let managerB: string;
let stallA: string;
const ACCOUNT = "8888123456789";

beforeAll(async () => {
  h = await harness("2026-11-29T00:00:00Z");
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "cho-a", name: "Chợ A" } });
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "cho-b", name: "Chợ B" } });
  managerA = await h.token("manager", { marketId: "cho-a" });
  managerB = await h.token("manager", { marketId: "cho-b" });
  stallA = (
    await h.call("POST", "/api/markets/cho-a/stalls", { body: stallInput("A-1", ACCOUNT), token: managerA })
  ).body.id;
});
afterAll(() => h.close());

let seq = 0;
/** A signed generic callback; `bin: null` sends none (as payOS and many integrators do). */
async function pay(over: Record<string, unknown> = {}) {
  const { bin, ...rest } = { bin: "970405" as string | null, ...over };
  const body = genericBody({
    id: `FT-ATTR-${++seq}`,
    accountNumber: ACCOUNT,
    paidAt: "2026-11-29T06:41:07+07:00",
    ...rest,
    ...(bin ? { bin } : { bin: undefined }),
  });
  return h.call("POST", "/api/callbacks/generic", {
    token: null,
    body,
    headers: {
      "content-type": "application/json",
      "x-signature": signGeneric(TEST_SECRETS.generic, body, h.clock.now()),
    },
  });
}

const transactionsOf = async (market: string) =>
  (await h.call("GET", `/api/markets/${market}/transactions?from=2026-11-01&to=2026-11-30`)).body.items;

describe("account squatting", () => {
  it("refuses a manager another market's account number under any BIN, with a 409 that names no market", async () => {
    const squat = await h.call("POST", "/api/markets/cho-b/stalls", {
      body: stallInput("B-1", ACCOUNT, "970422"),
      token: managerB,
    });
    expect(squat.status).toBe(409);
    expect(squat.body.error.issues).toEqual([{ path: "bank.accountNumber", message: expect.any(String) }]);
    expect(JSON.stringify(squat.body)).not.toMatch(/cho-a|Chợ A|A-1/);
    // The same answer as a plain duplicate in one's own market: it tells nothing about where the account is.
    const own = await h.call("POST", "/api/markets/cho-a/stalls", {
      body: stallInput("A-2", ACCOUNT),
      token: managerA,
    });
    expect(own.status).toBe(409);
    expect(own.body.error.message).toBe(squat.body.error.message);
  });

  it("refuses a manager PATCHing a stall to another market's account, and PATCHing away and back", async () => {
    const b1 = (
      await h.call("POST", "/api/markets/cho-b/stalls", {
        body: stallInput("B-1", "5550001"),
        token: managerB,
      })
    ).body.id;
    const moved = await h.call("PATCH", `/api/stalls/${b1}`, {
      body: { bank: { bin: "970422", accountNumber: ACCOUNT, accountName: "X" } },
      token: managerB,
    });
    expect(moved.status).toBe(409);
    // Away (to a fresh number) and back (to A's) is the same attempt, refused the same way.
    expect(
      (
        await h.call("PATCH", `/api/stalls/${b1}`, {
          body: { bank: { bin: "970422", accountNumber: "5550002", accountName: "X" } },
          token: managerB,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await h.call("PATCH", `/api/stalls/${b1}`, {
          body: { bank: { bin: "970422", accountNumber: ACCOUNT, accountName: "X" } },
          token: managerB,
        })
      ).status,
    ).toBe(409);
  });

  it("matches a payment naming no bank to the one active holder, and never outlives a bank change (cache)", async () => {
    const ofA = async () =>
      (
        await h.call("GET", `/api/stalls/${stallA}/transactions?from=2026-11-01&to=2026-11-30`)
      ).body.items.map((t: { id: string }) => t.id);
    // Warm the account cache with A's match.
    const first = await pay({ bin: null });
    expect(first.body.status).toBe("stored");
    expect(await ofA()).toContain(first.body.id);
    expect((await pay({ bin: null })).body.status).toBe("stored");
    // An admin may give the same number at another bank to market B's stall: now two stalls could be meant.
    const shared = await h.call("POST", "/api/markets/cho-b/stalls", {
      body: stallInput("B-9", ACCOUNT, "970422"),
    });
    expect(shared.status).toBe(201);
    const ambiguous = await pay({ bin: null, description: "secret note" });
    expect(ambiguous.body.status).toBe("unmatched");
    const queue = (await h.call("GET", "/api/callbacks/unmatched")).body.items;
    expect(queue.find((t: { id: string }) => t.id === ambiguous.body.id)).toMatchObject({
      reason: "ambiguous",
    });
    // Payments naming their bank still reach exactly the holder of that pair.
    const toA = await pay({ bin: "970405" });
    const toB = await pay({ bin: "970422" });
    expect(await ofA()).toContain(toA.body.id);
    expect(await ofA()).not.toContain(toB.body.id);
    expect(await ofA()).not.toContain(ambiguous.body.id);
    // Suspending B's stall leaves one active holder: payments naming no bank reach A again.
    await h.call("PATCH", `/api/stalls/${shared.body.id}`, { body: { status: "suspended" } });
    const again = await pay({ bin: null });
    expect(again.body.status).toBe("stored");
    expect(await ofA()).toContain(again.body.id);
    // B never saw the ambiguous payment or its description.
    const seenByB = await h.call("GET", "/api/markets/cho-b/transactions?from=2026-11-01&to=2026-11-30", {
      token: managerB,
    });
    expect(JSON.stringify(seenByB.body)).not.toContain("secret note");
    expect(seenByB.body.items.every((t: { stallId: string }) => t.stallId === shared.body.id)).toBe(true);
  });
});

describe("stalls registered before the account-number index", () => {
  it("are found through their account guards the first time their number is read", async () => {
    const legacy = (
      await h.call("POST", "/api/markets/cho-a/stalls", {
        body: stallInput("L-1", "5150001"),
        token: managerA,
      })
    ).body.id;
    // As a stall registered by an earlier version left it: its guard, and no holders item.
    await h.store.doc.send(
      new DeleteCommand({ TableName: h.store.table, Key: { pk: "ACCTNO#5150001", sk: "HOLDERS" } }),
    );
    const squat = await h.call("POST", "/api/markets/cho-b/stalls", {
      body: stallInput("B-5", "5150001", "970422"),
      token: managerB,
    });
    expect(squat.status).toBe(409);
    const paid = await pay({ accountNumber: "5150001", bin: null });
    expect(paid.body.status).toBe("stored");
    const listed = (await h.call("GET", `/api/stalls/${legacy}/transactions?from=2026-11-01&to=2026-11-30`))
      .body.items;
    expect(listed.map((t: { id: string }) => t.id)).toContain(paid.body.id);
  });
});

describe("payments waiting for an account", () => {
  it("attaches by itself only on an exact (BIN, account) match; the rest waits for an admin's assignment", async () => {
    const exact = await pay({ accountNumber: "7770001", bin: "970405" });
    const noBin = await pay({ accountNumber: "7770001", bin: null, amount: 12000 });
    expect([exact.body.status, noBin.body.status]).toEqual(["unmatched", "unmatched"]);
    const stall = (
      await h.call("POST", "/api/markets/cho-a/stalls", {
        body: stallInput("A-7", "7770001"),
        token: managerA,
      })
    ).body;
    const listed = (await h.call("GET", `/api/stalls/${stall.id}/transactions?from=2026-11-01&to=2026-11-30`))
      .body.items;
    expect(listed.map((t: { id: string }) => t.id)).toEqual([exact.body.id]);

    const assign = (token?: string) =>
      h.call("POST", `/api/callbacks/unmatched/${noBin.body.id}/assign`, {
        body: { stallId: stall.id },
        token,
      });
    expect((await assign(managerA)).status).toBe(403);
    const done = await assign();
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: noBin.body.id, stallId: stall.id, amount: 12000 });
    expect((await assign()).status).toBe(409); // counted once, however often asked
    const uptake = (await h.call("GET", "/api/markets/cho-a/uptake?from=2026-11-29&to=2026-11-29")).body;
    const recount = (await transactionsOf("cho-a")).filter((t: { paidAt: string }) =>
      t.paidAt.startsWith("2026-11-28T23"),
    );
    expect(uptake.totals.transactions).toBe(recount.length);
    const audit = (await h.call("GET", "/api/audit?marketId=cho-a&from=2026-11-28&to=2026-11-29")).body.items;
    expect(audit.find((e: { action: string }) => e.action === "payment.assigned")).toMatchObject({
      actor: { role: "admin" },
      entity: { kind: "transaction" },
      after: { stallId: stall.id, accountNumber: "***0001" },
    });
  });
});

describe("amounts", () => {
  it("refuses an amount past 13 digits with a 400 and stores nothing; takes the largest VietQR amount", async () => {
    const huge = await pay({ amount: 9007199254740991 });
    expect(huge.status).toBe(400);
    expect(
      (await h.call("GET", "/api/callbacks/unmatched")).body.items.map((t: { amount: number }) => t.amount),
    ).not.toContain(9007199254740991);
    expect((await pay({ amount: 9_999_999_999_999, accountNumber: "6660001" })).status).toBe(200);
    expect((await pay({ amount: 10_000_000_000_000, accountNumber: "6660001" })).status).toBe(400);
  });
});

describe("one market's impossible total", () => {
  it("is reported in its place while every other market is still evaluated, and is never rounded", async () => {
    await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "cho-x", name: "Chợ X" } });
    // Past 2^53: what the unbounded amounts of old could leave behind (written as the store would hold it).
    await h.store.doc.send(
      new PutCommand({
        TableName: h.store.table,
        Item: {
          ...StallDayItem.toItem("cho-x", {
            stallId: "ghost",
            date: "2026-11-20",
            count: 1,
            value: 0,
            minutes: [420],
            payers: [],
            amounts: new Map(),
          }),
          value: 9007199254740993n,
        },
      }),
    );
    const res = await h.call("POST", "/api/evaluations/run", { body: { period: "2026-11" } });
    expect(res.status).toBe(200);
    const byMarket = new Map(res.body.items.map((e: { marketId: string }) => [e.marketId, e]));
    expect(byMarket.get("cho-x")).toMatchObject({ marketId: "cho-x", error: { code: "unprocessable" } });
    expect(byMarket.get("cho-a")).toMatchObject({ marketId: "cho-a", version: expect.any(Number) });
    expect(byMarket.get("cho-b")).toMatchObject({ marketId: "cho-b", version: expect.any(Number) });
  });
});

describe("the evaluated party cannot rewrite its evaluation", () => {
  it("lets a manager change only incidents its own market's keys reported", async () => {
    const byAdmin = await h.call("POST", "/api/markets/cho-a/incidents", {
      body: { startedAt: "2026-11-28T22:00:00Z", endedAt: "2026-11-28T23:00:00Z", cause: "power" },
    });
    const shrink = await h.call("PATCH", `/api/incidents/${byAdmin.body.id}`, {
      body: { endedAt: "2026-11-28T22:00:01Z" },
      token: managerA,
    });
    expect(shrink.status).toBe(403);
    const own = await h.call("POST", "/api/markets/cho-a/incidents", {
      body: { startedAt: "2026-11-28T22:30:00Z", cause: "network" },
      token: managerA,
    });
    expect(own.body.reporterRole).toBe("manager");
    h.clock.advance(1000);
    const closed = await h.call("PATCH", `/api/incidents/${own.body.id}`, {
      body: { endedAt: "2026-11-28T23:10:00Z" },
      token: managerA,
    });
    expect(closed.status).toBe(200);
    h.clock.advance(1000);
    expect((await h.call("PATCH", `/api/incidents/${own.body.id}`, { body: { endedAt: null } })).status).toBe(
      200,
    );
    const trail = (await h.call("GET", "/api/audit?marketId=cho-a", { token: managerA })).body.items;
    const changes = trail.filter((e: { entity: { id: string } }) => e.entity.id === own.body.id);
    expect(changes.map((e: { action: string }) => e.action)).toEqual([
      "incident.changed",
      "incident.changed",
      "incident.created",
    ]);
    expect(changes[1]).toMatchObject({
      before: { endedAt: null },
      after: { endedAt: "2026-11-28T23:10:00.000Z" },
    });
  });

  it("lets a manager add only future closures, and an admin any", async () => {
    const past = await h.call("PATCH", "/api/markets/cho-a", {
      body: { closures: ["2026-11-22"] },
      token: managerA,
    });
    expect(past.status).toBe(403);
    expect(
      (
        await h.call("PATCH", "/api/markets/cho-a", {
          body: { schedule: { kind: "daily" } },
          token: managerA,
        })
      ).status,
    ).toBe(403);
    // Dropping a past closure rewrites the past too.
    expect(
      (await h.call("PATCH", "/api/markets/cho-a", { body: { closures: [] }, token: managerA })).status,
    ).toBe(403);
    const future = await h.call("PATCH", "/api/markets/cho-a", {
      body: { closures: ["2026-02-17", "2027-02-17"] },
      token: managerA,
    });
    expect(future.status).toBe(200);
    h.clock.advance(1000);
    const admin = await h.call("PATCH", "/api/markets/cho-a", {
      body: { closures: ["2026-02-17", "2026-11-22", "2027-02-17"] },
    });
    expect(admin.status).toBe(200);
    const entry = (await h.call("GET", "/api/audit?marketId=cho-a")).body.items[0];
    expect(entry).toMatchObject({
      action: "market.changed",
      actor: { role: "admin" },
      before: { closures: ["2026-02-17", "2027-02-17"] },
      after: { closures: ["2026-02-17", "2026-11-22", "2027-02-17"] },
    });
  });

  it("says what changed between an evaluation's versions", async () => {
    const run = () =>
      h.call("POST", "/api/evaluations/run", { body: { period: "2026-11", marketId: "cho-a" } });
    const v1 = (await run()).body.items[0];
    await h.call("POST", "/api/markets/cho-a/incidents", {
      body: { startedAt: "2026-11-22T00:00:00Z", endedAt: "2026-11-22T01:00:00Z", cause: "provider" },
    });
    await pay({ paidAt: "2026-11-28T07:00:00+07:00" });
    h.clock.advance(1000);
    const v2 = (await run()).body.items[0];
    expect(v2.version).toBe(v1.version + 1);
    expect(v2.changes).toMatchObject({ transactions: 1, stalls: 0, closures: { added: [] } });
    expect(v2.changes.incidents.added).toHaveLength(1);
    const liaison = await h.token("liaison");
    const history = (await h.call("GET", "/api/markets/cho-a/evaluations", { token: liaison })).body.items;
    expect(history[0].changes).toEqual(v2.changes);
    const runs = (await h.call("GET", "/api/audit?marketId=cho-a", { token: liaison })).body.items.filter(
      (e: { action: string }) => e.action === "evaluation.run",
    );
    expect(runs[0]).toMatchObject({ actor: { role: "admin" }, after: { version: v2.version } });
  });
});

describe("QR repointing leaves a trace the vendor sees", () => {
  it("audits a bank change, masked, and shows it to the stall's vendor", async () => {
    const stall = (
      await h.call("POST", "/api/markets/cho-a/stalls", {
        body: stallInput("A-9", "1234567890"),
        token: managerA,
      })
    ).body;
    await h.call("PATCH", `/api/stalls/${stall.id}`, {
      body: { bank: { bin: "970422", accountNumber: "9999000011", accountName: "KHAC" } },
      token: managerA,
    });
    const vendor = await h.token("vendor", { stallId: stall.id });
    const trail = await h.call("GET", `/api/stalls/${stall.id}/audit`, { token: vendor });
    expect(trail.status).toBe(200);
    const change = trail.body.items.find((e: { action: string }) => e.action === "stall.changed");
    expect(change).toMatchObject({
      actor: { role: "manager" },
      before: { bank: { bin: "970405", accountNumber: "******7890" } },
      after: { bank: { bin: "970422", accountNumber: "******0011" } },
    });
    expect(JSON.stringify(trail.body)).not.toMatch(/1234567890|9999000011/);
    // Another stall's vendor, and another market's manager, may not read it.
    expect((await h.call("GET", `/api/stalls/${stall.id}/audit`, { token: managerB })).status).toBe(403);
    expect((await h.call("GET", "/api/audit?marketId=cho-a", { token: managerB })).status).toBe(403);
    expect((await h.call("GET", "/api/audit", { token: managerA })).status).toBe(403);
  });

  it("writes no entry for a change that did not happen, and offers no way to change an entry", async () => {
    const before = (await h.call("GET", "/api/audit?marketId=cho-a&from=2026-11-01&to=2026-11-30&limit=500"))
      .body.items.length;
    expect(
      (
        await h.call("POST", "/api/markets/cho-a/stalls", {
          body: stallInput("A-1", "4440009"),
          token: managerA,
        })
      ).status,
    ).toBe(409);
    const after = (await h.call("GET", "/api/audit?marketId=cho-a&from=2026-11-01&to=2026-11-30&limit=500"))
      .body.items.length;
    expect(after).toBe(before);
    const paths = (await h.call("GET", "/api/openapi.json", { token: null })).body.paths as Record<
      string,
      object
    >;
    const auditPaths = Object.entries(paths).filter(([p]) => p.includes("audit"));
    expect(auditPaths.length).toBe(2);
    for (const [, ops] of auditPaths) expect(Object.keys(ops)).toEqual(["get"]);
  });
});
