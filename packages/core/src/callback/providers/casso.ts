import { z } from "zod";
import * as Banks from "../../bank/directory";
import { localDateTimeToUtc } from "../../calendar/localDate";
import { hmacHex, parseSignatureHeader, safeEqual, secretList, sortKeysDeep } from "../signature";
import type { ProviderAdapter } from "../types";
import { badLocalTime, badSignature, parseJson, validate } from "./common";

const Text = z.string().max(1000).nullish();

export const CassoWebhookSchema = z.looseObject({
  error: z.number().int(),
  data: z.looseObject({
    id: z.number().int().nonnegative(),
    reference: Text,
    description: Text,
    amount: z.number().int().safe(),
    runningBalance: z.number().nullish(),
    transactionDateTime: z.string().max(32),
    accountNumber: z.string().regex(/^[0-9A-Za-z]{1,19}$/),
    bankName: Text,
    bankAbbreviation: Text,
    virtualAccountNumber: Text,
    virtualAccountName: Text,
    counterAccountName: Text,
    counterAccountNumber: Text,
    counterAccountBankId: Text,
    counterAccountBankName: Text,
  }),
});

/**
 * Casso webhook v2: `X-Casso-Signature: t=<unix ms>,v1=<hex>` with
 * `v1 = HMAC-SHA512(secret, "<t>." + JSON of the whole body with keys sorted recursively)`.
 * Deduplicated on `data.id` (`reference` repeats and Agribank leaves it empty). No timestamp window is
 * imposed: Casso redelivers late, and a replay is a duplicate by id.
 */
export const casso: ProviderAdapter = {
  provider: "casso",
  verifyAndParse(raw, secret) {
    const sig = parseSignatureHeader(raw.header("x-casso-signature"));
    if (!sig) throw badSignature("missing or malformed X-Casso-Signature header");
    const json = parseJson(raw.body);
    const canonical = JSON.stringify(sortKeysDeep(json));
    const expected = secretList(secret).map((s) => hmacHex("sha512", s, `${sig.t}.`, canonical));
    if (!expected.some((e) => sig.v1.some((v) => safeEqual(e, v)))) throw badSignature("no v1 value matches");
    const { error, data } = validate(CassoWebhookSchema, json);
    if (error !== 0) return null;
    const paidAt = localDateTimeToUtc(data.transactionDateTime);
    if (!paidAt) throw badLocalTime("data.transactionDateTime");
    const bin =
      Banks.byShortName(data.bankName ?? "")?.bin ?? Banks.byShortName(data.bankAbbreviation ?? "")?.bin;
    const payer = data.counterAccountNumber
      ? `${data.counterAccountBankId ?? ""}:${data.counterAccountNumber}`
      : undefined;
    return {
      provider: "casso",
      providerTxnId: String(data.id),
      ...(bin ? { bin } : {}),
      accountNumber: data.accountNumber,
      amount: Math.abs(data.amount),
      direction: data.amount > 0 ? "in" : "out",
      paidAt,
      description: data.description ?? "",
      ...(payer ? { payer } : {}),
    };
  },
};
