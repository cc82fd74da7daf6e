import { z } from "zod";
import directory from "./vietqr-banks.json";

/**
 * Banks that can receive VietQR (NAPAS 247) transfers, keyed by BIN — never by short code, which differs between
 * lists. The data is `vietqr-banks.json` (the public VietQR directory, with its source and the date it was taken);
 * refreshing it needs no code change, and `directory.test.ts` compares it with the list `vietnam-qr-pay` ships.
 */
export interface Bank {
  bin: string;
  shortName: string;
  name: string;
  /** The directory's own code for the bank (Casso's `bankAbbreviation` uses these). */
  vietqrCode: string;
  /** Other names aggregators use for it: former brands, older short names. */
  aliases?: string[];
  /** The bank's previous legal name, when it was renamed. */
  formerly?: string;
}

const BANKS: readonly Bank[] = directory.banks;

/** How names are compared: letter case, spaces and punctuation ignored ("MB Bank" is "MBBank"). */
function nameKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

const BY_BIN = new Map(BANKS.map((b) => [b.bin, b]));

const BY_NAME = new Map<string, Bank>();
for (const bank of BANKS)
  for (const name of [bank.shortName, bank.vietqrCode, ...(bank.aliases ?? [])]) {
    const key = nameKey(name);
    const other = BY_NAME.get(key);
    // A name two banks share would attribute money to the wrong bank: refuse to load rather than guess.
    if (other && other !== bank) throw new Error(`Bank name '${name}' is both ${other.bin} and ${bank.bin}`);
    if (key) BY_NAME.set(key, bank);
  }

/** Every bank, in directory order (the common ones in the highlands first). */
export function list(): readonly Bank[] {
  return BANKS;
}

/** The bank with this BIN, or undefined when the BIN is not in the directory. */
export function byBin(bin: string): Bank | undefined {
  return BY_BIN.get(bin);
}

/**
 * The bank an aggregator names (SePay's `gateway`, Casso's `bankName` or `bankAbbreviation`): its short name, its
 * VietQR code or a known former name, ignoring case, spaces and punctuation. Undefined when nothing matches.
 */
export function byShortName(name: string): Bank | undefined {
  return BY_NAME.get(nameKey(name));
}

/** A bank as `GET /api/banks` lists it. */
export const BankSchema = z
  .object({ bin: z.string(), shortName: z.string(), name: z.string() })
  .meta({ id: "Bank" });
