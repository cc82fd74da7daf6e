/** Half-open time intervals in epoch milliseconds: `[start, end)`. */
export interface Interval {
  start: number;
  end: number;
}

/** The union of intervals, as sorted disjoint intervals (Upptime's "merged incidents"). */
export function union(intervals: Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out.at(-1);
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}

/** Total overlap, in ms, between a window and a set of disjoint intervals. */
export function overlapMs(window: Interval, disjoint: Interval[]): number {
  let total = 0;
  for (const i of disjoint) {
    const s = Math.max(window.start, i.start);
    const e = Math.min(window.end, i.end);
    if (e > s) total += e - s;
  }
  return total;
}

export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}
