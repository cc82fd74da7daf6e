import { z } from "zod";
import { localDateTimeToUtc } from "../calendar/localDate";
import type { IncomingTransaction } from "../callback/types";

/**
 * Casso's transaction API (https://developer.casso.vn/casso-api/api/lay-giao-dich):
 * `GET https://oauth.casso.vn/v2/transactions?fromDate=YYYY-MM-DD&toDate=YYYY-MM-DD&page=1&pageSize=…&sort=ASC`
 * with `Authorization: Apikey <API key>` (https://developer.casso.vn/casso-api/chung-thuc/tao-api-key-thu-cong).
 * Defaults: the last 7 days, page 1, 10 a page, ASC (oldest first). The answer is `{error: 0, message, data: {page,
 * pageSize, nextPage, prevPage, totalPages, totalRecords, records}}`; a record carries Casso's numeric `id`, the
 * bank's reference `tid`, a signed `amount` (negative: money out), `when` in Vietnam time (`YYYY-MM-DD` in one
 * sample, `YYYY-MM-DDTHH:mm:ss` in the other), the receiving account `bankSubAccId`, `virtualAccount`, and
 * Casso's own bank code `bankCodeName` (`acb_digi`: not a VietQR code, so no bank is read from it). Casso's pages
 * name no rate limit; a `429` is waited out all the same.
 */
export const CASSO_API_BASE = "https://oauth.casso.vn";
export const CASSO_PAGE_SIZE = 100;

const Text = z.string().max(1000).nullish();

export const CassoApiRecordSchema = z.looseObject({
  id: z.number().int().nonnegative(),
  tid: Text,
  description: Text,
  amount: z.number().int(),
  cusum_balance: z.number().nullish(),
  when: z.string().max(32),
  bankSubAccId: z.string().regex(/^[0-9A-Za-z]{1,19}$/),
  virtualAccount: Text,
  bankCodeName: Text,
});
export type CassoApiRecord = z.output<typeof CassoApiRecordSchema>;

export const CassoApiPageSchema = z.looseObject({
  error: z.literal(0),
  data: z.looseObject({
    page: z.number().int().positive(),
    totalPages: z.number().int().nonnegative(),
    records: z.array(CassoApiRecordSchema).max(CASSO_PAGE_SIZE),
  }),
});

/** A record's moment: `when` as Casso writes it, with or without its time of day. */
export function cassoWhen(when: string): string | undefined {
  return localDateTimeToUtc(/^\d{4}-\d{2}-\d{2}$/.test(when.trim()) ? `${when.trim()} 00:00:00` : when);
}

/**
 * One record as `ingest` takes it: the same `id` space as Casso's webhooks (v2 `data.id`, legacy `id`), so a payment
 * the webhook stored is a `duplicate`; `tid` is the bank's reference, the second key, on which a record Casso lists
 * again under a new id meets the first.
 */
export function fromCassoApi(r: CassoApiRecord): IncomingTransaction | undefined {
  const paidAt = cassoWhen(r.when);
  if (!paidAt) return undefined;
  const virtual = r.virtualAccount?.trim();
  return {
    provider: "casso",
    providerTxnId: String(r.id),
    accountNumber: r.bankSubAccId,
    ...(virtual && /^[0-9A-Za-z]{1,19}$/.test(virtual) ? { virtualAccount: virtual } : {}),
    amount: Math.abs(r.amount),
    direction: r.amount > 0 ? "in" : "out",
    paidAt,
    description: r.description ?? "",
    ...(r.tid ? { bankRef: r.tid } : {}),
  };
}
