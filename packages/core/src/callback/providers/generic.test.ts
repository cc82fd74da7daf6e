import { genericBody, rawCallback as raw, secretsWith, signGeneric } from "@market40/devkit/signing";
import { describe, expect, it } from "vitest";
import { MAX_AMOUNT } from "../types";
import { generic } from "./generic";

const now = new Date("2026-11-29T00:00:00Z");
const t = Math.floor(now.getTime() / 1000);
// Signed as an integrator would, with node's own HMAC (@market40/devkit/signing), not the code under test.
const body = genericBody();
const sign = (secret: string, at: number, text = body) => signGeneric(secret, text, new Date(at * 1000));
const only = (secret: string) => secretsWith({ generic: secret });
const one = (r: ReturnType<typeof generic.verifyAndParse>) => {
  expect(r.transactions).toHaveLength(1);
  return r.transactions[0]!;
};

describe("generic", () => {
  it("accepts a fresh signature from any configured secret, with any of several v1 values", () => {
    expect(
      one(generic.verifyAndParse(raw(body, { "x-signature": sign("s1", t) }), only("s1"), now)).paidAt,
    ).toBe("2026-11-28T23:41:07.000Z");
    expect(
      one(generic.verifyAndParse(raw(body, { "x-signature": sign("new", t) }), only("old,new"), now)).amount,
    ).toBe(35000);
    const both = `${sign("other", t)},${sign("s1", t).split(",")[1]}`;
    expect(
      one(generic.verifyAndParse(raw(body, { "x-signature": both }), only("s1"), now)).providerTxnId,
    ).toBe("FT26330123456");
  });

  it("refuses stale or future timestamps, bad MACs, malformed headers and an unset secret", () => {
    const verify =
      (header: string, secret = "s1", text = body) =>
      () =>
        generic.verifyAndParse(raw(text, { "x-signature": header }), only(secret), now);
    expect(verify(sign("s1", t - 301))).toThrow(/tolerance/);
    expect(verify(sign("s1", t + 301))).toThrow(/tolerance/);
    expect(verify(sign("s2", t))).toThrow(/Signature/);
    expect(verify(sign("s1", t), "s1", `${body} `)).toThrow(/Signature/);
    expect(verify(sign("", t), "")).toThrow(/Signature/);
    for (const header of ["", "t=abc,v1=00", `v1=${"a".repeat(64)}`, `t=${t}`])
      expect(verify(header)).toThrow(/Signature/);
  });

  it("checks the signature before it looks at the body", () => {
    expect(() =>
      generic.verifyAndParse(
        raw("{not json", { "x-signature": sign("s2", t, "{not json") }),
        only("s1"),
        now,
      ),
    ).toThrow(/Signature/);
    expect(() =>
      generic.verifyAndParse(
        raw("{not json", { "x-signature": sign("s1", t, "{not json") }),
        only("s1"),
        now,
      ),
    ).toThrow(/JSON/);
  });

  it("takes amounts up to 13 digits and refuses larger or fractional ones", () => {
    const verify = (amount: unknown) => {
      const text = genericBody({ amount });
      return () => generic.verifyAndParse(raw(text, { "x-signature": sign("s1", t, text) }), only("s1"), now);
    };
    expect(one(verify(MAX_AMOUNT)()).amount).toBe(9_999_999_999_999);
    expect(one(verify(1)()).amount).toBe(1);
    for (const bad of [MAX_AMOUNT + 1, 1e15, 2 ** 53, 35000.5, "35000"])
      expect(verify(bad), String(bad)).toThrow(/format/);
    // Zero and negative pass validation: they are acknowledged and ignored by `ingest`, not refused.
    expect(one(verify(0)()).direction).toBe("out");
  });
});
