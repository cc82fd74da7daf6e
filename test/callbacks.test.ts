import { DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { TransactionItem } from "@market40/core/callback/transactionItem";
import * as Rollups from "@market40/core/rollup/rollups";
import { StallDayItem } from "@market40/core/rollup/stallDayItem";
import { genericBody, signGeneric } from "@market40/devkit/signing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput, TEST_SECRETS } from "./support/harness";

let h: Harness;
let stallId: string;

beforeAll(async () => {
  h = await harness("2026-11-29T00:00:00Z");
  await h.call("POST", "/api/markets", { body: DONG_VAN });
  stallId = (
    await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("A-12", "8888123456789") })
  ).body.id;
});
afterAll(() => h.close());

const post = (provider: string, body: string, headers: Record<string, string>) =>
  h.call("POST", `/api/callbacks/${provider}`, {
    token: null,
    body,
    headers: { "content-type": "application/json", ...headers },
  });
const generic = (body: string, at = h.clock.now()) =>
  post("generic", body, { "x-signature": signGeneric(TEST_SECRETS.generic, body, at) });

async function itemCount(): Promise<number> {
  const res = await h.store.doc.send(new ScanCommand({ TableName: h.store.table, Select: "COUNT" }));
  return res.Count ?? 0;
}

async function rollups(date: string) {
  const stall = await h.store.doc.send(
    new GetCommand({ TableName: h.store.table, Key: StallDayItem.key("dong-van", stallId, date) }),
  );
  const market = (await Rollups.marketDays(h.store, "dong-van", date, date)).get(date);
  return { stall: stall.Item, market };
}

/** Recounts a stall's day from its raw transaction records. */
async function recount(sid: string) {
  const res = await h.store.doc.send(
    new QueryCommand({
      TableName: h.store.table,
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": `STALL#${sid}#TXNS` },
    }),
  );
  return { count: res.Items!.length, value: res.Items!.reduce((s, i) => s + i.amount, 0) };
}

