import * as Banks from "@market40/core/bank/directory";
import { casso } from "@market40/core/callback/providers/casso";
import { sepay } from "@market40/core/callback/providers/sepay";
import type { ProviderAdapter } from "@market40/core/callback/types";
import { fromCassoApi } from "@market40/core/sync/casso";
import { fromSepayApi } from "@market40/core/sync/sepay";
import { ProviderClients, type SimulatedPayment } from "@market40/devkit/providerClients";
import { describe, expect, it } from "vitest";
import { TEST_SECRETS } from "./support/harness";

/**
 * Each known bank-name clash, read through each provider's real adapter (docs/contract.md §16, "Banks"): a delivery
 * signed as the provider signs it, verified and parsed by the adapter the callback route uses, and the sync's
 * readers of the providers' lists. SePay (`gateway`, `bank_brand_name`) and Casso (`bankName`) write VietQR's names,
 * so `BVB` is BaoVietBank (970438) there; no provider market40 reads writes `vietnam-qr-pay`'s aliases, where `BVB`
 * is BVBank (970454) — that reading is the directory's (packages/core/src/bank/directory.test.ts).
 */
const now = new Date("2026-11-29T03:00:00Z");
const payment = (bankShortName: string): SimulatedPayment => ({
  id: "FT26337000001",
  bin: "970436",
  accountNumber: "1234567890",
  bankShortName,
  amount: 20_000,
  paidAt: new Date("2026-11-29T02:59:00Z"),
  description: "clash",
});

function parsed(adapter: ProviderAdapter, req: { body: string; headers: Record<string, string> }) {
  const headers = new Map(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const delivery = adapter.verifyAndParse(
    { body: new TextEncoder().encode(req.body), header: (n) => headers.get(n.toLowerCase()) },
    TEST_SECRETS,
    now,
  );
  return delivery.transactions[0]!;
}

/** The names each provider writes that have meant another bank, or nothing, elsewhere: what each must read as. */
const CLASHES: [name: string, bin: string][] = [
  ["BVB", "970438"], // BaoVietBank in VietQR's codes; BVBank in vietnam-qr-pay's aliases
  ["BVBank", "970454"],
  ["Vikki Bank", "970406"], // renamed from DongA Bank; the package's short name
  ["MBV", "970414"], // renamed from Oceanbank
  ["CTG", "970415"], // VietinBank, the package's code
  ["MBB", "970422"], // MB, the package's code
  ["PVcomBank Pay", "971133"],
];

describe("bank names through each provider's adapter", () => {
  it.each(CLASHES)("SePay's webhook (gateway %s) names BIN %s", (name, bin) => {
    expect(parsed(sepay, ProviderClients.sepay(payment(name), TEST_SECRETS, now, "apikey")).bin).toBe(bin);
  });

  it.each(CLASHES)("Casso's webhook v2 (bankName %s) names BIN %s", (name, bin) => {
    expect(parsed(casso, ProviderClients.casso(payment(name), TEST_SECRETS, now, "v2")).bin).toBe(bin);
  });

  it.each(CLASHES)("SePay's API list (bank_brand_name %s) names BIN %s", (name, bin) => {
    const txn = fromSepayApi({
      id: "0b1c2d3e-0000-4000-8000-000000000001",
      bank_brand_name: name,
      account_number: "1234567890",
      transaction_date: "2026-11-29 09:59:00",
      amount_in: 20_000,
      amount_out: 0,
      reference_number: "FT26337000001",
    });
    expect(txn?.bin).toBe(bin);
  });

  it("the directory's own reading agrees, and BVB means the other bank only in vietnam-qr-pay's list", () => {
    for (const [name, bin] of CLASHES) expect(Banks.byName("vietqr", name)?.bin, name).toBe(bin);
    expect(Banks.byName("vietnam-qr-pay", "BVB")?.bin).toBe("970454");
    // PVcomBank Pay's short name and code as VietQR's list gives them (https://api.vietqr.io/v2/banks: PVDB).
    expect(Banks.byBin("971133")).toMatchObject({ shortName: "PVcomBank Pay" });
  });

  it("Casso's API list names no bank (its bankCodeName is Casso's own), so it relies on the matched stall's", () => {
    const txn = fromCassoApi({
      id: 1,
      tid: "FT1",
      amount: 20_000,
      when: "2026-11-29T09:59:00",
      bankSubAccId: "1234567890",
      bankCodeName: "bvb",
    });
    expect(txn).toBeDefined();
    expect(txn!.bin).toBeUndefined();
    expect(txn!.paidAt).toBe("2026-11-29T02:59:00.000Z");
  });
});
