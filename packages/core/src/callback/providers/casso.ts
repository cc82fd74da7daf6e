import { z } from "zod";
import * as Banks from "../../bank/directory";
import { localDateTimeToUtc } from "../../calendar/localDate";
import { hmacHex, parseSignatureHeader, safeEqual, secretList, sortKeysDeep } from "../signature";
import {
  type Delivery,
  type IncomingTransaction,
  MoneySchema,
  type ProviderAdapter,
  type RawCallback,
} from "../types";
import { badLocalTime, badSignature, parseJson, validate } from "./common";

const Text = z.string().max(1000).nullish();
const AccountNumber = z.string().regex(/^[0-9A-Za-z]{1,19}$/, "1 to 19 letters or digits");

export const CassoWebhookSchema = z.looseObject({
  error: z.number().int(),
  data: z.looseObject({
    id: z.number().int().nonnegative(),
    reference: Text,
    description: Text,
    amount: MoneySchema,
    runningBalance: z.number().nullish(),
    transactionDateTime: z.string().max(32),
    accountNumber: AccountNumber,
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

/** Casso's legacy webhook: `data` is a list, each item one transaction to the account `bank_sub_acc_id`. */
export const CassoLegacyWebhookSchema = z.looseObject({
  error: z.number().int(),
  data: z
    .array(
      z.looseObject({
        id: z.number().int().nonnegative(),
        tid: Text,
        description: Text,
        amount: MoneySchema,
        cusum_balance: z.number().nullish(),
        when: z.string().max(32),
        bank_sub_acc_id: AccountNumber,
        subAccId: Text,
      }),
    )
    .max(500),
});

/** Casso's test transaction (the sample its dashboard sends, and its docs print) has id 0. */
const CASSO_TEST_ID = 0;

/**
 * The strings Casso's published samples sign for a body: `JSON(body with keys sorted recursively)`, as Node's
 * `JSON.stringify` writes it, and as PHP's `json_encode` (no flags) writes it — every non-ASCII UTF-16 unit as a
 * lower-case `\uXXXX` and every `/` as `\/`. Both escapes can only occur inside strings, so the PHP form is the
 * Node form with those characters escaped. Identical for ASCII bodies without `/`.
 */
export function cassoSignedForms(body: unknown): string[] {
  const node = JSON.stringify(sortKeysDeep(body));
  const php = node
    .replace(/\//g, "\\/")
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return php === node ? [node] : [node, php];
}

/**
 * Casso webhook v2: `X-Casso-Signature: t=<unix ms>,v1=<hex>` with
 * `v1 = HMAC-SHA512(secret, "<t>." + one of cassoSignedForms(body))`. Deduplicated on `data.id` (`reference`
 * repeats and Agribank leaves it empty). No timestamp window is imposed: Casso redelivers late, and a replay is a
 * duplicate by id.
 */
function verifyV2(raw: RawCallback, header: string, secrets: string): Delivery {
  const sig = parseSignatureHeader(header);
  if (!sig) throw badSignature("malformed X-Casso-Signature header");
  const json = parseJson(raw.body);
  const forms = cassoSignedForms(json);
  const matches = secretList(secrets).some((s) =>
    forms.some((form) => {
      const expected = hmacHex("sha512", s, `${sig.t}.`, form);
      return sig.v1.some((v) => safeEqual(expected, v));
    }),
  );
  if (!matches) throw badSignature("no v1 value matches");
  const { error, data } = validate(CassoWebhookSchema, json);
  if (error !== 0) return { transactions: [] };
  const paidAt = localDateTimeToUtc(data.transactionDateTime);
  if (!paidAt) throw badLocalTime("data.transactionDateTime");
  // Casso's `bankAbbreviation` is a VietQR code and `bankName` a VietQR short name: the code first, it is exact.
  const bin =
    Banks.byName("vietqr", data.bankAbbreviation ?? "")?.bin ??
    Banks.byName("vietqr", data.bankName ?? "")?.bin;
  const payer = data.counterAccountNumber
    ? `${data.counterAccountBankId ?? ""}:${data.counterAccountNumber}`
    : undefined;
  const txn: IncomingTransaction = {
    provider: "casso",
    providerTxnId: String(data.id),
    ...(bin ? { bin } : {}),
    accountNumber: data.accountNumber,
    amount: Math.abs(data.amount),
    direction: data.amount > 0 ? "in" : "out",
    paidAt,
    description: data.description ?? "",
    ...(data.reference ? { bankRef: data.reference } : {}),
    ...(payer ? { payer } : {}),
    ...(data.id === CASSO_TEST_ID ? { test: true } : {}),
  };
  return { transactions: [txn] };
}

/**
 * Casso's legacy webhooks: `secure-token: <CASSO_SECURE_TOKEN>` (compared in constant time; nothing is signed), a
 * list of transactions in `data`. Each is its own payment, deduplicated on its `id` in the same id space as v2 (the
 * same Casso transaction delivered both ways is stored once); `when` is Vietnam time; `bank_sub_acc_id` is the
 * receiving account (no bank is named, so it is matched by account number alone).
 */
function verifyLegacy(raw: RawCallback, token: string, secrets: string): Delivery {
  if (!secretList(secrets).some((s) => safeEqual(s, token.trim())))
    throw badSignature("secure-token does not match");
  const { error, data } = validate(CassoLegacyWebhookSchema, parseJson(raw.body));
  if (error !== 0) return { transactions: [] };
  return {
    transactions: data.map((item, i) => {
      const paidAt = localDateTimeToUtc(item.when);
      if (!paidAt) throw badLocalTime(`data.${i}.when`);
      return {
        provider: "casso",
        providerTxnId: String(item.id),
        accountNumber: item.bank_sub_acc_id,
        amount: Math.abs(item.amount),
        direction: item.amount > 0 ? "in" : "out",
        paidAt,
        description: item.description ?? "",
        ...(item.tid ? { bankRef: item.tid } : {}),
        ...(item.id === CASSO_TEST_ID ? { test: true } : {}),
      } satisfies IncomingTransaction;
    }),
  };
}

/** Casso: webhook v2 when `X-Casso-Signature` is present, else its legacy webhook when `secure-token` is. */
export const casso: ProviderAdapter = {
  provider: "casso",
  verifyAndParse(raw, secrets) {
    const signature = raw.header("x-casso-signature");
    if (signature !== undefined) return verifyV2(raw, signature, secrets.casso);
    const token = raw.header("secure-token");
    if (token !== undefined) return verifyLegacy(raw, token, secrets.cassoSecureToken);
    throw badSignature("missing X-Casso-Signature or secure-token header");
  },
};
