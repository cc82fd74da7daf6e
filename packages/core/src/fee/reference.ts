import { asciiFold } from "../text";

/**
 * Finding a bill's reference in a transfer's description (docs/contract.md §20), pure. A reference is
 * `PHI <code> <DDMM>` or `PHI <code> T<MMYY>`, maybe with a letter after it (`…B`), and is matched on its letters
 * and digits alone (`BillRefItem` is keyed so). What reaches us is what the payer typed or the QR pre-filled, as
 * the banks pass it on: any case, with or without diacritics (`Phí`), spaces dropped or doubled, `-`, `/` or `.`
 * between the parts, and the banks' own text before and after (`MBVCB.1234.PHI A12 2611.CT tu …`).
 *
 * So: fold diacritics, upper-case, split into runs of letters and digits; from each run holding `PHI`, join it with
 * up to five following runs; keep every join shaped like a reference with a real day and month (or month). The
 * longest come first, so `PHI A1 0111 B` finds `…0111B` before `…0111`. A candidate is only a key to look up: a
 * wrong one finds no bill.
 */
const MAX_CANDIDATES = 4;
const JOINED_RUNS = 6;
const validMonth = (mm: number) => mm >= 1 && mm <= 12;

/** Whether a compact string reads as a reference: some split gives a code and a valid date or month. */
export function isReferenceShaped(compact: string): boolean {
  if (!/^PHI[A-Z0-9]+$/.test(compact)) return false;
  // With or without a letter after the date, a day's `<DDMM>` or a month's `T<MMYY>`: a code may end in T.
  for (const letter of [false, true]) {
    if (letter && !/[A-Z]$/.test(compact)) continue;
    const body = letter ? compact.slice(0, -1) : compact;
    const date = body.slice(-4);
    if (!/^\d{4}$/.test(date)) continue;
    const head = body.slice(3, -4);
    const a = Number(date.slice(0, 2));
    const b = Number(date.slice(2, 4));
    if (head.length >= 1 && head.length <= 12 && a >= 1 && a <= 31 && validMonth(b)) return true;
    if (head.length >= 2 && head.length <= 13 && head.endsWith("T") && validMonth(a)) return true;
  }
  return false;
}

/** The compact references a description may name, best first (at most four). */
export function referencesIn(description: string): string[] {
  const runs = asciiFold(description)
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
  const found: string[] = [];
  for (let i = 0; i < runs.length && found.length < MAX_CANDIDATES; i++) {
    const at = runs[i]!.indexOf("PHI");
    if (at < 0) continue;
    const joins: string[] = [];
    let joined = runs[i]!.slice(at);
    joins.push(joined);
    for (let j = i + 1; j < Math.min(runs.length, i + JOINED_RUNS); j++) {
      joined += runs[j];
      joins.push(joined);
    }
    for (const candidate of joins.reverse())
      if (isReferenceShaped(candidate) && !found.includes(candidate) && found.length < MAX_CANDIDATES)
        found.push(candidate);
  }
  return found;
}
