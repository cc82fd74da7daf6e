import { mkdirSync, writeFileSync } from "node:fs";
import { callbackBench } from "./callbacks";
import { evaluationBench } from "./evaluations";
import { feeBench } from "./fees";
import type { Figure } from "./harness";
import { lambdaBench } from "./lambda";
import { localBench } from "./local";
import { posterBench } from "./posters";
import { qrBench } from "./qr";
import { realtimeBench } from "./realtime";
import { reportBench } from "./reports";
import { speakerBench } from "./speaker";
import { syncBench } from "./sync";

/**
 * `npm run bench`: every benchmark suite, one table, and the same figures as JSON in bench/results/latest.json.
 * Figures vary with the machine; ratios to a peer measured in the same run are what to compare.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
process.env.LOG_LEVEL ??= "SILENT";

const suites: [string, () => Promise<Figure[]>][] = [
  ["qr", qrBench],
  ["posters", posterBench],
  ["callbacks", callbackBench],
  ["evaluations", evaluationBench],
  ["lambda", lambdaBench],
  ["reports", reportBench],
  ["realtime", realtimeBench],
  ["sync", syncBench],
  ["speaker", speakerBench],
  ["fees", feeBench],
  ["local", localBench],
];
const only = process.argv[2];
const figures: Figure[] = [];
for (const [name, suite] of suites) {
  if (only && only !== name) continue;
  process.stderr.write(`bench: ${name}…\n`);
  figures.push(...(await suite()));
}

const rows = figures.map((f) => [
  f.suite,
  f.name,
  `${f.value.toLocaleString("en-US")} ${f.unit}`,
  f.peer ? `${f.peer}: ${f.peerValue?.toLocaleString("en-US")} ${f.unit}` : (f.note ?? ""),
  f.ratio !== undefined ? `${f.ratio}×` : "",
]);
const header = ["suite", "figure", "value", "peer / note", "ratio"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
console.log(line(header));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows) console.log(line(r));

mkdirSync("bench/results", { recursive: true });
writeFileSync(
  "bench/results/latest.json",
  `${JSON.stringify({ at: new Date().toISOString(), node: process.version, cpus: (await import("node:os")).cpus().length, figures }, null, 2)}\n`,
);
console.log("\nwritten: bench/results/latest.json");
