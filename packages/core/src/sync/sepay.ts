import { z } from "zod";
import * as Banks from "../bank/directory";
import { localDateTimeToUtc } from "../calendar/localDate";
import type { IncomingTransaction } from "../callback/types";

/**
 * SePay's API v2 transaction list (https://developer.sepay.vn/en/sepay-api/v2/giao-dich/danh-sach):
 * `GET https://userapi.sepay.vn/v2/transactions?since_id=<uuid>&transaction_date_sort=asc&per_page=100`, with
 * `Authorization: Bearer <api key>` (https://developer.sepay.vn/en/sepay-api/v2/xac-thuc); at most 3 requests a
 * second per IP, else `429` with `Retry-After` (seconds). Items carry the v1 list's field names
 * (https://developer.sepay.vn/en/sepay-api/api-giao-dich) with integer amounts and UUID ids (v2's overview), and
 * `webhook_success` (0 or 1): whether SePay's webhook reached us.
 */
export const SEPAY_API_BASE = "https://userapi.sepay.vn";
export const SEPAY_PAGE_SIZE = 100;

export const SepayApiTransactionSchema = z.looseObject({
  id: z.string().min(1).max(64),
  bank_brand_name: z.string().max(64),
  account_number: z.string().regex(/^[0-9A-Za-z]{1,19}$/),
  sub_account: z.string().max(64).nullish(),
  transaction_date: z.string().max(32),
  amount_in: z.number().int().nonnegative(),
  amount_out: z.number().int().nonnegative(),
  transaction_content: z.string().max(1000).nullish(),
  reference_number: z.string().max(64).nullish(),
  code: z.string().max(64).nullish(),
  transfer_type: z.enum(["in", "out"]).optional(),
  webhook_success: z.union([z.literal(0), z.literal(1)]).optional(),
});
export type SepayApiTransaction = z.output<typeof SepayApiTransactionSchema>;

export const SepayApiPageSchema = z.looseObject({
  status: z.literal("success"),
  data: z.array(SepayApiTransactionSchema).max(SEPAY_PAGE_SIZE),
});

/**
 * One listed transaction as `ingest` takes it. Its `id` is the same one SePay's webhook sends, so a payment the
 * webhook stored is a `duplicate` here; the bank's `reference_number` is its second key.
 */
export function fromSepayApi(t: SepayApiTransaction): IncomingTransaction | undefined {
  const paidAt = localDateTimeToUtc(t.transaction_date);
  if (!paidAt) return undefined;
  const incoming = t.amount_in > 0;
  const bin = Banks.byName("vietqr", t.bank_brand_name)?.bin;
  return {
    provider: "sepay",
    providerTxnId: t.id,
    ...(bin ? { bin } : {}),
    accountNumber: t.account_number,
    ...(t.sub_account && /^[0-9A-Za-z]{1,19}$/.test(t.sub_account) ? { virtualAccount: t.sub_account } : {}),
    amount: incoming ? t.amount_in : t.amount_out,
    direction: incoming ? "in" : "out",
    paidAt,
    description: t.transaction_content ?? "",
    ...(t.reference_number ? { bankRef: t.reference_number } : {}),
  };
}
