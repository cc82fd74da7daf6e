import { createHmac } from "node:crypto";
import { payosSignedString } from "@market40/core/callback/providers/payos";
import { sortKeysDeep } from "@market40/core/callback/signature";
import type { Provider, ProviderSecrets } from "@market40/core/config";

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
}

export interface SignedRequest {
  provider: Provider;
  body: string;
  headers: Record<string, string>;
}

/** `YYYY-MM-DD HH:mm:ss` in Vietnam time, as payOS, SePay and Casso write timestamps. */
function localStamp(at: Date): string {
  return new Date(at.getTime() + 7 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
}

/**
 * Signed requests exactly as each provider sends them (the demo simulator, load tests and benchmarks use these;
 * the platform's verifiers are tested separately against the providers' published samples).
 */
export const ProviderClients: Record<
  Provider,
  (p: SimulatedPayment, secrets: ProviderSecrets, now: Date) => SignedRequest
> = {
  generic(p, secrets, now) {
    const body = JSON.stringify({
      id: p.id,
      bin: p.bin,
      accountNumber: p.accountNumber,
      amount: p.amount,
      paidAt: p.paidAt.toISOString(),
      description: p.description,
      ...(p.payer ? { payer: p.payer } : {}),
    });
    const t = Math.floor(now.getTime() / 1000);
    const secret = secrets.generic.split(",")[0]!.trim();
    const v1 = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
    return {
      provider: "generic",
      body,
      headers: { "content-type": "application/json", "x-signature": `t=${t},v1=${v1}` },
    };
  },
  sepay(p, secrets) {
    const body = JSON.stringify({
      id: Number.parseInt(p.id.replace(/\D/g, "").slice(-12) || "0", 10),
      gateway: p.bankShortName,
      transactionDate: localStamp(p.paidAt),
      accountNumber: p.accountNumber,
      code: null,
      content: p.description,
      transferType: "in",
      transferAmount: p.amount,
      accumulated: 0,
      subAccount: null,
      referenceCode: p.id,
      description: p.description,
    });
    return {
      provider: "sepay",
      body,
      headers: {
        "content-type": "application/json",
        authorization: `Apikey ${secrets.sepay.split(",")[0]!.trim()}`,
      },
    };
  },
  casso(p, secrets, now) {
    const payload = {
      error: 0,
      data: {
        id: Number.parseInt(p.id.replace(/\D/g, "").slice(-12) || "0", 10),
        reference: p.id,
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
    };
    const body = JSON.stringify(payload);
    const t = String(now.getTime());
    const v1 = createHmac("sha512", secrets.casso.split(",")[0]!.trim())
      .update(`${t}.${JSON.stringify(sortKeysDeep(payload))}`)
      .digest("hex");
    return {
      provider: "casso",
      body,
      headers: { "content-type": "application/json", "x-casso-signature": `t=${t},v1=${v1}` },
    };
  },
  payos(p, secrets) {
    const data = {
      orderCode: Number.parseInt(p.id.replace(/\D/g, "").slice(-9) || "0", 10),
      amount: p.amount,
      description: p.description,
      accountNumber: p.accountNumber,
      reference: p.id,
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
    const signature = createHmac("sha256", secrets.payos.split(",")[0]!.trim())
      .update(payosSignedString(data))
      .digest("hex");
    return {
      provider: "payos",
      body: JSON.stringify({ code: "00", desc: "success", success: true, data, signature }),
      headers: { "content-type": "application/json" },
    };
  },
};
