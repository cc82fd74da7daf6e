/**
 * `npm run banks -- <file>`: checks the bank directory against a list saved from VietQR's API
 * (`curl https://api.vietqr.io/v2/banks > banks.json`) and names every difference; exits 1 when there is one.
 */
import { readFileSync } from "node:fs";
import { diffBanks, type VietqrApiBank } from "@market40/devkit/bankDiff";

const file = process.argv[2];
if (!file) {
  console.error("usage: npm run banks -- <file saved from https://api.vietqr.io/v2/banks>");
  process.exit(2);
}
const json = JSON.parse(readFileSync(file, "utf8")) as { data?: VietqrApiBank[] } | VietqrApiBank[];
const saved = Array.isArray(json) ? json : (json.data ?? []);
const { differences, notes } = diffBanks(saved);
for (const n of notes) console.log(`note: ${n}`);
for (const d of differences) console.log(`differs: ${d}`);
console.log(`${saved.length} banks in the file; ${differences.length} difference(s)`);
process.exit(differences.length > 0 ? 1 : 0);
