/**
 * docs/contract.md §11 over HTTP: every VietQR bank usable by a stall; SePay's HMAC mode; Casso v2 signed as either
 * published sample signs, and its legacy webhooks; payOS as its SDK signs; providers' test deliveries acknowledged
 * and not stored; amounts beyond 13 digits refused. Deliveries are built by @market40/devkit the way each provider's
 * documentation or SDK builds them (their verifiers are checked against the SDK, PHP and published samples in
 * packages/core/src/callback/providers/*.test.ts).
 */

import { createHmac } from "node:crypto";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { PAYOS_CONFIRMATION_SAMPLE, payosSignedString } from "@market40/core/callback/providers/payos";
import { MAX_AMOUNT } from "@market40/core/callback/types";
import { type DeliveryMode, type SimulatedPayment, signAs } from "@market40/devkit/providerClients";
import { genericBody, signGeneric, signSepay } from "@market40/devkit/signing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput, TEST_SECRETS } from "./support/harness";

let h: Harness;
const ACCOUNT = "8888123456789";

beforeAll(async () => {
  h = await harness("2026-11-29T01:00:00Z");
  await h.call("POST", "/api/markets", { body: DONG_VAN });
  // The stall banks with Shinhan, one of the banks the directory used to refuse.
  const res = await h.call("POST", "/api/markets/dong-van/stalls", {
    body: stallInput("A-12", ACCOUNT, "970424"),
  });
  expect(res.status).toBe(201);
});
afterAll(() => h.close());

const post = (provider: string, body: string, headers: Record<string, string>) =>
  h.call("POST", `/api/callbacks/${provider}`, {
    token: null,
    body,
    headers: { "content-type": "application/json", ...headers },
  });

/** Every transaction record in the table (stored or unmatched). */
async function stored(): Promise<string[]> {
  const res = await h.store.doc.send(
    new ScanCommand({
      TableName: h.store.table,
      FilterExpression: "#t = :t",
      ExpressionAttributeNames: { "#t": "type" },
      ExpressionAttributeValues: { ":t": "transaction" },
    }),
  );
  return (res.Items ?? []).map((i) => `${i.provider}:${i.id}`).sort();
}

