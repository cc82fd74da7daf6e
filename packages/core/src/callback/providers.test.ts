import { genericBody, signGeneric } from "@market40/devkit/signing";
import { describe, expect, it } from "vitest";
import { casso } from "./providers/casso";
import { generic } from "./providers/generic";
import { payos, payosSignedString } from "./providers/payos";
import { sepay } from "./providers/sepay";
import { hmacHex } from "./signature";
import type { RawCallback } from "./types";

const raw = (body: string | object, headers: Record<string, string> = {}): RawCallback => ({
  body: new TextEncoder().encode(typeof body === "string" ? body : JSON.stringify(body)),
  header: (n) => headers[n.toLowerCase()],
});

// payOS's documented sample (webhooks reference): key, data and signature as published.
const PAYOS_KEY = "1a54716c8f0efb2744fb28b6e38b25da7f67a925d98bc1c18bd8faaecadd7675";
const PAYOS_DATA = {
  orderCode: 123,
  amount: 3000,
  description: "VQRIO123",
  accountNumber: "12345678",
  reference: "TF230204212323",
  transactionDateTime: "2023-02-04 18:25:00",
  currency: "VND",
  paymentLinkId: "124c33293c43417ab7879e14c8d9eb18",
  code: "00",
  desc: "Thành công",
  counterAccountBankId: "",
  counterAccountBankName: "",
  counterAccountName: "",
  counterAccountNumber: "",
  virtualAccountName: "",
  virtualAccountNumber: "",
};
const PAYOS_SIGNATURE = "412e915d2871504ed31be63c8f62a149a4410d34c4c42affc9006ef9917eaa03";

// Casso's published webhook v2 sample.
const CASSO_SECRET = "mgExMrjj4i7a1p8Cs6LmFbpCd8lbw4sSX4LZXPag7TKazeIogtR90tvWYTkwQbvs";
const CASSO_T = "1727948258788";
const CASSO_BODY =
  '{"error":0,"data":{"id":0,"reference":"MA_GIAO_DICH_THU_NGHIEM","description":"giao dich thu nghiem","amount":599000,' +
  '"runningBalance":25000000,"transactionDateTime":"2024-10-03 15:06:37","accountNumber":"88888888","bankName":"VPBank",' +
  '"bankAbbreviation":"VPB","virtualAccountNumber":"","virtualAccountName":"","counterAccountName":"NGUYEN VAN A",' +
  '"counterAccountNumber":"8888888888","counterAccountBankId":"970415","counterAccountBankName":"VietinBank"}}';
const CASSO_V1 =
  "ed0a4bd2e826d5cb69988cdb141e6c1a080e21f3b57eb72cd78192220042b9e7dde0868fc667faea8e224900fa7904e7c88dfa098032fb2d6b6996856e8b7ff3";

const now = new Date("2026-11-29T00:00:00Z");

describe("payOS", () => {
  it("verifies the published sample and reads it", () => {
    expect(hmacHex("sha256", PAYOS_KEY, payosSignedString(PAYOS_DATA))).toBe(PAYOS_SIGNATURE);
    const txn = payos.verifyAndParse(
      raw({ code: "00", desc: "success", success: true, data: PAYOS_DATA, signature: PAYOS_SIGNATURE }),
      PAYOS_KEY,
      now,
    );
    expect(txn).toEqual({
      provider: "payos",
      providerTxnId: "TF230204212323",
      accountNumber: "12345678",
      amount: 3000,
      direction: "in",
      paidAt: "2023-02-04T11:25:00.000Z",
      description: "VQRIO123",
    });
  });

  it("rejects a changed amount, a Unicode-normalised value, or a wrong key", () => {
    const body = (data: object) => raw({ data, signature: PAYOS_SIGNATURE });
    expect(() => payos.verifyAndParse(body({ ...PAYOS_DATA, amount: 30000 }), PAYOS_KEY, now)).toThrow(
      /Signature/,
    );
    expect(() =>
      payos.verifyAndParse(body({ ...PAYOS_DATA, desc: "Thành công".normalize("NFD") }), PAYOS_KEY, now),
    ).toThrow(/Signature/);
    expect(() => payos.verifyAndParse(body(PAYOS_DATA), "0".repeat(64), now)).toThrow(/Signature/);
    expect(() => payos.verifyAndParse(raw({ data: PAYOS_DATA }), PAYOS_KEY, now)).toThrow(/Signature/);
  });

  it("trusts data.code, not the unsigned top-level success", () => {
    const data = { ...PAYOS_DATA, code: "01" };
    const signature = hmacHex("sha256", PAYOS_KEY, payosSignedString(data));
    expect(
      payos.verifyAndParse(raw({ code: "00", success: true, data, signature }), PAYOS_KEY, now),
    ).toBeNull();
  });

  it("signs null-likes as empty and nested values as sorted JSON", () => {
    expect(payosSignedString({ b: null, a: "undefined", c: { z: 1, y: [2, { x: 3, w: 4 }] } })).toBe(
      'a=&b=&c={"y":[2,{"w":4,"x":3}],"z":1}',
    );
  });
});