describe("generic callbacks", () => {
  it("stores a signed callback, matched to the stall, and counts it on the local day", async () => {
    const res = await generic(genericBody());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, success: true, status: "stored", id: "FT26330123456" });
    const { stall, market } = await rollups("2026-11-29");
    expect(stall).toMatchObject({ count: 1, value: 35000 });
    expect(market).toMatchObject({ count: 1, value: 35000 });
    expect([...stall!.minutes]).toEqual([6 * 60 + 41]);
    const list = await h.call("GET", `/api/stalls/${stallId}/transactions?from=2026-11-29&to=2026-11-29`);
    expect(list.body.items).toEqual([
      {
        id: "FT26330123456",
        provider: "generic",
        stallId,
        marketId: "dong-van",
        amount: 35000,
        paidAt: "2026-11-28T23:41:07.000Z",
        receivedAt: "2026-11-29T00:00:00.000Z",
        description: "A12 rau cai",
        accountNumber: "*********6789",
        source: "callback",
        by: { role: "provider", keyId: "generic" },
        arrivals: [
          {
            source: "callback",
            at: "2026-11-29T00:00:00.000Z",
            by: { role: "provider", keyId: "generic" },
            provider: "generic",
            id: "FT26330123456",
          },
        ],
      },
    ]);
    const byMarket = await h.call("GET", "/api/markets/dong-van/transactions?from=2026-11-29&to=2026-11-29");
    expect(byMarket.body.items.map((t: { id: string }) => t.id)).toEqual(["FT26330123456"]);
    // The previous local day has nothing: 23:41 UTC on the 28th is the 29th in Vietnam.
    expect(
      (await h.call("GET", `/api/stalls/${stallId}/transactions?from=2026-11-28&to=2026-11-28`)).body.items,
    ).toEqual([]);
  });

  it("answers a redelivery as a duplicate and counts it once — even a week later", async () => {
    const again = await generic(genericBody());
    expect(again.body.status).toBe("duplicate");
    h.clock.advance(7 * 86400_000);
    const weekLater = await generic(genericBody());
    expect(weekLater.body.status).toBe("duplicate");
    expect((await rollups("2026-11-29")).stall).toMatchObject({ count: 1, value: 35000 });
    h.clock.set("2026-11-29T00:00:00Z");
  });

  it("stores 100 concurrent deliveries of one callback once, and the rollups equal a recount", async () => {
    const body = genericBody({ id: "FT-CONCURRENT", amount: 12000 });
    const results = await Promise.all(Array.from({ length: 100 }, () => generic(body)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const statuses = results.map((r) => r.body.status);
    expect(statuses.filter((s) => s === "stored")).toHaveLength(1);
    expect(statuses.filter((s) => s === "duplicate")).toHaveLength(99);
    const { stall, market } = await rollups("2026-11-29");
    expect(stall).toMatchObject(await recount(stallId));
    expect(market).toMatchObject({ count: 2, value: 47000 });
  });

  it("counts many different callbacks arriving at once exactly (rollup contention)", async () => {
    const bodies = Array.from({ length: 40 }, (_, i) =>
      genericBody({ id: `FT-BURST-${i}`, amount: 1000 * (i + 1) }),
    );
    const results = await Promise.all(bodies.map((b) => generic(b)));
    expect(results.every((r) => r.status === 200 && r.body.status === "stored")).toBe(true);
    const { stall, market } = await rollups("2026-11-29");
    const truth = await recount(stallId);
    expect(stall).toMatchObject(truth);
    expect(market).toMatchObject(truth);
    const days = await Rollups.stallDays(h.store, "dong-van", "2026-11-29", "2026-11-29");
    expect(days.find((d) => d.stallId === stallId)).toMatchObject(truth);
  });

  it("refuses bad signatures, stale timestamps and schema-invalid bodies, storing nothing", async () => {
    const before = await itemCount();
    const body = genericBody({ id: "FT-REFUSED" });
    expect((await post("generic", body, {})).status).toBe(401);
    expect(
      (await post("generic", body, { "x-signature": signGeneric("wrong", body, h.clock.now()) })).status,
    ).toBe(401);
    const stale = await generic(body, new Date(h.clock.now().getTime() - 301_000));
    expect(stale.status).toBe(401);
    expect(stale.body.error.code).toBe("unauthorized");
    const tampered = await post("generic", body.replace("35000", "35001"), {
      "x-signature": signGeneric(TEST_SECRETS.generic, body, h.clock.now()),
    });
    expect(tampered.status).toBe(401);
    const invalid = await generic(genericBody({ id: "FT-BAD", amount: "35000" }));
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.issues[0].path).toBe("amount");
    expect((await generic(genericBody({ id: "FT-BAD", paidAt: "yesterday" }))).status).toBe(400);
    expect((await generic("{oops")).status).toBe(400);
    const big = genericBody({ id: "FT-BIG", description: "x".repeat(70_000) });
    expect((await generic(big)).status).toBe(413);
    expect((await post("paypal", body, {})).status).toBe(400);
    expect(await itemCount()).toBe(before);
  });

  it("acknowledges and ignores outgoing or non-positive amounts", async () => {
    const before = await itemCount();
    for (const amount of [0, -50000]) {
      const res = await generic(genericBody({ id: `FT-OUT-${amount}`, amount }));
      expect(res.status).toBe(200);
      expect(res.body.status).toBe("ignored");
    }
    expect(await itemCount()).toBe(before);
  });
});

describe("unmatched callbacks", () => {
  it("keeps a payment to an unknown account, lists it, and counts it once the account is registered", async () => {
    const body = genericBody({ id: "FT-EARLY", accountNumber: "5550001", amount: 20000 });
    expect((await generic(body)).body.status).toBe("unmatched");
    expect((await generic(body)).body.status).toBe("duplicate");
    const unmatched = await h.call("GET", "/api/callbacks/unmatched");
    expect(unmatched.body.items).toEqual([
      expect.objectContaining({
        id: "FT-EARLY",
        stallId: null,
        amount: 20000,
        bin: "970405",
        accountNumber: "***0001",
      }),
    ]);

    const late = (
      await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("B-01", "5550001") })
    ).body;
    expect((await h.call("GET", "/api/callbacks/unmatched")).body.items).toEqual([]);
    const list = await h.call("GET", `/api/stalls/${late.id}/transactions?from=2026-11-29&to=2026-11-29`);
    expect(list.body.items.map((t: { id: string }) => t.id)).toEqual(["FT-EARLY"]);
    const day = await h.store.doc.send(
      new GetCommand({ TableName: h.store.table, Key: StallDayItem.key("dong-van", late.id, "2026-11-29") }),
    );
    expect(day.Item).toMatchObject({ count: 1, value: 20000 });
    expect((await generic(body)).body.status).toBe("duplicate");
  });

  it("a payment to the same number at another bank stays unmatched", async () => {
    const res = await generic(genericBody({ id: "FT-OTHER-BANK", bin: "970436" }));
    expect(res.body.status).toBe("unmatched");
  });

  it("matches by account alone when the provider gives no BIN", async () => {
    const body = JSON.stringify({
      id: "FT-NOBIN",
      accountNumber: "8888123456789",
      amount: 5000,
      paidAt: "2026-11-29T07:00:00+07:00",
      description: "",
    });
    expect((await generic(body)).body).toMatchObject({ status: "stored" });
  });
});

