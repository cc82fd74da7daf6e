import { z } from "zod";
import { localDateTimeToUtc } from "../../calendar/localDate";
import { hmacHex, safeEqual, secretList, sortKeysDeep } from "../signature";
import type { ProviderAdapter } from "../types";
import { badLocalTime, badSignature, parseJson, validate } from "./common";

const Text = z.string().max(500).nullish();

export const PayosWebhookSchema = z.object({
  code: z.string().max(10).optional(),
  desc: z.string().max(500).optional(),
  success: z.boolean().optional(),
  signature: z.string().max(256),
  data: z.looseObject({
    orderCode: z.number().int(),
    amount: z.number().int().safe(),
    description: Text,
    accountNumber: z.string().regex(/^[0-9A-Za-z]{1,19}$/),
    reference: z.string().max(64).nullish(),
    transactionDateTime: z.string().max(32),
    currency: z.string().max(8).nullish(),
    paymentLinkId: z.string().max(64).nullish(),
    code: z.string().max(10),
    desc: Text,
    counterAccountBankId: Text,
    counterAccountBankName: Text,
    counterAccountName: Text,
    counterAccountNumber: Text,
    virtualAccountName: Text,
    virtualAccountNumber: Text,
  }),
});

/** payOS's canonical form of `data`: sorted `key=value` pairs, null-likes empty, nested values as sorted JSON. */
export function payosSignedString(data: Record<string, unknown>): string {
  return Object.keys(data)
    .sort()
    .map((key) => {
      let value = data[key];
      if (value === null || value === undefined || value === "null" || value === "undefined") value = "";
      else if (typeof value === "object") value = JSON.stringify(sortKeysDeep(value));
      return `${key}=${value}`;
    })
    .join("&");
}

/**
 * payOS: `signature` = HMAC-SHA256(checksum key, canonical `data`), hex. Only `data` is signed, so only
 * `data.code` ("00" = paid) is trusted, never the top-level `code`/`success`.
 */
export const payos: ProviderAdapter = {
  provider: "payos",
  verifyAndParse(raw, secret) {
    const json = parseJson(raw.body) as { data?: unknown; signature?: unknown };
    if (
      !json ||
      typeof json !== "object" ||
      typeof json.signature !== "string" ||
      !json.data ||
      typeof json.data !== "object"
    )
      throw badSignature("missing data or signature");
    const signed = payosSignedString(json.data as Record<string, unknown>);
    const given = json.signature.toLowerCase();
    if (!secretList(secret).some((s) => safeEqual(hmacHex("sha256", s, signed), given)))
      throw badSignature("signature does not match data");
    const { data } = validate(PayosWebhookSchema, json);
    if (data.code !== "00") return null;
    const paidAt = localDateTimeToUtc(data.transactionDateTime);
    if (!paidAt) throw badLocalTime("data.transactionDateTime");
    const payer = data.counterAccountNumber
      ? `${data.counterAccountBankId ?? ""}:${data.counterAccountNumber}`
      : undefined;
    return {
      provider: "payos",
      providerTxnId: data.reference || `${data.paymentLinkId ?? ""}:${data.orderCode}`,
      accountNumber: data.accountNumber,
      amount: data.amount,
      direction: data.amount > 0 ? "in" : "out",
      paidAt,
      description: data.description ?? "",
      ...(payer ? { payer } : {}),
    };
  },
};
