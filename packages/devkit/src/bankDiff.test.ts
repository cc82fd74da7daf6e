import * as Banks from "@market40/core/bank/directory";
import { describe, expect, it } from "vitest";
import { diffBanks, type VietqrApiBank } from "./bankDiff";

const asSaved = (): VietqrApiBank[] =>
  Banks.list().map((b) => ({ bin: b.bin, code: b.vietqrCode, shortName: b.shortName, name: b.name }));

describe("npm run banks", () => {
  it("finds no difference with a list that is the directory", () => {
    expect(diffBanks(asSaved())).toEqual({ differences: [], notes: [] });
  });

  it("names every difference: a bank missing on either side, another code, another short name", () => {
    const saved = asSaved().filter((b) => b.bin !== "971133");
    saved.push({ bin: "970999", code: "NEW", shortName: "NewBank", name: "Ngân hàng Mới" });
    saved.find((b) => b.bin === "970438")!.code = "BVBX";
    saved.find((b) => b.bin === "970415")!.shortName = "VietinBank iPay";
    saved.find((b) => b.bin === "970406")!.shortName = "DongABank"; // a former name the directory still reads
    const { differences, notes } = diffBanks(saved);
    expect(differences).toHaveLength(4);
    expect(differences).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^970415: VietQR short name 'VietinBank iPay'/),
        expect.stringMatching(/^970438: VietQR code 'BVBX'/),
        expect.stringMatching(/^971133 PVcomBank Pay: in the directory, not in the saved list/),
        expect.stringMatching(/^970999 NewBank: in the saved list, not in the directory/),
      ]),
    );
    expect(notes).toEqual([expect.stringMatching(/^970406: VietQR short name 'DongABank'/)]);
  });
});
