import { z } from "zod";
import { InstantSchema } from "../../schemas";
import { hmacHex, parseSignatureHeader, safeEqual, secretList } from "../signature";
import { type IncomingTransaction, MoneySchema, type ProviderAdapter } from "../types";
import { badSignature, parseJson, validate } from "./common";

/** How far the signed timestamp may be from now, either way (docs/contract.md §6). */
export const TOLERANCE_SECONDS = 300;

export const GenericCallbackSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, "1 to 64 letters, digits or . _ : -"),
    bin: z
      .string()
      .regex(/^\d{6}$/, "6-digit BIN")
      .optional(),
    accountNumber: z.string().regex(/^[0-9A-Za-z]{1,19}$/, "1 to 19 letters or digits"),
    amount: MoneySchema,
    paidAt: InstantSchema,
    description: z.string().max(500).default(""),
    payer: z.string().max(200).optional(),
    /** The bank's own reference of the transfer: with bin, account and amount, a second exactly-once key. */
    reference: z
      .string()
      .regex(/^[A-Za-z0-9._:/-]{1,64}$/, "1 to 64 letters, digits or . _ : / -")
      .optional(),
  })
  .meta({ id: "GenericCallback" });

/**
 * The platform's own scheme, for banks and integrators (Stripe's layout):
 * `X-Signature: t=<unix s>,v1=<hex>` with `v1 = HMAC-SHA256(secret, "<t>.<raw body>")`.
 * Several `v1` values and several configured secrets are accepted, for rotation.
 */
export const generic: ProviderAdapter = {
  provider: "generic",
  verifyAndParse(raw, secrets, now) {
    const sig = parseSignatureHeader(raw.header("x-signature"));
    if (!sig) throw badSignature("missing or malformed X-Signature header");
    if (Math.abs(now.getTime() / 1000 - Number(sig.t)) > TOLERANCE_SECONDS)
      throw badSignature(`timestamp outside the ${TOLERANCE_SECONDS} s tolerance`);
    const expected = secretList(secrets.generic).map((s) => hmacHex("sha256", s, `${sig.t}.`, raw.body));
    if (!expected.some((e) => sig.v1.some((v) => safeEqual(e, v)))) throw badSignature("no v1 value matches");
    const body = validate(GenericCallbackSchema, parseJson(raw.body));
    const txn: IncomingTransaction = {
      provider: "generic",
      providerTxnId: body.id,
      ...(body.bin ? { bin: body.bin } : {}),
      accountNumber: body.accountNumber,
      amount: body.amount,
      direction: body.amount > 0 ? "in" : "out",
      paidAt: new Date(body.paidAt).toISOString(),
      description: body.description,
      ...(body.payer ? { payer: body.payer } : {}),
      ...(body.reference ? { bankRef: body.reference } : {}),
    };
    return { transactions: [txn] };
  },
};
