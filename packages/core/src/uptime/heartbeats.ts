import type { Interval } from "./intervals";

export interface Beat {
  at: string;
  ok: boolean;
}

/** How long a trailing run of failures is taken to have lasted after its last beat. */
export const TRAILING_FAILURE_MS = 5 * 60_000;

/**
 * Automatic incidents from a device's beats (docs/contract.md §8): a run of `ok:false` beats is down from the first
 * `false` to the next `true`, or to the last `false` + 5 minutes when no `true` follows.
 */
export function automaticIncidents(beats: Beat[]): Interval[] {
  const sorted = [...beats].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const out: Interval[] = [];
  let runStart: number | undefined;
  let lastFalse = 0;
  for (const beat of sorted) {
    const t = Date.parse(beat.at);
    if (!beat.ok) {
      runStart ??= t;
      lastFalse = t;
    } else if (runStart !== undefined) {
      out.push({ start: runStart, end: t });
      runStart = undefined;
    }
  }
  if (runStart !== undefined) out.push({ start: runStart, end: lastFalse + TRAILING_FAILURE_MS });
  return out;
}
