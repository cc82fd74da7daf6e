/**
 * One 200-stall poster part rendered in-process, as the API Lambda renders it (no worker thread), in a child process
 * whose heap is capped as a 512 MB Lambda's would be (`--max-old-space-size=448`). Prints one JSON line: the first
 * part (cold: fonts and code loaded), a second part (warm), and the process's peak RSS. Run by bench/posters.ts.
 */
import * as Poster from "@market40/core/poster/poster";
import { forStall } from "@market40/core/vietqr/stallQr";
import { benchStall } from "./harness";

const part = Array.from({ length: 200 }, (_, i) => {
  const s = benchStall(i);
  return { marketName: "Chợ bench", stall: s, payload: forStall(s).payload };
});
const times: number[] = [];
let bytes = 0;
for (let run = 0; run < 2; run++) {
  const t = performance.now();
  bytes = (await Poster.renderMany("Mã QR — bench", part, {})).length;
  times.push(performance.now() - t);
}
console.log(
  JSON.stringify({ coldMs: times[0], warmMs: times[1], bytes, maxRssKiB: process.resourceUsage().maxRSS }),
);
