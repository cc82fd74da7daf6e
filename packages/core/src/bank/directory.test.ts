import { Banks as PackageBanks } from "vietnam-qr-pay";
import { describe, expect, it } from "vitest";
import { BankAccountSchema } from "../stall/stall";
import * as Banks from "./directory";
import directory from "./vietqr-banks.json";

/** BINs in `a` and not in `b`, sorted. */
const minus = (a: Iterable<string>, b: Set<string>) => [...new Set(a)].filter((x) => !b.has(x)).sort();

describe("the bank directory", () => {
  it("is the whole VietQR directory, as data that names its source and date", () => {
    expect(directory.source).toMatch(/api\.vietqr\.io/);
    expect(directory.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const bins = Banks.list().map((b) => b.bin);
    expect(bins).toHaveLength(64);
    expect(new Set(bins).size).toBe(64);
    for (const bank of Banks.list()) {
      expect(bank.bin).toMatch(/^\d{6}$/);
      expect(bank.shortName.trim()).not.toBe("");
      expect(bank.name.trim()).not.toBe("");
    }
  });

  it("has every bank issue 14 found refused", () => {
    const refused = ["970424", "546034", "963388", "970410", "422589", "970458", "796500", "801011"];
    for (const bin of [...refused, "668888", "970429", "970408", "970421"])
      expect(Banks.byBin(bin), bin).toBeDefined();
  });

  it("differs from vietnam-qr-pay's list only where the file says why", () => {
    // The package is an independent list (it also builds and parses VietQR codes): any BIN one side has and the
    // other lacks must be explained in vietqr-banks.json's `comparedWith`, so a refresh of either is reviewed.
    const ours = new Set(Banks.list().map((b) => b.bin));
    // BIDC is listed without a BIN (VietQR not supported): nothing to compare.
    const theirs = new Set(PackageBanks.map((b) => b.bin).filter(Boolean));
    const explained = directory.comparedWith;
    expect({ onlyHere: minus(ours, theirs), onlyThere: minus(theirs, ours) }).toEqual({
      onlyHere: Object.keys(explained.onlyHere).sort(),
      onlyThere: Object.keys(explained.onlyThere).sort(),
    });
  });

  it("uses current names", () => {
    expect(Banks.byBin("970430")).toMatchObject({
      shortName: "PGBank",
      name: "Ngân hàng TMCP Thịnh vượng và Phát triển",
    });
    expect(Banks.byBin("970449")?.shortName).toBe("LPBank");
    expect(Banks.byBin("970454")?.shortName).toBe("BVBank");
    expect(Banks.byBin("970414")?.shortName).toBe("MBV");
    expect(Banks.byBin("970406")?.shortName).toBe("Vikki");
    // VietQR's 64th bank (issue 25): its stalls can register.
    expect(Banks.byBin("971133")?.shortName).toBe("PVcomBank Pay");
  });

  it("reads a name in its sender's list: BVB is BaoVietBank in VietQR's codes, BVBank in vietnam-qr-pay's", () => {
    expect(Banks.byName("vietqr", "BVB")?.bin).toBe("970438");
    expect(Banks.byName("vietnam-qr-pay", "BVB")?.bin).toBe("970454");
    // Every name that means two banks in the two lists resolves per list, as the list says.
    for (const b of PackageBanks) {
      if (!b.bin || !Banks.byBin(b.bin)) continue;
      const inVietqr = Banks.byName("vietqr", b.code);
      if (inVietqr && inVietqr.bin !== b.bin && Banks.byShortName(b.code))
        expect(Banks.byName("vietnam-qr-pay", b.code)?.bin, b.code).toBe(b.bin);
    }
  });

  it("resolves the common names aggregators send, whatever the list", () => {
    const names: Record<string, string> = {
      "Vikki Bank": "970406",
      CTG: "970415",
      MBB: "970422",
      BID: "970418",
      "NCB Bank": "970419",
      "Woori Bank": "970457",
      "HSBC Vietnam": "458761",
    };
    for (const naming of Banks.NAMINGS)
      for (const [name, bin] of Object.entries(names))
        expect(Banks.byName(naming, name)?.bin, name).toBe(bin);
    // Of the package's names for banks the directory has, none resolves to nothing.
    const lost = PackageBanks.filter((b) => b.bin && Banks.byBin(b.bin))
      .flatMap((b) => [b.code, b.key, b.shortName])
      .filter((n) => n && !Banks.byName("vietnam-qr-pay", n));
    expect(lost).toEqual([]);
  });

  it("finds a bank by the names aggregators use, and by no other bank's", () => {
    const bin = (name: string) => Banks.byShortName(name)?.bin;
    expect(bin("Vietcombank")).toBe("970436");
    expect(bin("MB Bank")).toBe("970422");
    expect(bin("mbbank")).toBe("970422");
    expect(bin("VPB")).toBe("970432"); // Casso's bankAbbreviation
    expect(bin("VietCapitalBank")).toBe("970454");
    expect(bin("BVBank")).toBe("970454");
    expect(bin("BVB")).toBe("970438"); // VietQR's code for BaoVietBank, not Ban Viet
    expect(bin("Oceanbank")).toBe("970414");
    expect(bin("LienVietPostBank")).toBe("970449");
    expect(bin("ShinhanBank")).toBe("970424");
    expect(bin("No Such Bank")).toBeUndefined();
    expect(bin("")).toBeUndefined();
  });

  it("lets a stall use every bank in it", () => {
    for (const bank of Banks.list()) {
      const parsed = BankAccountSchema.safeParse({
        bin: bank.bin,
        accountNumber: "0123456789",
        accountName: "NGUYEN VAN A",
      });
      expect(parsed.success, bank.bin).toBe(true);
    }
    expect(BankAccountSchema.safeParse({ bin: "963369", accountNumber: "1", accountName: "A" }).success).toBe(
      false,
    );
  });
});
