/**
 * A stall's life from its standing changes (docs/evaluations.md): pure, no store. A period counts a stall that was
 * active on any of its days, and with its code if it held one then — what the stall is today does not rewrite what
 * it was (a stall suspended after the month still counted in the month).
 */
export type StallStatus = "active" | "suspended";

/** A stall as these rules need it: what it is now. */
export interface StallNow {
  id: string;
  status: StallStatus;
  createdAt: string;
  qrIssuedAt: string | null;
}

/** One change of a stall's standing: its status, or its code revoked (`qrIssuedAt` set → null). */
export interface StandingChange {
  stallId: string;
  code: string;
  at: string;
  before: { status: StallStatus; qrIssuedAt: string | null };
  after: { status: StallStatus; qrIssuedAt: string | null };
}

/** Half-open `[start, end)` in epoch ms. */
export interface Window {
  start: number;
  end: number;
}

const overlaps = (a: Window, b: Window) => a.start < b.end && b.start < a.end;

/** A stall's changes, by stall id, oldest first. */
export function byStall(changes: StandingChange[]): Map<string, StandingChange[]> {
  const out = new Map<string, StandingChange[]>();
  for (const c of [...changes].sort((a, b) => a.at.localeCompare(b.at)))
    out.set(c.stallId, [...(out.get(c.stallId) ?? []), c]);
  return out;
}

/**
 * When the stall was active: from its creation, in the status its first recorded change started from (or its
 * status now, if none was recorded), switching at each change. Changes made before history was kept are not
 * known: for them the status now stands in, as it did before.
 */
export function activeSpans(stall: StallNow, changes: StandingChange[]): Window[] {
  const spans: Window[] = [];
  let status = changes[0]?.before.status ?? stall.status;
  let since = Date.parse(stall.createdAt);
  for (const c of changes) {
    const at = Date.parse(c.at);
    if (status === "active" && at > since) spans.push({ start: since, end: at });
    status = c.after.status;
    since = Math.max(since, at);
  }
  if (status === "active") spans.push({ start: since, end: Number.POSITIVE_INFINITY });
  return spans;
}

/** When the stall held a handed-over code: each revoked one until its revocation, and the one it holds now. */
export function codeSpans(stall: StallNow, changes: StandingChange[]): Window[] {
  const spans = changes
    .filter((c) => c.before.qrIssuedAt && !c.after.qrIssuedAt)
    .map((c) => ({ start: Date.parse(c.before.qrIssuedAt!), end: Date.parse(c.at) }));
  if (stall.qrIssuedAt) spans.push({ start: Date.parse(stall.qrIssuedAt), end: Number.POSITIVE_INFINITY });
  return spans;
}

/** True when the stall was active at some moment of the window. */
export function livedIn(stall: StallNow, changes: StandingChange[], window: Window): boolean {
  return activeSpans(stall, changes).some((s) => overlaps(s, window));
}

/** True when the stall held its code at some moment of the window. */
export function heldCodeIn(stall: StallNow, changes: StandingChange[], window: Window): boolean {
  return codeSpans(stall, changes).some((s) => overlaps(s, window));
}

/** The stalls a window counts, and those of them with a code then (what `stalls` and `stallsWithQr` count). */
export function countedIn<S extends StallNow>(
  stalls: S[],
  changes: StandingChange[],
  window: Window,
): { stalls: S[]; withQr: S[] } {
  const history = byStall(changes);
  const lived = stalls.filter((s) => livedIn(s, history.get(s.id) ?? [], window));
  return { stalls: lived, withQr: lived.filter((s) => heldCodeIn(s, history.get(s.id) ?? [], window)) };
}
