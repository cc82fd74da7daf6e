import * as Banks from "@market40/core/bank/directory";

/** One bank as VietQR's API lists it (`GET https://api.vietqr.io/v2/banks`, `data[]`). */
export interface VietqrApiBank {
  bin: string;
  code: string;
  shortName: string;
  name: string;
}

/**
 * Every difference between the platform's bank directory and a list saved from VietQR's API: a BIN only one side
 * has, and for shared BINs a different code or short name (where the directory chose another name on purpose, its
 * `formerly` or `aliases` still name VietQR's, and that is reported as a note rather than a difference).
 */
export function diffBanks(saved: VietqrApiBank[]): { differences: string[]; notes: string[] } {
  const differences: string[] = [];
  const notes: string[] = [];
  const theirs = new Map(saved.map((b) => [String(b.bin), b]));
  for (const bank of Banks.list()) {
    const other = theirs.get(bank.bin);
    if (!other) {
      differences.push(`${bank.bin} ${bank.shortName}: in the directory, not in the saved list`);
      continue;
    }
    if (other.code !== bank.vietqrCode)
      differences.push(`${bank.bin}: VietQR code '${other.code}', the directory says '${bank.vietqrCode}'`);
    if (other.shortName !== bank.shortName) {
      const known = Banks.byName("vietqr", other.shortName)?.bin === bank.bin;
      (known ? notes : differences).push(
        `${bank.bin}: VietQR short name '${other.shortName}', the directory says '${bank.shortName}'${known ? " (and reads VietQR's)" : ""}`,
      );
    }
  }
  for (const other of saved)
    if (!Banks.byBin(String(other.bin)))
      differences.push(`${other.bin} ${other.shortName}: in the saved list, not in the directory`);
  return { differences, notes };
}
