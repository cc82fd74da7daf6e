import { createHmac } from "node:crypto";
import { rawCallback as raw, secretsWith } from "@market40/devkit/signing";
import { PayOS } from "@payos/node";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_AMOUNT } from "../types";
import { PAYOS_CONFIRMATION_SAMPLE, payos, payosSignedString } from "./payos";

// payOS's documented sample (webhooks reference): key, data and signature as published. It is also what payOS
// sends when a webhook URL is confirmed.
const KEY = "1a54716c8f0efb2744fb28b6e38b25da7f67a925d98bc1c18bd8faaecadd7675";
const SAMPLE = {
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
const SAMPLE_SIGNATURE = "412e915d2871504ed31be63c8f62a149a4410d34c4c42affc9006ef9917eaa03";

/** A real payment: the sample's shape with its own order, link and reference. */
const PAYMENT = {
  ...SAMPLE,
  orderCode: 26112901,
  amount: 45000,
  description: "A12 thit",
  accountNumber: "8888123456789",
  reference: "FT26333912345",
  transactionDateTime: "2026-11-29 08:15:00",
  paymentLinkId: "5f2a1e0c9b8d4c7e8a6b3d2f1e0c9b8a",
  counterAccountBankId: "970415",
  counterAccountNumber: "0451000123",
};

// The official SDK, used only as an oracle: its own signing and its own webhook verification.
const sdk = new PayOS({ clientId: "test-client", apiKey: "test-api-key", checksumKey: KEY });
const sdkSign = (data: object, key = KEY) => sdk.crypto.createSignatureFromObj(data, key);

const now = new Date("2026-11-29T00:00:00Z");
const secrets = secretsWith({ payos: KEY });
const deliver = (data: object, signature: string, over: object = {}) =>
  payos.verifyAndParse(
    raw({ code: "00", desc: "success", success: true, data, signature, ...over }),
    secrets,
    now,
  );

describe("payOS", () => {
  it("verifies the published sample, which the SDK signs the same way, and reads it as the confirmation test", async () => {
    expect(await sdkSign(SAMPLE)).toBe(SAMPLE_SIGNATURE);
    expect(createHmac("sha256", KEY).update(payosSignedString(SAMPLE)!).digest("hex")).toBe(SAMPLE_SIGNATURE);
    expect(deliver(SAMPLE, SAMPLE_SIGNATURE).transactions).toEqual([
      {
        provider: "payos",
        providerTxnId: "TF230204212323",
        accountNumber: "12345678",
        amount: 3000,
        direction: "in",
        paidAt: "2023-02-04T11:25:00.000Z",
        description: "VQRIO123",
        bankRef: "TF230204212323",
        test: true,
      },
    ]);
    expect(PAYOS_CONFIRMATION_SAMPLE).toMatchObject({
      orderCode: SAMPLE.orderCode,
      paymentLinkId: SAMPLE.paymentLinkId,
    });
  });

  it("accepts a payment signed by the SDK, and the SDK accepts what the platform accepts", async () => {
    const signature = (await sdkSign(PAYMENT))!;
    expect(deliver(PAYMENT, signature).transactions).toEqual([
      {
        provider: "payos",
        providerTxnId: "FT26333912345",
        accountNumber: "8888123456789",
        amount: 45000,
        direction: "in",
        paidAt: "2026-11-29T01:15:00.000Z",
        description: "A12 thit",
        bankRef: "FT26333912345",
        payer: "970415:0451000123",
      },
    ]);
    await expect(
      sdk.webhooks.verify({ code: "00", desc: "success", success: true, data: PAYMENT, signature } as never),
    ).resolves.toBeDefined();
  });

  it("refuses a signature in upper-case hex, as the SDK does", async () => {
    const signature = (await sdkSign(PAYMENT))!;
    const upper = signature.toUpperCase();
    expect(() => deliver(PAYMENT, upper)).toThrow(/signature/i);
    await expect(
      sdk.webhooks.verify({
        code: "00",
        desc: "success",
        success: true,
        data: PAYMENT,
        signature: upper,
      } as never),
    ).rejects.toBeDefined();
  });

  it("signs nested values, nulls and arrays exactly as the SDK does (fast-check, the SDK as oracle)", async () => {
    const leaf = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 12 }),
      fc.constantFrom("null", "undefined", "", "Thành công", "a/b", "x&y=z"),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, leaf, tie("array"), tie("object")),
      array: fc.array(tie("node"), { maxLength: 4 }),
      object: fc.dictionary(fc.string({ maxLength: 6 }), tie("node"), { maxKeys: 4 }),
    }));
    const data = fc.dictionary(
      fc.oneof(
        fc.constantFrom("amount", "orderCode", "description", "10", "2", "a", "B"),
        fc.string({ maxLength: 8 }),
      ),
      value.node,
      { maxKeys: 8 },
    );
    await fc.assert(
      fc.asyncProperty(data, async (d) => {
        const ours = payosSignedString(d);
        const theirs = await sdkSign(d).catch(() => undefined);
        if (theirs === undefined || theirs === null) expect(ours).toBeUndefined();
        else expect(createHmac("sha256", KEY).update(ours!).digest("hex")).toBe(theirs);
      }),
      { numRuns: 400 },
    );
  });

  it("accepts the SDK's signature over data carrying nested values, and refuses what the SDK refuses", async () => {
    const data = {
      ...PAYMENT,
      extra: { z: 1, a: [2, { y: null, x: "ở" }] },
      tags: [{ b: 1, a: "x" }, "pos"],
      note: null,
    };
    const signature = (await sdkSign(data))!;
    expect(deliver(data, signature).transactions[0]?.amount).toBe(45000);
    // The SDK writes a nested object as "[object Object]", so its contents are not covered: the platform reads no
    // nested value, and agrees with the SDK rather than inventing a stricter form payOS never signs.
    const nestedChanged = { ...data, extra: { z: 2 } };
    await expect(sdk.webhooks.verify({ data: nestedChanged, signature } as never)).resolves.toBeDefined();
    expect(deliver(nestedChanged, signature).transactions).toHaveLength(1);
    // An array is covered (as JSON): change one and both refuse.
    const arrayChanged = { ...data, tags: [{ b: 1, a: "y" }, "pos"] };
    await expect(sdk.webhooks.verify({ data: arrayChanged, signature } as never)).rejects.toThrow();
    expect(() => deliver(arrayChanged, signature)).toThrow(/Signature/);
    // An array holding null: the SDK cannot sign it, so nothing can be accepted.
    const withNull = { ...PAYMENT, tags: [null] };
    await expect(sdkSign(withNull)).rejects.toThrow();
    expect(() => deliver(withNull, "0".repeat(64))).toThrow(/Signature/);
  });

  it("refuses a changed amount, a Unicode-normalised value, a wrong key, or no signature", async () => {
    const signature = (await sdkSign(PAYMENT))!;
    expect(() => deliver({ ...PAYMENT, amount: 450000 }, signature)).toThrow(/Signature/);
    expect(() => deliver({ ...PAYMENT, desc: "Thành công".normalize("NFD") }, signature)).toThrow(
      /Signature/,
    );
    const wrongKey = (await sdkSign(PAYMENT, "0".repeat(64)))!;
    expect(() => deliver(PAYMENT, wrongKey)).toThrow(/Signature/);
    expect(() => payos.verifyAndParse(raw({ data: PAYMENT }), secrets, now)).toThrow(/Signature/);
    expect(() => payos.verifyAndParse(raw({ data: PAYMENT, signature }), secretsWith({}), now)).toThrow(
      /Signature/,
    );
    expect(() =>
      payos.verifyAndParse(
        raw(`{"data":{"__proto__":{"amount":1},"amount":45000},"signature":"${signature}"}`),
        secrets,
        now,
      ),
    ).toThrow(/Signature/);
  });

  it("trusts data.code, not the unsigned top-level success", async () => {
    const failed = { ...PAYMENT, code: "01" };
    expect(deliver(failed, (await sdkSign(failed))!, { code: "00", success: true }).transactions).toEqual([]);
  });

  it("takes amounts up to 13 digits and refuses larger or fractional ones, even well signed", async () => {
    const at = async (amount: number) => {
      const data = { ...PAYMENT, amount };
      const signature = (await sdkSign(data))!;
      return () => deliver(data, signature);
    };
    expect((await at(MAX_AMOUNT))().transactions[0]?.amount).toBe(MAX_AMOUNT);
    expect(await at(MAX_AMOUNT + 1)).toThrow(/format/);
    expect(await at(4500.5)).toThrow(/format/);
  });
});