/** Keys sorted recursively, as Casso signs. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  return value;
}

let seq = 0;
const payment = (over: Partial<SimulatedPayment> = {}): SimulatedPayment => ({
  id: `FT2633${String(++seq).padStart(6, "0")}`,
  bin: "970424",
  accountNumber: ACCOUNT,
  bankShortName: "ShinhanBank",
  amount: 25000,
  paidAt: new Date("2026-11-29T01:00:00Z"),
  description: "A-12 rau cải / đậu",
  payer: "0451000123",
  ...over,
});
const deliver = <P extends "generic" | "payos" | "sepay" | "casso">(
  provider: P,
  p: SimulatedPayment,
  mode?: DeliveryMode<P>,
) => {
  const req = signAs(provider, p, TEST_SECRETS, h.clock.now(), mode);
  return post(provider, req.body, req.headers);
};

describe("banks", () => {
  it("lists the whole VietQR directory, and a stall can be registered at every bank in it", async () => {
    const banks = (await h.call("GET", "/api/banks", { token: null })).body.items as { bin: string }[];
    expect(banks).toHaveLength(64);
    for (const bin of [
      "970424",
      "546034",
      "963388",
      "970410",
      "422589",
      "970458",
      "796500",
      "801011",
      "668888",
      "971133", // PVcomBank Pay (issue 25)
    ])
      expect(banks.map((b) => b.bin)).toContain(bin);
    const admin = await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "every-bank" } });
    expect(admin.status).toBe(201);
    for (const [i, { bin }] of banks.entries()) {
      const res = await h.call("POST", "/api/markets/every-bank/stalls", {
        body: stallInput(`B-${i}`, `70000${String(i).padStart(3, "0")}`, bin),
      });
      expect(res.status, bin).toBe(201);
    }
  });
});

describe("SePay over HTTP", () => {
  it("stores an HMAC-signed delivery, matched through the gateway's bank, once", async () => {
    const p = payment();
    const first = await deliver("sepay", p, "hmac");
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ ok: true, success: true, status: "stored" });
    expect((await deliver("sepay", p, "hmac")).body.status).toBe("duplicate");
    // The same transaction through the API-key mode is the same id: a duplicate too.
    expect((await deliver("sepay", p, "apikey")).body.status).toBe("duplicate");
  });

  it("refuses stale, tampered and wrongly keyed HMAC deliveries, storing nothing", async () => {
    const before = await stored();
    const req = signAs("sepay", payment(), TEST_SECRETS, h.clock.now(), "hmac");
    const stale = signSepay(
      TEST_SECRETS.sepayWebhookSecret,
      req.body,
      new Date(h.clock.now().getTime() - 301_000),
    );
    expect((await post("sepay", req.body, stale)).status).toBe(401);
    expect((await post("sepay", req.body.replace("25000", "250000"), req.headers)).status).toBe(401);
    expect((await post("sepay", req.body, signSepay("wrong", req.body, h.clock.now()))).status).toBe(401);
    expect(
      (await post("sepay", req.body, signSepay(TEST_SECRETS.sepay, req.body, h.clock.now()))).status,
    ).toBe(401);
    expect(await stored()).toEqual(before);
  });
});

describe("Casso over HTTP", () => {
  it("stores a v2 delivery signed as Casso's PHP sample signs, and its Node-signed twin is a duplicate", async () => {
    const p = payment();
    const php = await deliver("casso", p, "v2-php");
    expect(php.status).toBe(200);
    expect(php.body.status).toBe("stored");
    expect((await deliver("casso", p, "v2")).body.status).toBe("duplicate");
    const list = await h.call("GET", "/api/markets/dong-van/transactions?from=2026-11-29&to=2026-11-29");
    expect(list.body.items.find((t: { provider: string }) => t.provider === "casso")?.description).toBe(
      "A-12 rau cải / đậu",
    );
  });

  it("refuses a v2 delivery signed over any other serialisation, storing nothing", async () => {
    const before = await stored();
    const req = signAs("casso", payment(), TEST_SECRETS, h.clock.now(), "v2");
    const t = String(h.clock.now().getTime());
    const sign = (text: string) =>
      `t=${t},v1=${createHmac("sha512", TEST_SECRETS.casso).update(`${t}.${text}`).digest("hex")}`;
    const sorted = sortKeys(JSON.parse(req.body));
    const node = JSON.stringify(sorted);
    // Neither published sample's form: the body as sent (unsorted), slashes escaped but not Vietnamese letters
    // (json_encode with JSON_UNESCAPED_UNICODE), and sorted but spaced.
    for (const text of [req.body, node.replace(/\//g, "\\/"), JSON.stringify(sorted, null, 1)])
      expect((await post("casso", req.body, { "x-casso-signature": sign(text) })).status).toBe(401);
    expect((await post("casso", req.body, { "x-casso-signature": sign(node) })).status).toBe(200);
    expect((await stored()).length).toBe(before.length + 1);
  });

  it("takes a legacy batch item by item, idempotent on each item's id, and says what became of each", async () => {
    const body = (items: object[]) => JSON.stringify({ error: 0, data: items });
    const item = (id: number, account = ACCOUNT, amount = 15000) => ({
      id,
      tid: `TF${id}`,
      description: `hang ${id}`,
      amount,
      cusum_balance: 0,
      when: "2026-11-29 08:30:00",
      bank_sub_acc_id: account,
      subAccId: account,
    });
    const token = { "secure-token": TEST_SECRETS.cassoSecureToken };
    const batch = body([item(90001), item(90002, "5550001"), item(0), item(90003, ACCOUNT, -4000)]);
    const first = await post("casso", batch, token);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      ok: true,
      success: true,
      status: "stored",
      items: [
        { id: "90001", status: "stored" },
        { id: "90002", status: "unmatched" },
        { id: "0", status: "test" },
        { id: "90003", status: "ignored" },
      ],
    });
    // Casso redelivers the whole batch, now with one more item: only the new one is stored.
    const again = await post("casso", body([item(90001), item(90002, "5550001"), item(90004)]), token);
    expect(again.body).toMatchObject({
      status: "stored",
      items: [
        { id: "90001", status: "duplicate" },
        { id: "90002", status: "duplicate" },
        { id: "90004", status: "stored" },
      ],
    });
    expect((await post("casso", body([item(90001)]), token)).body).toEqual({
      ok: true,
      success: true,
      status: "duplicate",
      id: "90001",
    });
    const ids = await stored();
    expect(ids).toEqual(expect.arrayContaining(["casso:90001", "casso:90002", "casso:90004"]));
    expect(ids).not.toContain("casso:0");
    expect(ids).not.toContain("casso:90003");
    expect((await post("casso", batch, { "secure-token": "wrong" })).status).toBe(401);
    expect((await post("casso", batch, { "secure-token": TEST_SECRETS.casso })).status).toBe(401);
  });
});

describe("test deliveries", () => {
  it("acknowledges payOS's confirmation sample and Casso's test transaction as 'test' and stores neither", async () => {
    const before = await stored();
    // payOS's confirmation sample, signed with the merchant's checksum key as payOS signs it.
    const sample = signAs(
      "payos",
      payment({ id: "TF230204212323", amount: 3000, accountNumber: "12345678" }),
      TEST_SECRETS,
      h.clock.now(),
    );
    const body = JSON.parse(sample.body);
    body.data = { ...body.data, ...PAYOS_CONFIRMATION_SAMPLE };
    body.signature = createHmac("sha256", TEST_SECRETS.payos)
      .update(payosSignedString(body.data)!)
      .digest("hex");
    const payos = await post("payos", JSON.stringify(body), {});
    expect(payos.status).toBe(200);
    expect(payos.body).toMatchObject({ success: true, ok: true, status: "test" });
    // Casso's published sample (id 0), exactly as published.
    const cassoSample =
      '{"error":0,"data":{"id":0,"reference":"MA_GIAO_DICH_THU_NGHIEM","description":"giao dich thu nghiem","amount":599000,' +
      '"runningBalance":25000000,"transactionDateTime":"2024-10-03 15:06:37","accountNumber":"88888888","bankName":"VPBank",' +
      '"bankAbbreviation":"VPB","virtualAccountNumber":"","virtualAccountName":"","counterAccountName":"NGUYEN VAN A",' +
      '"counterAccountNumber":"8888888888","counterAccountBankId":"970415","counterAccountBankName":"VietinBank"}}';
    const v1 =
      "ed0a4bd2e826d5cb69988cdb141e6c1a080e21f3b57eb72cd78192220042b9e7dde0868fc667faea8e224900fa7904e7c88dfa098032fb2d6b6996856e8b7ff3";
    const casso = await post("casso", cassoSample, { "x-casso-signature": `t=1727948258788,v1=${v1}` });
    expect(casso.status).toBe(200);
    expect(casso.body).toMatchObject({ success: true, ok: true, status: "test" });
    // A test delivery with a bad signature is still refused.
    expect(
      (await post("casso", cassoSample, { "x-casso-signature": `t=1727948258789,v1=${v1}` })).status,
    ).toBe(401);
    expect(await stored()).toEqual(before);
    expect(
      (await h.call("GET", "/api/callbacks/unmatched")).body.items.map((i: { id: string }) => i.id),
    ).not.toContain("0");
  });
});

describe("amounts", () => {
  it("stores 13 digits and refuses 14, or a fraction, from every provider, storing nothing", async () => {
    expect((await deliver("generic", payment({ amount: MAX_AMOUNT }))).body.status).toBe("stored");
    const before = await stored();
    for (const amount of [MAX_AMOUNT + 1, 25000.5]) {
      for (const [provider, mode] of [
        ["generic", undefined],
        ["payos", undefined],
        ["sepay", "apikey"],
        ["sepay", "hmac"],
        ["casso", "v2"],
        ["casso", "v2-php"],
        ["casso", "legacy"],
      ] as const) {
        const res = await deliver(provider, payment({ amount }), mode as never);
        expect(res.status, `${provider} ${mode ?? ""} ${amount}`).toBe(400);
        expect(res.body.error.code).toBe("validation_error");
      }
    }
    // A raw generic body with 14 digits (no client rounding in between).
    const big = genericBody({ id: "FT-BIG-AMOUNT", amount: 10_000_000_000_000 });
    const res = await post("generic", big, {
      "x-signature": signGeneric(TEST_SECRETS.generic, big, h.clock.now()),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].path).toBe("amount");
    expect(await stored()).toEqual(before);
  });
});