describe("atomicity", () => {
  it("a failure inside the write leaves no transaction record and no partial count", async () => {
    // Corrupt the stall's rollup for a day so the ADD in the same transaction must fail.
    const poisoned = { ...StallDayItem.key("dong-van", stallId, "2026-11-30"), count: "x" };
    await h.store.doc.send(new PutCommand({ TableName: h.store.table, Item: poisoned }));
    const res = await generic(genericBody({ id: "FT-POISON", paidAt: "2026-11-30T08:00:00+07:00" }));
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe("internal_error");
    const record = await h.store.doc.send(
      new GetCommand({ TableName: h.store.table, Key: TransactionItem.key("generic", "FT-POISON") }),
    );
    expect(record.Item).toBeUndefined();
    const stallDay = await h.store.doc.send(
      new GetCommand({ TableName: h.store.table, Key: StallDayItem.key("dong-van", stallId, "2026-11-30") }),
    );
    expect(stallDay.Item).toEqual(poisoned);
    const unmatched = (await h.call("GET", "/api/callbacks/unmatched")).body.items as { id: string }[];
    expect(unmatched.map((u) => u.id)).not.toContain("FT-POISON");
    await h.store.doc.send(
      new DeleteCommand({
        TableName: h.store.table,
        Key: StallDayItem.key("dong-van", stallId, "2026-11-30"),
      }),
    );
  });
});

describe("payOS, SePay and Casso over HTTP", () => {
  it("payOS: a signed webhook to a registered account is stored, and its reply says success", async () => {
    const { createHmac } = await import("node:crypto");
    const { payosSignedString } = await import("@market40/core/callback/providers/payos");
    const data = {
      orderCode: 77,
      amount: 45000,
      description: "A12 thit",
      accountNumber: "8888123456789",
      reference: "TF26112900001",
      transactionDateTime: "2026-11-29 08:15:00",
      currency: "VND",
      paymentLinkId: "p1",
      code: "00",
      desc: "Thành công",
      counterAccountBankId: "970415",
      counterAccountBankName: "VietinBank",
      counterAccountName: "NGUYEN VAN A",
      counterAccountNumber: "123",
      virtualAccountName: "",
      virtualAccountNumber: "",
    };
    const signature = createHmac("sha256", TEST_SECRETS.payos).update(payosSignedString(data)!).digest("hex");
    const body = JSON.stringify({ code: "00", desc: "success", success: true, data, signature });
    const res = await post("payos", body, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, ok: true, status: "stored", id: "TF26112900001" });
    expect((await post("payos", body, {})).body.status).toBe("duplicate");
    expect((await post("payos", body.replace("45000", "46000"), {})).status).toBe(401);
  });

  it("SePay: the API key header, income only", async () => {
    const body = (over: object) =>
      JSON.stringify({
        id: 92704,
        gateway: "Agribank",
        transactionDate: "2026-11-29 09:00:00",
        accountNumber: "8888123456789",
        code: null,
        content: "A12 rau",
        transferType: "in",
        transferAmount: 15000,
        accumulated: 100000,
        subAccount: null,
        referenceCode: "R1",
        description: "",
        ...over,
      });
    expect(
      (await post("sepay", body({}), { authorization: `Apikey ${TEST_SECRETS.sepay}` })).body,
    ).toMatchObject({ success: true, status: "stored" });
    expect(
      (
        await post("sepay", body({ id: 92705, transferType: "out" }), {
          authorization: `Apikey ${TEST_SECRETS.sepay}`,
        })
      ).body.status,
    ).toBe("ignored");
    expect((await post("sepay", body({ id: 92706 }), { authorization: "Apikey nope" })).status).toBe(401);
  });

  it("Casso: the published sample is verified, and is Casso's test transaction: acknowledged, not stored", async () => {
    const body =
      '{"error":0,"data":{"id":0,"reference":"MA_GIAO_DICH_THU_NGHIEM","description":"giao dich thu nghiem","amount":599000,' +
      '"runningBalance":25000000,"transactionDateTime":"2024-10-03 15:06:37","accountNumber":"88888888","bankName":"VPBank",' +
      '"bankAbbreviation":"VPB","virtualAccountNumber":"","virtualAccountName":"","counterAccountName":"NGUYEN VAN A",' +
      '"counterAccountNumber":"8888888888","counterAccountBankId":"970415","counterAccountBankName":"VietinBank"}}';
    const v1 =
      "ed0a4bd2e826d5cb69988cdb141e6c1a080e21f3b57eb72cd78192220042b9e7dde0868fc667faea8e224900fa7904e7c88dfa098032fb2d6b6996856e8b7ff3";
    const res = await post("casso", body, { "x-casso-signature": `t=1727948258788,v1=${v1}` });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, status: "test", id: "0" });
  });
});

