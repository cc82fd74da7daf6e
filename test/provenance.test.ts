import { createHash } from "node:crypto";
import { genericBody, signGeneric } from "@market40/devkit/signing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput, TEST_SECRETS } from "./support/harness";

/**
 * Money has provenance (issue 24, docs/contract.md §10 "Provenance"): every stored payment says what put it there
 * and who; a statement's ingestion is one audit entry written in the payments' own transactions; an admin may not
 * give a payment to a suspended stall, nor to another account's stall without a written, audited reason.
 */
let h: Harness;
let adminKeyId: string;
let otherStallId: string;
const ACCOUNT = "8888123456789";

beforeAll(async () => {
  h = await harness("2026-11-29T00:00:00Z");
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "cho-p", name: "Chợ P" } });
  await h.call("POST", "/api/markets/cho-p/stalls", { body: stallInput("P-1", ACCOUNT) });
  otherStallId = (await h.call("POST", "/api/markets/cho-p/stalls", { body: stallInput("P-2", "5550001") }))
    .body.id;
  adminKeyId = (await h.call("GET", "/api/me")).body.id;
});
afterAll(() => h.close());

async function pay(over: Record<string, unknown>) {
  const body = genericBody({ paidAt: "2026-11-29T06:41:07+07:00", ...over });
  return h.call("POST", "/api/callbacks/generic", {
    token: null,
    body,
    headers: {
      "content-type": "application/json",
      "x-signature": signGeneric(TEST_SECRETS.generic, body, h.clock.now()),
    },
  });
}

const listed = async (id: string) =>
  (await h.call("GET", `/api/markets/cho-p/transactions?from=2026-11-01&to=2026-11-30`)).body.items.find(
    (t: { id: string }) => t.id === id,
  );

const auditOf = async (action: string) =>
  (await h.call("GET", "/api/audit?from=2026-11-28&to=2026-11-30")).body.items.filter(
    (e: { action: string }) => e.action === action,
  );

describe("a payment's provenance", () => {
  it("a webhook's payment says the provider put it there", async () => {
    expect((await pay({ id: "FT-PROV-CB", amount: 11000 })).body.status).toBe("stored");
    const t = await listed("FT-PROV-CB");
    expect(t).toMatchObject({ source: "callback", by: { role: "provider", keyId: "generic" } });
    expect(t.arrivals).toEqual([
      expect.objectContaining({ source: "callback", provider: "generic", id: "FT-PROV-CB" }),
    ]);
  });
});

describe("statement ingestion", () => {
  const upload = (csv: string, ingest: boolean) =>
    h.call("POST", `/api/reconciliation/generic?ingest=${ingest}`, {
      body: csv,
      headers: { "content-type": "text/csv" },
    });
  const csv = [
    "id,paidAt,accountNumber,amount,description,bin",
    "FT-PROV-CB,2026-11-29T06:41:07+07:00,8888123456789,11000,already here,970405",
    "FT-STMT-1,2026-11-29 10:05:00,8888123456789,22000,from the statement,970405",
    "FT-STMT-2,2026-11-29 10:06:00,8888123456789,3000,from the statement,970405",
    "FT-STMT-3,2026-11-29 10:07:00,4040404,7000,nobody's account,970405",
  ].join("\n");
  const hash = createHash("sha256").update(csv).digest("hex");

  it("writes one audit entry per run: who, provider, the file's hash, count and total stored", async () => {
    expect((await upload(csv, false)).body.auditId).toBeNull();
    expect(await auditOf("statement.ingested")).toEqual([]); // a dry run changes nothing

    const run = await upload(csv, true);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ ingested: 3, hash, auditId: expect.any(String) });
    const entries = await auditOf("statement.ingested");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      id: run.body.auditId,
      actor: { role: "admin", keyId: adminKeyId },
      entity: { kind: "statement", id: `generic:${hash}` },
      after: { provider: "generic", hash, rows: 4, count: 3, total: 32000 },
    });

    // Each payment names the run that stored it, and the admin who ran it.
    const t = await listed("FT-STMT-1");
    expect(t).toMatchObject({ source: "statement", by: { role: "admin", keyId: adminKeyId } });
    expect(t.arrivals[0]).toMatchObject({ source: "statement", audit: run.body.auditId });
    const waiting = (await h.call("GET", "/api/callbacks/unmatched")).body.items.find(
      (u: { id: string }) => u.id === "FT-STMT-3",
    );
    expect(waiting).toMatchObject({ source: "statement", amount: 7000 });
  });

  it("a second run of the same statement stores nothing, and its entry says so", async () => {
    const again = await upload(csv, true);
    expect(again.body.ingested).toBe(0);
    const entries = await auditOf("statement.ingested");
    expect(entries).toHaveLength(2);
    expect(entries.find((e: { id: string }) => e.id === again.body.auditId)).toMatchObject({
      after: { hash, count: 0, total: 0 },
    });
  });
});

