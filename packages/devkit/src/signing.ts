import { createHmac } from "node:crypto";

/** Signs a generic callback as an integrator would: `t=<unix s>,v1=HMAC-SHA256(secret, "<t>.<body>")`. */
export function signGeneric(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
}

export function genericBody(over: Record<string, unknown> = {}) {
  return JSON.stringify({
    id: "FT26330123456",
    bin: "970405",
    accountNumber: "8888123456789",
    amount: 35000,
    paidAt: "2026-11-29T06:41:07+07:00",
    description: "A12 rau cai",
    payer: "payer-1",
    ...over,
  });
}
