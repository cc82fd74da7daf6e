import { z } from "zod";
import type { ProviderSecrets } from "../config";
import { MAX_AMOUNT } from "../vietqr/stallQr";

export const PROVIDERS = ["generic", "payos", "sepay", "casso"] as const;

/**
 * How a payment reached the platform, or came to be counted where it is (docs/contract.md §10, "Provenance"):
 * a provider's webhook, the pull sync of a provider's transaction API, an admin's statement upload, or an admin's
 * assignment of a waiting payment to a stall.
 */
export const PAYMENT_SOURCES = ["callback", "sync", "statement", "assignment"] as const;
export type PaymentSource = (typeof PAYMENT_SOURCES)[number];
export type Provider = (typeof PROVIDERS)[number];

/** A provider's notification, normalised: what the platform stores and counts. */
export interface IncomingTransaction {
  provider: Provider;
  /** The provider's own id for this transaction: the permanent idempotency key with `provider`. */
  providerTxnId: string;
  /** The receiving bank's BIN when the provider says which bank; else matching uses the account alone. */
  bin?: string;
  accountNumber: string;
  /**
   * A virtual account the provider names beside the main one (SePay `subAccount`): taken as the receiving account
   * only when a stall holds it; a memo sub-account (a code in the note, no account of its own) leaves the main one.
   */
  virtualAccount?: string;
  /** Integer VND; positive for money in. */
  amount: number;
  direction: "in" | "out";
  /** UTC ISO instant. */
  paidAt: string;
  description: string;
  /**
   * The bank's own reference of the transfer (SePay `referenceCode`, Casso `reference`, payOS `reference`, generic
   * `reference`): with the BIN, the account and the amount, a second exactly-once key, so one bank transaction is
   * one payment whichever provider id, webhook or pull delivers it.
   */
  bankRef?: string;
  /** Opaque payer reference, hashed before it is stored. */
  payer?: string;
  /**
   * A provider's test delivery (payOS's sample when a webhook URL is confirmed, Casso's transaction id 0): well
   * signed, acknowledged as `test`, never stored.
   */
  test?: boolean;
}

/**
 * What a verified delivery carries: one transaction for most providers, several for Casso's legacy webhooks, none
 * for a well-signed notification that is not a payment (a failed payOS payment, a Casso delivery with an error).
 */
export interface Delivery {
  transactions: IncomingTransaction[];
}

/** What became of a callback. `ignored`: acknowledged but not money in (outgoing, zero, or a failed payment). */
export type IngestStatus = "stored" | "duplicate" | "unmatched" | "ignored";

/** The provider's request as received: raw bytes (signatures are over these) and headers. */
export interface RawCallback {
  body: Uint8Array;
  header(name: string): string | undefined;
}

export interface ProviderAdapter {
  provider: Provider;
  /**
   * Verifies the delivery's signature in constant time, then parses the body. Reads only its own provider's
   * entries of `secrets` (core's `PROVIDER_SECRET_NAMES`). Throws `unauthorized` (bad or missing signature) or
   * `validation_error` (not the provider's format, or an amount out of range) — never stores anything.
   */
  verifyAndParse(raw: RawCallback, secrets: ProviderSecrets, now: Date): Delivery;
}

/** The largest amount a callback or statement may carry: 13 digits, the VietQR cap (docs/contract.md §10). */
export { MAX_AMOUNT };

/**
 * A transaction amount as a provider writes it: whole VND, at most 13 digits either side of zero (Casso writes money
 * out as negative). Anything else is a 400 with nothing stored; zero and negative amounts are acknowledged and
 * ignored later, by `ingest` (which checks the cap again, for statements). Balances (`accumulated`, `runningBalance`, `cusum_balance`) are not amounts.
 */
export const MoneySchema = z
  .number()
  .int("Expected a whole number of VND")
  .min(-MAX_AMOUNT, "Expected at most 13 digits")
  .max(MAX_AMOUNT, "Expected at most 13 digits (9,999,999,999,999 VND)");

/** What became of one transaction of a delivery: stored, a duplicate, kept unmatched, ignored, or a test. */
export const ReplyStatusSchema = z.enum(["stored", "duplicate", "unmatched", "ignored", "test"]);
export type ReplyStatus = z.infer<typeof ReplyStatusSchema>;

/**
 * What a callback is answered: our `{ok, status}` and the `{success: true}` payOS, SePay and Casso expect. A delivery
 * of several transactions (Casso's legacy webhooks) also lists each one's outcome in `items`.
 */
export const ReplySchema = z
  .object({
    ok: z.literal(true),
    success: z.literal(true),
    status: ReplyStatusSchema,
    id: z.string().optional(),
    items: z.array(z.object({ id: z.string(), status: ReplyStatusSchema })).optional(),
  })
  .meta({ id: "CallbackReply" });
export type CallbackReply = z.infer<typeof ReplySchema>;
