import { rawCallback as raw, secretsWith, signSepay } from "@market40/devkit/signing";
import { describe, expect, it } from "vitest";
import { MAX_AMOUNT } from "../types";
import { sepay } from "./sepay";

const now = new Date("2026-11-29T00:00:00Z");
// SePay's documented body (its webhook integration guide's example), at our date.
const BODY = {
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
const text = (over: object = {}) => JSON.stringify({ ...BODY, ...over });
const API_KEY = "k3y";
const HMAC_SECRET = "whsec-sepay";
const both = secretsWith({ sepay: API_KEY, sepayWebhookSecret: HMAC_SECRET });

describe("SePay, API key mode", () => {
  it("checks the API key in constant time and reads local time as Vietnam time", () => {
    const delivery = sepay.verifyAndParse(raw(BODY, { authorization: `Apikey ${API_KEY}` }), both, now);
    expect(delivery.transactions).toEqual([
      expect.objectContaining({
        providerTxnId: "92704",
        bin: "970436",
        amount: 35000,
        direction: "in",
        paidAt: "2026-11-28T23:41:07.000Z",
      }),
    ]);
    expect(
      sepay.verifyAndParse(raw(BODY, { authorization: `apikey ${API_KEY}` }), both, now).transactions,
    ).toHaveLength(1);
    for (const authorization of ["Apikey wrong", `Bearer ${API_KEY}`, `Apikey ${API_KEY}x`, ""])
      expect(() => sepay.verifyAndParse(raw(BODY, { authorization }), both, now), authorization).toThrow(
        /Signature/,
      );
    expect(() => sepay.verifyAndParse(raw(BODY), both, now)).toThrow(/Signature/);
  });

  it("refuses every API key when only the HMAC secret is configured", () => {
    const hmacOnly = secretsWith({ sepayWebhookSecret: HMAC_SECRET });
    expect(() => sepay.verifyAndParse(raw(BODY, { authorization: "Apikey " }), hmacOnly, now)).toThrow(
      /Signature/,
    );
    expect(() =>
      sepay.verifyAndParse(raw(BODY, { authorization: `Apikey ${HMAC_SECRET}` }), hmacOnly, now),
    ).toThrow(/Signature/);
  });

  it("400s a body that is not SePay's format", () => {
    const auth = { authorization: `Apikey ${API_KEY}` };
    expect(() => sepay.verifyAndParse(raw(text({ transferType: "sideways" }), auth), both, now)).toThrow(
      /format/,
    );
    expect(() => sepay.verifyAndParse(raw(text({ transactionDate: "29/11/2026" }), auth), both, now)).toThrow(
      /format/,
    );
  });
});

describe("SePay, HMAC-SHA256 mode", () => {
  // Signed as SePay's authentication guide describes: X-SePay-Timestamp, and sha256=HMAC("<t>." + raw body).
  const signed = (body: string, at = now, secret = HMAC_SECRET) => raw(body, signSepay(secret, body, at));

  it("accepts a delivery signed over the raw bytes, whichever secrets are configured", () => {
    // Spacing SePay might send, kept as received: the MAC is over these bytes, not a re-serialisation.
    const body = JSON.stringify(BODY, null, 2);
    expect(sepay.verifyAndParse(signed(body), both, now).transactions[0]).toMatchObject({
      providerTxnId: "92704",
      amount: 35000,
    });
    const hmacOnly = secretsWith({ sepayWebhookSecret: `old,${HMAC_SECRET}` });
    expect(sepay.verifyAndParse(signed(body), hmacOnly, now).transactions).toHaveLength(1);
    // A bare hex digest is the same MAC.
    const headers = signSepay(HMAC_SECRET, body, now);
    const bare = { ...headers, "x-sepay-signature": headers["x-sepay-signature"]!.slice("sha256=".length) };
    expect(sepay.verifyAndParse(raw(body, bare), both, now).transactions).toHaveLength(1);
  });

  it("accepts timestamps within 300 s either way and refuses stale or future ones", () => {
    const body = text();
    expect(
      sepay.verifyAndParse(signed(body, new Date(now.getTime() - 300_000)), both, now).transactions,
    ).toHaveLength(1);
    expect(
      sepay.verifyAndParse(signed(body, new Date(now.getTime() + 300_000)), both, now).transactions,
    ).toHaveLength(1);
    expect(() => sepay.verifyAndParse(signed(body, new Date(now.getTime() - 301_000)), both, now)).toThrow(
      /tolerance/,
    );
    expect(() => sepay.verifyAndParse(signed(body, new Date(now.getTime() + 301_000)), both, now)).toThrow(
      /tolerance/,
    );
  });

  it("refuses a tampered body, a wrong key, a moved timestamp and malformed headers", () => {
    const body = text();
    const headers = signSepay(HMAC_SECRET, body, now);
    expect(() => sepay.verifyAndParse(raw(body.replace("35000", "350000"), headers), both, now)).toThrow(
      /Signature/,
    );
    expect(() => sepay.verifyAndParse(signed(body, now, "wrong"), both, now)).toThrow(/Signature/);
    const moved = { ...headers, "x-sepay-timestamp": String(Number(headers["x-sepay-timestamp"]) - 1) };
    expect(() => sepay.verifyAndParse(raw(body, moved), both, now)).toThrow(/Signature/);
    const malformed: Record<string, string>[] = [
      { "x-sepay-signature": headers["x-sepay-signature"]! },
      { ...headers, "x-sepay-timestamp": "soon" },
      { ...headers, "x-sepay-signature": "sha256=" },
      { ...headers, "x-sepay-signature": `sha512=${"a".repeat(64)}` },
    ];
    for (const bad of malformed)
      expect(() => sepay.verifyAndParse(raw(body, bad), both, now)).toThrow(/Signature/);
    // With only the API key configured, no HMAC delivery is accepted, however it is signed.
    expect(() => sepay.verifyAndParse(signed(body, now, ""), secretsWith({ sepay: API_KEY }), now)).toThrow(
      /Signature/,
    );
  });

  it("lets a valid API key carry no weight beside a bad signature", () => {
    const body = text();
    const headers = { ...signSepay("wrong", body, now), authorization: `Apikey ${API_KEY}` };
    expect(() => sepay.verifyAndParse(raw(body, headers), both, now)).toThrow(/Signature/);
  });

  it("takes amounts up to 13 digits and refuses larger or fractional ones, even well signed", () => {
    expect(
      sepay.verifyAndParse(signed(text({ transferAmount: MAX_AMOUNT })), both, now).transactions[0]?.amount,
    ).toBe(MAX_AMOUNT);
    expect(() => sepay.verifyAndParse(signed(text({ transferAmount: MAX_AMOUNT + 1 })), both, now)).toThrow(
      /format/,
    );
    expect(() => sepay.verifyAndParse(signed(text({ transferAmount: 100.5 })), both, now)).toThrow(/format/);
  });
});
