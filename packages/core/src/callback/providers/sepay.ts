import { z } from "zod";
import * as Banks from "../../bank/directory";
import { localDateTimeToUtc } from "../../calendar/localDate";
import { safeEqual, secretList } from "../signature";
import type { ProviderAdapter } from "../types";
import { badLocalTime, badSignature, parseJson, validate } from "./common";

export const SepayWebhookSchema = z.looseObject({
  id: z.number().int().nonnegative(),
  gateway: z.string().max(64),
  transactionDate: z.string().max(32),
  accountNumber: z.string().regex(/^[0-9A-Za-z]{1,19}$/),
  code: z.string().max(64).nullish(),
  content: z.string().max(1000).nullish(),
  transferType: z.enum(["in", "out"]),
  transferAmount: z.number().int().safe(),
  accumulated: z.number().nullish(),
  subAccount: z.string().max(64).nullish(),
  referenceCode: z.string().max(64).nullish(),
  description: z.string().max(1000).nullish(),
});

/**
 * SePay: `Authorization: Apikey <key>`, compared in constant time. Deduplicated on `id`; only
 * `transferType: "in"` is income. `gateway` is the bank's short name, mapped to its BIN when known.
 */
export const sepay: ProviderAdapter = {
  provider: "sepay",
  verifyAndParse(raw, secret) {
    const header = raw.header("authorization") ?? "";
    const match = /^Apikey\s+(\S{1,256})$/i.exec(header.trim());
    if (!match) throw badSignature("missing 'Authorization: Apikey <key>' header");
    if (!secretList(secret).some((s) => safeEqual(s, match[1]!)))
      throw badSignature("API key does not match");
    const body = validate(SepayWebhookSchema, parseJson(raw.body));
    const paidAt = localDateTimeToUtc(body.transactionDate);
    if (!paidAt) throw badLocalTime("transactionDate");
    const bin = Banks.byShortName(body.gateway)?.bin;
    return {
      provider: "sepay",
      providerTxnId: String(body.id),
      ...(bin ? { bin } : {}),
      accountNumber: body.subAccount || body.accountNumber,
      amount: body.transferAmount,
      direction: body.transferType,
      paidAt,
      description: body.content ?? body.description ?? "",
    };
  },
};