describe("Casso v2", () => {
  it("verifies the published sample over the raw body", () => {
    const txn = casso.verifyAndParse(
      raw(CASSO_BODY, { "x-casso-signature": `t=${CASSO_T},v1=${CASSO_V1}` }),
      CASSO_SECRET,
      now,
    );
    expect(txn).toEqual({
      provider: "casso",
      providerTxnId: "0",
      bin: "970432",
      accountNumber: "88888888",
      amount: 599000,
      direction: "in",
      paidAt: "2024-10-03T08:06:37.000Z",
      description: "giao dich thu nghiem",
      payer: "970415:8888888888",
    });
  });

  it("rejects tampering, a wrong timestamp, and a missing header", () => {
    const tampered = CASSO_BODY.replace("599000", "599001");
    expect(() =>
      casso.verifyAndParse(
        raw(tampered, { "x-casso-signature": `t=${CASSO_T},v1=${CASSO_V1}` }),
        CASSO_SECRET,
        now,
      ),
    ).toThrow(/Signature/);
    expect(() =>
      casso.verifyAndParse(
        raw(CASSO_BODY, { "x-casso-signature": `t=1727948258789,v1=${CASSO_V1}` }),
        CASSO_SECRET,
        now,
      ),
    ).toThrow(/Signature/);
    expect(() => casso.verifyAndParse(raw(CASSO_BODY), CASSO_SECRET, now)).toThrow(/Signature/);
  });

  it("treats a negative amount as money out", () => {
    const body = CASSO_BODY.replace('"amount":599000', '"amount":-599000');
    const v1 = hmacHex("sha512", CASSO_SECRET, `${CASSO_T}.`, sortedJson(body));
    expect(
      casso.verifyAndParse(raw(body, { "x-casso-signature": `t=${CASSO_T},v1=${v1}` }), CASSO_SECRET, now)
        ?.direction,
    ).toBe("out");
  });
});

function sortedJson(text: string): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(sort(JSON.parse(text)));
}

describe("SePay", () => {
  const body = {
    id: 92704,
    gateway: "Vietcombank",
    transactionDate: "2026-11-29 06:41:07",
    accountNumber: "0123499999",
    code: null,
    content: "A12 rau cai",
    transferType: "in",
    transferAmount: 35000,
    accumulated: 19077000,
    subAccount: null,
    referenceCode: "MBVCB.3278907687",
    description: "",
  };
  it("checks the API key in constant time and reads local time as Vietnam time", () => {
    const txn = sepay.verifyAndParse(raw(body, { authorization: "Apikey k3y" }), "k3y", now);
    expect(txn).toMatchObject({
      providerTxnId: "92704",
      bin: "970436",
      amount: 35000,
      direction: "in",
      paidAt: "2026-11-28T23:41:07.000Z",
    });
    expect(() => sepay.verifyAndParse(raw(body, { authorization: "Apikey wrong" }), "k3y", now)).toThrow(
      /Signature/,
    );
    expect(() => sepay.verifyAndParse(raw(body, { authorization: "Bearer k3y" }), "k3y", now)).toThrow(
      /Signature/,
    );
    expect(() => sepay.verifyAndParse(raw(body), "k3y", now)).toThrow(/Signature/);
  });
  it("400s a body that is not SePay's format", () => {
    expect(() =>
      sepay.verifyAndParse(
        raw({ ...body, transferType: "sideways" }, { authorization: "Apikey k3y" }),
        "k3y",
        now,
      ),
    ).toThrow(/format/);
    expect(() =>
      sepay.verifyAndParse(
        raw({ ...body, transactionDate: "29/11/2026" }, { authorization: "Apikey k3y" }),
        "k3y",
        now,
      ),
    ).toThrow(/format/);
  });
});

describe("generic", () => {
  // Signed as an integrator would, with node's own HMAC (@market40/devkit/signing), not the code under test.
  const body = genericBody();
  const sign = (secret: string, t: number, text = body) => signGeneric(secret, text, new Date(t * 1000));
  const t = Math.floor(now.getTime() / 1000);
  it("accepts a fresh signature from any configured secret, with any of several v1 values", () => {
    expect(generic.verifyAndParse(raw(body, { "x-signature": sign("s1", t) }), "s1", now)?.paidAt).toBe(
      "2026-11-28T23:41:07.000Z",
    );
    expect(generic.verifyAndParse(raw(body, { "x-signature": sign("new", t) }), "old,new", now)?.amount).toBe(
      35000,
    );
    const both = `${sign("other", t)},${sign("s1", t).split(",")[1]}`;
    expect(generic.verifyAndParse(raw(body, { "x-signature": both }), "s1", now)?.providerTxnId).toBe(
      "FT26330123456",
    );
  });
  it("refuses stale or future timestamps, bad MACs and malformed headers", () => {
    expect(() =>
      generic.verifyAndParse(raw(body, { "x-signature": sign("s1", t - 301) }), "s1", now),
    ).toThrow(/tolerance/);
    expect(() =>
      generic.verifyAndParse(raw(body, { "x-signature": sign("s1", t + 301) }), "s1", now),
    ).toThrow(/tolerance/);
    expect(() => generic.verifyAndParse(raw(body, { "x-signature": sign("s2", t) }), "s1", now)).toThrow(
      /Signature/,
    );
    expect(() =>
      generic.verifyAndParse(raw(`${body} `, { "x-signature": sign("s1", t) }), "s1", now),
    ).toThrow(/Signature/);
    for (const header of ["", "t=abc,v1=00", `v1=${"a".repeat(64)}`, `t=${t}`])
      expect(() => generic.verifyAndParse(raw(body, { "x-signature": header }), "s1", now)).toThrow(
        /Signature/,
      );
  });
  it("checks the signature before it looks at the body", () => {
    expect(() =>
      generic.verifyAndParse(raw("{not json", { "x-signature": sign("s2", t, "{not json") }), "s1", now),
    ).toThrow(/Signature/);
    expect(() =>
      generic.verifyAndParse(raw("{not json", { "x-signature": sign("s1", t, "{not json") }), "s1", now),
    ).toThrow(/JSON/);
  });
});
