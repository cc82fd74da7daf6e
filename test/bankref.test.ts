import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { StallDayItem } from "@market40/core/rollup/stallDayItem";
import { type SimulatedPayment, signAs } from "@market40/devkit/providerClients";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput, TEST_SECRETS } from "./support/harness";

/**
 * One bank transaction is one payment (issue 25, docs/contract.md §16): a delivery naming the bank's own reference
 * is also deduplicated on (BIN, account, reference, amount), in the same transaction as the record — so Casso's
 * re-delivery under a new id, or the same transfer through two providers, counts once and lists both ways.
 */
let h: Harness;
let stallId: string;
const ACCOUNT = "0123456789012";
const BIN = "970405"; // Agribank: stallInput's bank

beforeAll(async () => {
  h = await harness("2026-11-29T03:00:00Z");
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "cho-r", name: "Chợ R" } });
  stallId = (await h.call("POST", "/api/markets/cho-r/stalls", { body: stallInput("R-1", ACCOUNT, BIN) }))
    .body.id;
});
afterAll(() => h.close());

const payment = (over: Partial<SimulatedPayment>): SimulatedPayment => ({
  id: "FT26333000001",
  bin: BIN,
  accountNumber: ACCOUNT,
  bankShortName: "Agribank",
  amount: 50000,
  paidAt: new Date("2026-11-29T02:00:00Z"),
  description: "R1 thit lon",
  ...over,
});

async function deliver(provider: "casso" | "sepay" | "generic" | "payos", p: SimulatedPayment) {
  const req = signAs(provider, p, TEST_SECRETS, h.clock.now());
  return h.call("POST", `/api/callbacks/${provider}`, { token: null, body: req.body, headers: req.headers });
}

const day = async () =>
  (
    await h.store.doc.send(
      new GetCommand({ TableName: h.store.table, Key: StallDayItem.key("cho-r", stallId, "2026-11-29") }),
    )
  ).Item ?? { count: 0, value: 0 };

const listed = async () =>
  (await h.call("GET", `/api/stalls/${stallId}/transactions?from=2026-11-29&to=2026-11-29`)).body.items;

describe("deduplication by the bank's reference", () => {
  it("Casso re-delivering one bank transaction under a new id counts it once, and the payment lists both ids", async () => {
    const first = await deliver("casso", payment({ providerId: 900001, reference: "FT26333REF01" }));
    expect(first.body.status).toBe("stored");
    const again = await deliver("casso", payment({ providerId: 900002, reference: "FT26333REF01" }));
    expect(again.status).toBe(200);
    expect(again.body.status).toBe("duplicate");
    expect(await day()).toMatchObject({ count: 1, value: 50000 });
    const items = await listed();
    expect(items).toHaveLength(1);
    expect(items[0].arrivals.map((a: { provider: string; id: string }) => `${a.provider}:${a.id}`)).toEqual([
      "casso:900001",
      "casso:900002",
    ]);
  });

  it("the same transfer through SePay and the generic scheme is one payment", async () => {
    const bySepay = await deliver(
      "sepay",
      payment({ providerId: 7001, reference: "FT26333REF02", amount: 20000 }),
    );
    expect(bySepay.body.status).toBe("stored");
    const byBank = await deliver(
      "generic",
      payment({ id: "BANK-7001", reference: "FT26333REF02", amount: 20000 }),
    );
    expect(byBank.body.status).toBe("duplicate");
    expect(await day()).toMatchObject({ count: 2, value: 70000 });
    const sepay = (await listed()).find((t: { provider: string }) => t.provider === "sepay");
    expect(sepay.arrivals.map((a: { provider: string }) => a.provider)).toEqual(["sepay", "generic"]);
  });

  it("a reference a bank reuses for another amount is another payment; one without a reference is keyed on its id", async () => {
    expect(
      (await deliver("casso", payment({ providerId: 900003, reference: "FT26333REF01", amount: 7000 }))).body
        .status,
    ).toBe("stored");
    expect((await deliver("casso", payment({ providerId: 900004, reference: "" }))).body.status).toBe(
      "stored",
    );
    expect((await deliver("casso", payment({ providerId: 900005, reference: "" }))).body.status).toBe(
      "stored",
    );
    expect(await day()).toMatchObject({ count: 5, value: 177000 });
  });

  it("a statement row naming a reference already stored under another id is not ingested again", async () => {
    const csv = [
      "id,paidAt,accountNumber,amount,description,bin,reference",
      `STMT-X1,2026-11-29T09:00:00+07:00,${ACCOUNT},50000,R1 thit lon,${BIN},FT26333REF01`,
      `STMT-X2,2026-11-29T09:05:00+07:00,${ACCOUNT},8000,new one,${BIN},FT26333REF09`,
    ].join("\n");
    const run = await h.call("POST", "/api/reconciliation/casso?ingest=true", {
      body: csv,
      headers: { "content-type": "text/csv" },
    });
    expect(run.status).toBe(200);
    expect(run.body.ingested).toBe(1);
    expect(await day()).toMatchObject({ count: 6, value: 185000 });
    const entry = (await h.call("GET", "/api/audit?from=2026-11-29&to=2026-11-29")).body.items.find(
      (e: { id: string }) => e.id === run.body.auditId,
    );
    expect(entry.after).toMatchObject({ count: 1, total: 8000 });
  });
});
