import { z } from "zod";

export const PROVIDERS = ["generic", "payos", "sepay", "casso"] as const;
export type Provider = (typeof PROVIDERS)[number];

/** A provider's notification, normalised: what the platform stores and counts. */
export interface IncomingTransaction {
  provider: Provider;
  /** The provider's own id for this transaction: the permanent idempotency key with `provider`. */
  providerTxnId: string;
  /** The receiving bank's BIN when the provider says which bank; else matching uses the account alone. */
  bin?: string;
  accountNumber: string;
  /** Integer VND; positive for money in. */
  amount: number;
  direction: "in" | "out";
  /** UTC ISO instant. */
  paidAt: string;
  description: string;
  /** Opaque payer reference, hashed before it is stored. */
  payer?: string;
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
   * Verifies the signature over the raw bytes in constant time and parses the body.
   * Throws `unauthorized` (bad/missing signature) or `validation_error` (bad body) — never stores.
   * Returns `null` for a well-signed notification that is not a payment (acknowledged, ignored).
   */
  verifyAndParse(raw: RawCallback, secret: string, now: Date): IncomingTransaction | null;
}

export const MoneySchema = z.number().int().safe();

/** What a callback is answered: our `{ok, status}` and the `{success: true}` payOS, SePay and Casso expect. */
export const ReplySchema = z
  .object({
    ok: z.literal(true),
    success: z.literal(true),
    status: z.enum(["stored", "duplicate", "unmatched", "ignored"]),
    id: z.string().optional(),
  })
  .meta({ id: "CallbackReply" });
