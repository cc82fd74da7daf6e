import { z } from "zod";
import { localDateTimeToUtc } from "../../calendar/localDate";
import { hmacHex, safeEqual, secretList } from "../signature";
import { type IncomingTransaction, MoneySchema, type ProviderAdapter } from "../types";
import { badLocalTime, badSignature, parseJson, validate } from "./common";

const Text = z.string().max(500).nullish();

export const PayosWebhookSchema = z.object({
  code: z.string().max(10).optional(),
  desc: z.string().max(500).optional(),
  success: z.boolean().optional(),
  signature: z.string().max(256),
  data: z.looseObject({
    orderCode: z.number().int(),
    amount: MoneySchema,
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

/**
 * The sample payOS sends, signed with the merchant's checksum key, when a webhook URL is confirmed (the one its docs
 * print). Identified by its payment link id, which no real payment shares, and its order code.
 */
export const PAYOS_CONFIRMATION_SAMPLE = {
  orderCode: 123,
  paymentLinkId: "124c33293c43417ab7879e14c8d9eb18",
};

/** `Object.keys(o).sort()` copied into a fresh object, as the SDK's `sortObjDataByKey` does (and so in its order). */
function sortedCopy(value: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = (value as Record<string, unknown>)[key];
  return out;
}

/**
 * The string payOS signs for `data`, built exactly as the official `@payos/node` SDK builds it (its
 * `convertObjToQueryStr(sortObjDataByKey(data))`, which its webhook `verify` uses, and which payOS's docs print):
 * top-level keys sorted; `key=value` joined by `&`; `null` and the strings `"null"` and `"undefined"` written empty;
 * an array written as JSON with each element's own keys sorted (one level deep); any other value as JavaScript's
 * `String()` writes it — so a nested object is `[object Object]`, not JSON. Values are never Unicode-normalised.
 * Returns undefined for what the SDK cannot sign (it throws on a `null` array element).
 * The SDK itself is the oracle in `providers.test.ts`.
 */
export function payosSignedString(data: Record<string, unknown>): string | undefined {
  const sorted = sortedCopy(data);
  const pairs: string[] = [];
  try {
    for (const key of Object.keys(sorted)) {
      let value = sorted[key];
      if (value === undefined) continue;
      if (Array.isArray(value)) {
        if (value.some((v) => v === null || v === undefined)) return undefined;
        value = JSON.stringify(value.map((v) => sortedCopy(Object(v))));
      }
      if (value === null || value === "null" || value === "undefined") value = "";
      pairs.push(`${key}=${String(value)}`);
    }
  } catch {
    // An object whose own `toString` is not a function (`{"toString": 1}`) cannot be written: neither can the SDK.
    return undefined;
  }
  return pairs.join("&");
}

/**
 * payOS: `signature` = HMAC-SHA256(checksum key, `payosSignedString(data)`), hex. Only `data` is signed, so only
 * `data.code` ("00" = paid) is trusted, never the top-level `code`/`success`. The confirmation sample is a test.
 */
export const payos: ProviderAdapter = {
  provider: "payos",
  verifyAndParse(raw, secrets) {
    const json = parseJson(raw.body) as { data?: unknown; signature?: unknown };
    if (
      !json ||
      typeof json !== "object" ||
      typeof json.signature !== "string" ||
      !json.data ||
      typeof json.data !== "object" ||
      Array.isArray(json.data)
    )
      throw badSignature("missing data or signature");
    const data = json.data as Record<string, unknown>;
    // A `__proto__` key is dropped by the SDK's sorting, so the signature would not cover it: refuse it.
    const signed = Object.hasOwn(data, "__proto__") ? undefined : payosSignedString(data);
    // Compared exactly as the SDK compares it: its own lower-case hex digest against the string sent, so an
    // upper-case signature the SDK refuses is refused here too (issue 25).
    const given = json.signature;
    if (
      signed === undefined ||
      !secretList(secrets.payos).some((s) => safeEqual(hmacHex("sha256", s, signed), given))
    )
      throw badSignature("signature does not match data");
    const body = validate(PayosWebhookSchema, json);
    const d = body.data;
    const test =
      d.orderCode === PAYOS_CONFIRMATION_SAMPLE.orderCode &&
      d.paymentLinkId === PAYOS_CONFIRMATION_SAMPLE.paymentLinkId;
    if (d.code !== "00" && !test) return { transactions: [] };
    const paidAt = localDateTimeToUtc(d.transactionDateTime);
    if (!paidAt) throw badLocalTime("data.transactionDateTime");
    const payer = d.counterAccountNumber
      ? `${d.counterAccountBankId ?? ""}:${d.counterAccountNumber}`
      : undefined;
    const txn: IncomingTransaction = {
      provider: "payos",
      providerTxnId: d.reference || `${d.paymentLinkId ?? ""}:${d.orderCode}`,
      accountNumber: d.accountNumber,
      amount: d.amount,
      direction: d.amount > 0 ? "in" : "out",
      paidAt,
      description: d.description ?? "",
      ...(d.reference ? { bankRef: d.reference } : {}),
      ...(payer ? { payer } : {}),
      ...(test ? { test } : {}),
    };
    return { transactions: [txn] };
  },
};