describe("an admin's assignment", () => {
  const assign = (id: string, body: Record<string, unknown>) =>
    h.call("POST", `/api/callbacks/unmatched/${id}/assign`, { body });

  it("is refused for a suspended stall, and counts nothing", async () => {
    const suspended = (
      await h.call("POST", "/api/markets/cho-p/stalls", { body: stallInput("P-3", "6060606") })
    ).body.id;
    expect(
      (await h.call("PATCH", `/api/stalls/${suspended}`, { body: { status: "suspended" } })).status,
    ).toBe(200);
    // Paid to P-3's number without naming a bank: no active stall holds it, so it waits for an admin.
    expect((await pay({ id: "FT-PROV-SUSP", accountNumber: "6060606", bin: undefined })).body.status).toBe(
      "unmatched",
    );
    const refused = await assign("FT-PROV-SUSP", { stallId: suspended });
    expect(refused.status).toBe(409);
    expect(refused.body.error.issues).toEqual([{ path: "stallId", message: expect.any(String) }]);
    const still = (await h.call("GET", "/api/callbacks/unmatched")).body.items.map(
      (u: { id: string }) => u.id,
    );
    expect(still).toContain("FT-PROV-SUSP");
    expect(await auditOf("payment.assigned")).toEqual([]);
  });

  it("to a stall whose account is not the one paid needs a written reason, kept in the audit", async () => {
    expect((await pay({ id: "FT-PROV-ELSE", accountNumber: "7070707", amount: 45000 })).body.status).toBe(
      "unmatched",
    );
    const bare = await assign("FT-PROV-ELSE", { stallId: otherStallId });
    expect(bare.status).toBe(400);
    expect(bare.body.error.issues).toEqual([{ path: "reason", message: expect.any(String) }]);

    const reason = "Vendor showed the bank's receipt: paid to her old account";
    const done = await assign("FT-PROV-ELSE", { stallId: otherStallId, reason });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      stallId: otherStallId,
      source: "assignment",
      by: { role: "admin", keyId: adminKeyId },
    });
    expect(done.body.arrivals.map((a: { source: string }) => a.source)).toEqual(["callback", "assignment"]);
    const [entry] = await auditOf("payment.assigned");
    expect(entry).toMatchObject({
      id: done.body.arrivals[1].audit,
      after: { stallId: otherStallId, accountDiffers: true, reason },
    });
    expect((await listed("FT-PROV-ELSE"))?.source).toBe("assignment");
  });

  it("to the stall that holds the paid account needs no reason", async () => {
    expect((await pay({ id: "FT-PROV-NOBIN", accountNumber: ACCOUNT, bin: undefined })).body.status).toBe(
      "stored", // the only active holder of the number
    );
    expect((await pay({ id: "FT-PROV-OWN", accountNumber: "5550001", bin: "970422" })).body.status).toBe(
      "unmatched",
    );
    // P-2 holds 5550001 at 970405 (stallInput's bank); the payment named 970422: another account.
    expect((await assign("FT-PROV-OWN", { stallId: otherStallId })).status).toBe(400);
    expect((await pay({ id: "FT-PROV-OWN2", accountNumber: "0990990", bin: undefined })).body.status).toBe(
      "unmatched",
    );
    const own = (await h.call("POST", "/api/markets/cho-p/stalls", { body: stallInput("P-4", "0990990") }))
      .body.id;
    const done = await assign("FT-PROV-OWN2", { stallId: own });
    expect(done.status).toBe(200);
    const entry = (await auditOf("payment.assigned")).find(
      (e: { entity: { id: string } }) => e.entity.id === "generic:FT-PROV-OWN2",
    );
    expect(entry.after).toMatchObject({ accountDiffers: false });
    expect(entry.after.reason).toBeUndefined();
  });
});
