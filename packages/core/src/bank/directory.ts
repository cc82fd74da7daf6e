import { Banks as PackageBanks } from "vietnam-qr-pay";
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

/**
 * The lists a provider's bank field can be written in (issue 25). `vietqr`: the VietQR directory's short names,
 * codes and former names (Casso's `bankAbbreviation` is a VietQR code, e.g. `VPB`; SePay's `gateway` is a short name,
 * e.g. `Vietcombank`). `vietnam-qr-pay`: that package's codes, keys and short names, which other integrators send
 * (`CTG`, `MBB`, `Vikki Bank`). The two disagree on `BVB` (BaoVietBank 970438 in VietQR's codes, BVBank 970454 in
 * the package), so a name is read in its sender's list first; the other list is consulted only for names that mean
 * the same bank in both, or that only it knows.
 */
export const NAMINGS = ["vietqr", "vietnam-qr-pay"] as const;
export type Naming = (typeof NAMINGS)[number];

const PACKAGE_NAMES = new Map<string, Bank>();
const PACKAGE_CLASHES = new Set<string>();
for (const b of PackageBanks) {
  const bank = b.bin ? BY_BIN.get(b.bin) : undefined;
  if (!bank) continue; // a bank the VietQR directory lacks cannot receive money here
  for (const name of [b.code, b.key, b.shortName, b.name]) {
    const key = name ? nameKey(name) : "";
    if (!key) continue;
    const other = PACKAGE_NAMES.get(key);
    if (other && other !== bank) PACKAGE_CLASHES.add(key);
    else PACKAGE_NAMES.set(key, bank);
  }
}
for (const key of PACKAGE_CLASHES) PACKAGE_NAMES.delete(key);

const LISTS: Record<Naming, Map<string, Bank>> = { vietqr: BY_NAME, "vietnam-qr-pay": PACKAGE_NAMES };

/**
 * The bank a sender names, read in the sender's own list first; a name its list lacks is looked up in the other
 * list only when that list gives it one bank and the sender's list does not give it another.
 * @example byName("vietqr", "BVB")?.bin // "970438"; byName("vietnam-qr-pay", "BVB")?.bin // "970454"
 */
export function byName(naming: Naming, name: string): Bank | undefined {
  const key = nameKey(name);
  if (!key) return undefined;
  const own = LISTS[naming].get(key);
  if (own) return own;
  for (const other of NAMINGS) if (other !== naming && LISTS[other].has(key)) return LISTS[other].get(key);
  return undefined;
}

/** A bank as `GET /api/banks` lists it. */
export const BankSchema = z
  .object({ bin: z.string(), shortName: z.string(), name: z.string() })
  .meta({ id: "Bank" });