describe("reconciliation", () => {
  const upload = (csv: string, ingest = false) =>
    h.call("POST", `/api/reconciliation/generic?ingest=${ingest}`, {
      body: csv,
      headers: { "content-type": "text/csv" },
    });

  it("reports what the platform never received and what the statement lacks, then ingests the missing once", async () => {
    const header = "id,paidAt,accountNumber,amount,description,bin";
    const csv = [
      header,
      "FT26330123456,2026-11-29T06:41:07+07:00,8888123456789,35000,A12 rau cai,970405",
      "FT-MISSED-1,2026-11-29 10:05:00,8888123456789,22000,A12 trung,970405",
      "FT-MISSED-2,2026-11-29 10:06:00,7777000,9000,unknown account,970405",
      "FT-OUTGOING,2026-11-29 10:07:00,8888123456789,-5000,refund,970405",
      "BAD ID,2026-11-29 10:08:00,8888123456789,1000,x,970405",
    ].join("\n");
    const dry = await upload(csv);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      provider: "generic",
      rows: 3,
      from: "2026-11-29",
      to: "2026-11-29",
      matched: 1,
      ingested: 0,
    });
    expect(dry.body.missing.map((m: { id: string }) => m.id)).toEqual(["FT-MISSED-1", "FT-MISSED-2"]);
    expect(dry.body.errors).toEqual([{ line: 6, message: expect.stringContaining("id") }]);
    // Everything else stored for that account on that day is "extra" from the statement's point of view.
    expect(dry.body.extra.map((e: { id: string }) => e.id)).toEqual(
      expect.arrayContaining(["FT-CONCURRENT", "FT-NOBIN"]),
    );

    const before = (
      await h.store.doc.send(
        new GetCommand({
          TableName: h.store.table,
          Key: StallDayItem.key("dong-van", stallId, "2026-11-29"),
        }),
      )
    ).Item!;
    const wet = await upload(csv, true);
    expect(wet.body.ingested).toBe(2);
    const after = (
      await h.store.doc.send(
        new GetCommand({
          TableName: h.store.table,
          Key: StallDayItem.key("dong-van", stallId, "2026-11-29"),
        }),
      )
    ).Item!;
    expect(after.count).toBe(before.count + 1);
    expect(after.value).toBe(before.value + 22000);
    const again = await upload(csv, true);
    expect(again.body).toMatchObject({ matched: 3, ingested: 0, missing: [] });
    // A callback arriving after the statement was ingested is a duplicate.
    expect((await generic(genericBody({ id: "FT-MISSED-1", amount: 22000 }))).body.status).toBe("duplicate");
  });

  it("is for admins only and refuses non-CSV", async () => {
    const manager = await h.token("manager", { marketId: "dong-van" });
    expect(
      (
        await h.call("POST", "/api/reconciliation/generic", {
          token: manager,
          body: "id\n",
          headers: { "content-type": "text/csv" },
        })
      ).status,
    ).toBe(403);
    expect((await h.call("POST", "/api/reconciliation/generic", { body: { id: 1 } })).status).toBe(415);
    expect((await upload("nope,header\n1,2\n")).status).toBe(400);
  });
});
