import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { AccountItem } from "@market40/core/stall/accountItem";
import { genericBody, signGeneric } from "@market40/devkit/signing";
import { runDaily } from "@market40/functions/jobs/daily";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput, TEST_SECRETS } from "./support/harness";

let h: Harness;
beforeAll(async () => {
  h = await harness("2026-11-29T00:00:00Z");
  await h.call("POST", "/api/markets", { body: DONG_VAN });
});
afterAll(() => h.close());

describe("the daily job", () => {
  it("matches unmatched payments whose account was registered without a claim, counting each once", async () => {
    const body = genericBody({ id: "FT-SWEEP", accountNumber: "4440001", amount: 7000 });
    const res = await h.call("POST", "/api/callbacks/generic", {
      token: null,
      body,
      headers: {
        "content-type": "application/json",
        "x-signature": signGeneric(TEST_SECRETS.generic, body, h.clock.now()),
      },
    });
    expect(res.body.status).toBe("unmatched");
    // Register the account behind the API's back (as a crash between registration and its claim would leave it).
    const stall = (
      await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("S-1", "9990001") })
    ).body;
    await h.store.doc.send(
      new PutCommand({
        TableName: h.store.table,
        Item: {
          ...AccountItem.key("970405", "4440001"),
          type: "account",
          stallId: stall.id,
          marketId: "dong-van",
        },
      }),
    );

    const report = await runDaily(h.deps);
    expect(report[0]).toEqual({
      step: "match unmatched callbacks",
      ok: true,
      result: { unmatched: 1, claimed: 1 },
    });
    expect(report[1]).toMatchObject({ step: "evaluate markets", ok: true, result: { failed: [] } });
    expect((await runDaily(h.deps))[0]).toMatchObject({ ok: true, result: { unmatched: 0, claimed: 0 } });
    const list = await h.call("GET", `/api/stalls/${stall.id}/transactions?from=2026-11-29&to=2026-11-29`);
    expect(list.body.items.map((t: { id: string; amount: number }) => [t.id, t.amount])).toEqual([
      ["FT-SWEEP", 7000],
    ]);
  });

  it("reports a failing step and still runs the others", async () => {
    const report = await runDaily(h.deps, [
      { name: "broken", run: async () => Promise.reject(new Error("boom")) },
      { name: "fine", run: async () => "ok" },
    ]);
    expect(report).toEqual([
      { step: "broken", ok: false, error: "boom" },
      { step: "fine", ok: true, result: "ok" },
    ]);
  });
});
