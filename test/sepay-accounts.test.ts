import { signSepay } from "@market40/devkit/signing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput, TEST_SECRETS } from "./support/harness";

/**
 * SePay as it really delivers (issue 25, docs/contract.md §16): `subAccount` is a virtual account only when a stall
 * holds it (a memo sub-account is a code in the note, and the main account is paid); a webhook set up to post a form
 * is verified on its raw bytes and read like the JSON one.
 */
let h: Harness;
let mainStall: string;
let vaStall: string;
const VCB = "970436"; // SePay's gateway "Vietcombank"

beforeAll(async () => {
  h = await harness("2026-11-29T03:00:00Z");
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "cho-s", name: "Chợ S" } });
  mainStall = (
    await h.call("POST", "/api/markets/cho-s/stalls", { body: stallInput("S-1", "0011223344", VCB) })
  ).body.id;
  vaStall = (
    await h.call("POST", "/api/markets/cho-s/stalls", { body: stallInput("S-2", "VQR99001122", VCB) })
  ).body.id;
});
afterAll(() => h.close());

let seq = 93000;
const fields = (over: Record<string, string | number | null>) => ({
  id: ++seq,
  gateway: "Vietcombank",
  transactionDate: "2026-11-29 09:15:00",
  accountNumber: "0011223344",
  code: null,
  content: "S thanh toan",
  transferType: "in",
  transferAmount: 30000,
  accumulated: 0,
  subAccount: null,
  referenceCode: `MBVCB.${seq}`,
  description: "S thanh toan",
  ...over,
});

const postJson = (body: object) => {
  const text = JSON.stringify(body);
  return h.call("POST", "/api/callbacks/sepay", {
    token: null,
    body: text,
    headers: { "content-type": "application/json", authorization: `Apikey ${TEST_SECRETS.sepay}` },
  });
};

const stallOf = async (id: number) =>
  (await h.call("GET", `/api/markets/cho-s/transactions?from=2026-11-29&to=2026-11-29`)).body.items.find(
    (t: { id: string }) => t.id === String(id),
  )?.stallId;

describe("SePay subAccount", () => {
  it("a memo sub-account (no stall holds it) leaves the payment on the main account's stall", async () => {
    const body = fields({ subAccount: "SEVQRMEMO7" });
    expect((await postJson(body)).body.status).toBe("stored");
    expect(await stallOf(body.id as number)).toBe(mainStall);
  });

  it("a registered virtual account is the receiving account", async () => {
    const body = fields({ subAccount: "VQR99001122" });
    expect((await postJson(body)).body.status).toBe("stored");
    expect(await stallOf(body.id as number)).toBe(vaStall);
  });
});

describe("SePay form-encoded deliveries", () => {
  const form = (body: Record<string, string | number | null>) =>
    new URLSearchParams(Object.entries(body).map(([k, v]) => [k, v === null ? "" : String(v)])).toString();

  it("are verified on their raw bytes and stored like the JSON ones", async () => {
    const body = fields({ content: "S-1 rau cải & đậu" });
    const text = form(body);
    const res = await h.call("POST", "/api/callbacks/sepay", {
      token: null,
      body: text,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        ...signSepay(TEST_SECRETS.sepayWebhookSecret, text, h.clock.now()),
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "stored", id: String(body.id) });
    const stored = (
      await h.call("GET", `/api/markets/cho-s/transactions?from=2026-11-29&to=2026-11-29`)
    ).body.items.find((t: { id: string }) => t.id === String(body.id));
    expect(stored).toMatchObject({ stallId: mainStall, amount: 30000, description: "S-1 rau cải & đậu" });

    // The same bytes with the amount changed no longer match the signature.
    const tampered = text.replace("transferAmount=30000", "transferAmount=90000");
    const refused = await h.call("POST", "/api/callbacks/sepay", {
      token: null,
      body: tampered,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        ...signSepay(TEST_SECRETS.sepayWebhookSecret, text, h.clock.now()),
      },
    });
    expect(refused.status).toBe(401);
  });

  it("a form to another provider's route is still 415", async () => {
    const res = await h.call("POST", "/api/callbacks/casso", {
      token: null,
      body: "a=1",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(415);
  });
});
