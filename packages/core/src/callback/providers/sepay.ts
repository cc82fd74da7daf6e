import { z } from "zod";
import * as Banks from "../../bank/directory";
import { localDateTimeToUtc } from "../../calendar/localDate";
import { validationError } from "../../errors";
import { hmacHex, safeEqual, secretList } from "../signature";
import { type IncomingTransaction, MoneySchema, type ProviderAdapter, type RawCallback } from "../types";
import { badLocalTime, badSignature, parseJson, validate } from "./common";

/** How far SePay's signed timestamp may be from now, either way: the 5 minutes SePay's security guide names. */
export const SEPAY_TOLERANCE_SECONDS = 300;

export const SepayWebhookSchema = z.looseObject({
  id: z.number().int().nonnegative(),
  gateway: z.string().max(64),
  transactionDate: z.string().max(32),
  accountNumber: z.string().regex(/^[0-9A-Za-z]{1,19}$/),
  code: z.string().max(64).nullish(),
  content: z.string().max(1000).nullish(),
  transferType: z.enum(["in", "out"]),
  transferAmount: MoneySchema,
  accumulated: z.number().nullish(),
  subAccount: z.string().max(64).nullish(),
  referenceCode: z.string().max(64).nullish(),
  description: z.string().max(1000).nullish(),
});

/** SePay's numeric fields, as a form-encoded delivery writes them (text): read as the JSON delivery's numbers. */
const FORM_NUMBERS = new Set(["id", "transferAmount", "accumulated"]);

/**
 * The body of a delivery as SePay sent it: JSON, or — when the webhook was set up to post a form — the same fields
 * form-encoded, read into the JSON shape (numbers as numbers, an empty field as null). Parsed only after the
 * signature over the raw bytes was checked.
 */
function parseBody(raw: RawCallback): unknown {
  const type = (raw.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") return parseJson(raw.body);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(raw.body);
  } catch {
    throw validationError("The body is not UTF-8");
  }
  const fields: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    if (Object.hasOwn(fields, k)) throw validationError(`The form repeats the field '${k}'`);
    fields[k] = v === "" ? null : FORM_NUMBERS.has(k) && /^-?\d{1,16}$/.test(v) ? Number(v) : v;
  }
  return fields;
}

/**
 * SePay's HMAC-SHA256 mode: `X-SePay-Timestamp: <unix s>` and
 * `X-SePay-Signature: sha256=<hex HMAC-SHA256(SEPAY_WEBHOOK_SECRET, "<timestamp>." + raw body)>`, ±300 s.
 * A bare hex digest (no `sha256=`) is the same HMAC and is accepted too.
 */
function verifyHmac(raw: RawCallback, secrets: string, signature: string, now: Date) {
  const t = raw.header("x-sepay-timestamp")?.trim() ?? "";
  if (!/^\d{1,16}$/.test(t)) throw badSignature("missing or malformed X-SePay-Timestamp header");
  if (Math.abs(now.getTime() / 1000 - Number(t)) > SEPAY_TOLERANCE_SECONDS)
    throw badSignature(`timestamp outside the ${SEPAY_TOLERANCE_SECONDS} s tolerance`);
  const given = /^(?:sha256=)?([0-9a-fA-F]{64})$/.exec(signature.trim())?.[1]?.toLowerCase();
  if (!given) throw badSignature("malformed X-SePay-Signature header");
  if (!secretList(secrets).some((s) => safeEqual(hmacHex("sha256", s, `${t}.`, raw.body), given)))
    throw badSignature("X-SePay-Signature does not match");
}

/** SePay's API-key mode: `Authorization: Apikey <SEPAY_API_KEY>` (`Apikey` in any letter case). */
function verifyApiKey(raw: RawCallback, secrets: string) {
  const match = /^Apikey\s+(\S{1,256})$/i.exec((raw.header("authorization") ?? "").trim());
  if (!match) throw badSignature("missing 'Authorization: Apikey <key>' or X-SePay-Signature header");
  if (!secretList(secrets).some((s) => safeEqual(s, match[1]!))) throw badSignature("API key does not match");
}

/**
 * SePay, in either of its two authenticating modes, whichever the webhook was set up with: HMAC-SHA256 over the raw
 * body (SePay's recommendation) when `X-SePay-Signature` is present — and then it must verify, whatever else the
 * request carries — else the API key. Each mode checks only its own secret, so configuring one leaves the other
 * refusing everything. Deduplicated on `id`; only `transferType: "in"` is income; `gateway` is the bank's short
 * name, mapped to its BIN when the directory knows it.
 */
export const sepay: ProviderAdapter = {
  provider: "sepay",
  verifyAndParse(raw, secrets, now) {
    const signature = raw.header("x-sepay-signature");
    if (signature !== undefined) verifyHmac(raw, secrets.sepayWebhookSecret, signature, now);
    else verifyApiKey(raw, secrets.sepay);
    const body = validate(SepayWebhookSchema, parseBody(raw));
    const paidAt = localDateTimeToUtc(body.transactionDate);
    if (!paidAt) throw badLocalTime("transactionDate");
    // SePay's `gateway` is the bank's short name as the VietQR directory writes it.
    const bin = Banks.byName("vietqr", body.gateway)?.bin;
    const txn: IncomingTransaction = {
      provider: "sepay",
      providerTxnId: String(body.id),
      ...(bin ? { bin } : {}),
      // `subAccount` is a real virtual account or only a memo code in the transfer note: `ingest` takes it as the
      // account only when a stall holds it, else the main account matches.
      accountNumber: body.accountNumber,
      ...(body.subAccount && /^[0-9A-Za-z]{1,19}$/.test(body.subAccount)
        ? { virtualAccount: body.subAccount }
        : {}),
      amount: body.transferAmount,
      direction: body.transferType,
      paidAt,
      description: body.content ?? body.description ?? "",
      ...(body.referenceCode ? { bankRef: body.referenceCode } : {}),
    };
    return { transactions: [txn] };
  },
};
