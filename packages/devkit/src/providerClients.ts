import { createHmac } from "node:crypto";
import { payosSignedString } from "@market40/core/callback/providers/payos";
import type { Provider, ProviderSecrets } from "@market40/core/config";
import { signCasso, signGeneric, signSepay } from "./signing";

/** A payment as a provider would report it; each provider's client below turns it into its own signed request. */
export interface SimulatedPayment {
  id: string;
  bin: string;
  accountNumber: string;
  bankShortName: string;
  amount: number;
  /** UTC instant. */
  paidAt: Date;
  description: string;
  payer?: string;
  /** The provider's own numeric id (SePay, Casso, payOS's order code); by default derived from `id`. */
  providerId?: number;
  /** The bank's reference the provider passes on (SePay, Casso, payOS; generic only when given); default `id`. */
  reference?: string;
}

export interface SignedRequest {
  provider: Provider;
  body: string;
  headers: Record<string, string>;
}

/**
 * The ways each provider can be set up to deliver, first the default: SePay with an API key or HMAC-SHA256; Casso's
 * webhook v2 signed as its Node or its PHP sample signs, or its legacy webhook with a `secure-token`.
 */
export const DELIVERY_MODES = {
  generic: ["signature"],
  payos: ["checksum"],
  sepay: ["apikey", "hmac"],
  casso: ["v2", "v2-php", "legacy"],
} as const satisfies Record<Provider, readonly string[]>;

export type DeliveryMode<P extends Provider> = (typeof DELIVERY_MODES)[P][number];

type Client<P extends Provider> = (
  p: SimulatedPayment,
  secrets: ProviderSecrets,
  now: Date,
  mode?: DeliveryMode<P>,
) => SignedRequest;

/** `YYYY-MM-DD HH:mm:ss` in Vietnam time, as payOS, SePay and Casso write timestamps. */
function localStamp(at: Date): string {
  return new Date(at.getTime() + 7 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
}

/** The first of a comma-separated list of secrets: the one a provider signs with. */
const first = (secret: string) => secret.split(",")[0]!.trim();

/** A provider's numeric transaction id from the payment's id. */
const numericId = (id: string, digits: number) =>
  Number.parseInt(id.replace(/\D/g, "").slice(-digits) || "0", 10);

const json = { "content-type": "application/json" };

/**
 * Signed requests exactly as each provider sends them (the demo simulator, load tests and benchmarks use these;
 * the platform's verifiers are tested separately against the providers' published samples and SDKs).
 */
export const ProviderClients: { [P in Provider]: Client<P> } = {
  generic(p, secrets, now) {
    const body = JSON.stringify({
      id: p.id,
      bin: p.bin,
      accountNumber: p.accountNumber,
      amount: p.amount,
      paidAt: p.paidAt.toISOString(),
      description: p.description,
      ...(p.payer ? { payer: p.payer } : {}),
      ...(p.reference ? { reference: p.reference } : {}),
    });
    return {
      provider: "generic",
      body,
      headers: { ...json, "x-signature": signGeneric(first(secrets.generic), body, now) },
    };
  },
  sepay(p, secrets, now, mode = "apikey") {
    const body = JSON.stringify({
      id: p.providerId ?? numericId(p.id, 12),
      gateway: p.bankShortName,
      transactionDate: localStamp(p.paidAt),
      accountNumber: p.accountNumber,
      code: null,
      content: p.description,
      transferType: "in",
      transferAmount: p.amount,
      accumulated: 0,
      subAccount: null,
      referenceCode: p.reference ?? p.id,
      description: p.description,
    });
    const auth =
      mode === "hmac"
        ? signSepay(first(secrets.sepayWebhookSecret), body, now)
        : { authorization: `Apikey ${first(secrets.sepay)}` };
    return { provider: "sepay", body, headers: { ...json, ...auth } };
  },
  casso(p, secrets, now, mode = "v2") {
    if (mode === "legacy") {
      const body = JSON.stringify({
        error: 0,
        data: [
          {
            id: p.providerId ?? numericId(p.id, 12),
            tid: p.reference ?? p.id,
            description: p.description,
            amount: p.amount,
            cusum_balance: 0,
            when: localStamp(p.paidAt),
            bank_sub_acc_id: p.accountNumber,
            subAccId: p.accountNumber,
          },
        ],
      });
      return {
        provider: "casso",
        body,
        headers: { ...json, "secure-token": first(secrets.cassoSecureToken) },
      };
    }
    const body = JSON.stringify({
      error: 0,
      data: {
        id: p.providerId ?? numericId(p.id, 12),
        reference: p.reference ?? p.id,
        description: p.description,
        amount: p.amount,
        runningBalance: 0,
        transactionDateTime: localStamp(p.paidAt),
        accountNumber: p.accountNumber,
        bankName: p.bankShortName,
        bankAbbreviation: "",
        virtualAccountNumber: "",
        virtualAccountName: "",
        counterAccountName: "",
        counterAccountNumber: p.payer ?? "",
        counterAccountBankId: "",
        counterAccountBankName: "",
      },
    });
    const signature = signCasso(first(secrets.casso), body, now, mode === "v2-php" ? "php" : "node");
    return { provider: "casso", body, headers: { ...json, "x-casso-signature": signature } };
  },
  payos(p, secrets) {
    const data = {
      orderCode: p.providerId ?? numericId(p.id, 9),
      amount: p.amount,
      description: p.description,
      accountNumber: p.accountNumber,
      reference: p.reference ?? p.id,
      transactionDateTime: localStamp(p.paidAt),
      currency: "VND",
      paymentLinkId: "",
      code: "00",
      desc: "Thành công",
      counterAccountBankId: "",
      counterAccountBankName: "",
      counterAccountName: "",
      counterAccountNumber: p.payer ?? "",
      virtualAccountName: "",
      virtualAccountNumber: "",
    };
    const signature = createHmac("sha256", first(secrets.payos))
      .update(payosSignedString(data)!)
      .digest("hex");
    return {
      provider: "payos",
      body: JSON.stringify({ code: "00", desc: "success", success: true, data, signature }),
      headers: json,
    };
  },
};

/** Signs `p` as `provider` would, in one of its delivery modes (its default when none is given). */
export function signAs<P extends Provider>(
  provider: P,
  p: SimulatedPayment,
  secrets: ProviderSecrets,
  now: Date,
  mode?: DeliveryMode<P>,
): SignedRequest {
  return (ProviderClients[provider] as Client<P>)(p, secrets, now, mode);
}
