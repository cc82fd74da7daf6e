import { addDays, type LocalDate, localTimeToUtc, TIMEZONE } from "../calendar/localDate";
import {
  laterDate,
  type MarketCalendar,
  sessionMinuteRange,
  sessionMinutes,
  sessionsBetween,
} from "../calendar/sessions";
import { namingMarket, sumMoney } from "../rollup/money";
import type { StallDay } from "../rollup/rollups";
import { countedIn, type StandingChange } from "../stall/history";
import { automaticIncidents, type Beat } from "../uptime/heartbeats";
import { type Interval, overlapMs, overlaps, union } from "../uptime/intervals";
import { type FeeBill, type FeeFigures, feeFigures } from "./fees";

export const DEFINITIONS = "market40/1";

/**
 * The pass marks of a rating. `feesCashlessPct` is a criterion only when set: a market with fees then passes only
 * when that share of its collected fees came by QR too (docs/evaluations.md); unset (today) fees are reported and
 * never rated. Each evaluation records the marks it used in `method.thresholds`.
 */
export interface Thresholds {
  uptimePct: number;
  qrSharePct: number;
  activeSharePct: number;
  feesCashlessPct?: number;
}
export const THRESHOLDS: Readonly<Thresholds> = { uptimePct: 95, qrSharePct: 80, activeSharePct: 50 };

export interface EvaluationInput {
  market: MarketCalendar & { id: string; launchedOn: LocalDate };
  period: { from: LocalDate; to: LocalDate };
  stalls: { id: string; status: "active" | "suspended"; createdAt: string; qrIssuedAt: string | null }[];
  /** Status changes and code revocations since the period began (absent: none), so a stall counts as it was. */
  stallChanges?: StandingChange[];
  stallDays: StallDay[];
  /** Reported incidents; `endedAt` null while open. */
  incidents: { startedAt: string; endedAt: string | null }[];
  beats: Beat[];
  /** When the evaluation is computed: open incidents count as down until then. */
  now: Date;
  /** The board's bills due in the period; absent for a market with no fee schedule (then no `fees`). */
  fees?: { bills: FeeBill[] };
}

export interface Figures {
  uptime: {
    scheduledSessions: number;
    scheduledMinutes: number;
    downMinutes: number;
    uptimePct: number | null;
    incidents: number;
    sessionsWithEvidence: number;
    activeSessions: number;
    activeSessionsPct: number | null;
  };
  uptake: {
    stalls: number;
    stallsWithQr: number;
    qrSharePct: number | null;
    activeStalls: number;
    activeSharePct: number | null;
    transactions: number;
    value: number;
    medianTicket: number | null;
    uniquePayers: number;
  };
  /** Absent for a market with no fee schedule. */
  fees?: FeeFigures;
  rating: "pass" | "fail" | "insufficient-data";
  method: { timezone: string; definitions: string; thresholds: Thresholds };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const pct = (num: number, den: number) => (den === 0 ? null : round2((100 * num) / den));

/** The median of a histogram (amount → count); the mean of the two middle amounts when the count is even. */
export function medianOf(histogram: Map<number, number>): number | null {
  const entries = [...histogram.entries()].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return null;
  const at = (k: number) => {
    let seen = 0;
    for (const [amount, n] of entries) {
      seen += n;
      if (k < seen) return amount;
    }
    return entries.at(-1)![0];
  };
  return total % 2 === 1 ? at((total - 1) / 2) : Math.round((at(total / 2 - 1) + at(total / 2)) / 2);
}

/**
 * A market's Market 4.0 evaluation for a period (definitions `market40/1`, docs/contract.md §9). Pure: the same inputs
 * always give the same figures; no store, no clock but `input.now`.
 */
export function evaluate(input: EvaluationInput, thresholds: Readonly<Thresholds> = THRESHOLDS): Figures {
  const { market, period } = input;
  const start = laterDate(period.from, market.launchedOn);
  const sessions = start > period.to ? [] : sessionsBetween(market, start, period.to);
  const windows: (Interval & { date: LocalDate })[] = sessions.map((s) => ({
    date: s.date,
    start: Date.parse(s.opensAt),
    end: Date.parse(s.closesAt),
  }));
  const scheduledMinutes = sessions.length * sessionMinutes(market.hours);

  const now = input.now.getTime();
  const reported: Interval[] = input.incidents.map((i) => ({
    start: Date.parse(i.startedAt),
    end: i.endedAt ? Date.parse(i.endedAt) : now,
  }));
  const all = [...reported, ...automaticIncidents(input.beats)];
  const down = union(all);
  const downMs = windows.reduce((s, w) => s + overlapMs(w, down), 0);
  const downMinutes = round2(downMs / 60_000);
  const incidents = all.filter((i) => windows.some((w) => overlaps(i, w))).length;

  const inRange = input.stallDays.filter((d) => d.date >= start && d.date <= period.to && d.count > 0);
  const paidMinutesByDate = new Map<LocalDate, number[]>();
  for (const d of inRange)
    paidMinutesByDate.set(d.date, [...(paidMinutesByDate.get(d.date) ?? []), ...d.minutes]);
  // Minutes are counted from the market day's midnight, past 1439 after midnight (§21), as the rollups keep them.
  const { open: openMin, close: closeMin } = sessionMinuteRange(market.hours);
  const okBeats = input.beats.filter((b) => b.ok).map((b) => Date.parse(b.at));
  let activeSessions = 0;
  let sessionsWithEvidence = 0;
  for (const w of windows) {
    const paid = (paidMinutesByDate.get(w.date) ?? []).some((m) => m >= openMin && m < closeMin);
    const beat = okBeats.some((t) => t >= w.start && t < w.end);
    if (paid) activeSessions++;
    if (paid || beat) sessionsWithEvidence++;
  }

  // A stall counts when it was active on any day of the period, with its code if it held one then; a later
  // suspension or new bank details do not take it out of a period it lived in.
  const { stalls, withQr } = countedIn(input.stalls, input.stallChanges ?? [], {
    start: localTimeToUtc(start, "00:00").getTime(),
    end: localTimeToUtc(addDays(period.to, 1), "00:00").getTime(),
  });
  const active = new Set(inRange.map((d) => d.stallId));
  const activeStalls = active.size;
  // The share is of QR holders who transact, so a stall paid without a printed code (by account number) does
  // not push it past 100 %.
  const activeWithQr = withQr.filter((s) => active.has(s.id)).length;
  const histogram = new Map<number, number>();
  const payers = new Set<string>();
  let transactions = 0;
  const value = namingMarket(market.id, () => sumMoney(inRange.map((d) => d.value)));
  for (const d of inRange) {
    transactions += d.count;
    for (const [amount, n] of d.amounts) histogram.set(amount, (histogram.get(amount) ?? 0) + n);
    for (const p of d.payers) payers.add(p);
  }

  const uptimePct = pct(scheduledMinutes - downMinutes, scheduledMinutes);
  const qrSharePct = pct(withQr.length, stalls.length);
  const activeSharePct = pct(activeWithQr, withQr.length);
  const fees = input.fees ? feeFigures(input.fees.bills, period) : undefined;
  // The fees criterion, when set, applies to a market with fees billable in the period; nothing collected fails it.
  const feesPass =
    thresholds.feesCashlessPct === undefined ||
    !fees ||
    fees.billed - fees.waived <= 0 ||
    (fees.feesCashlessPct ?? 0) >= thresholds.feesCashlessPct;
  const rating =
    sessions.length === 0 || stalls.length === 0
      ? "insufficient-data"
      : (uptimePct ?? 0) >= thresholds.uptimePct &&
          (qrSharePct ?? 0) >= thresholds.qrSharePct &&
          (activeSharePct ?? 0) >= thresholds.activeSharePct &&
          feesPass
        ? "pass"
        : "fail";

  return {
    method: { timezone: TIMEZONE, definitions: DEFINITIONS, thresholds: { ...thresholds } },
    uptime: {
      scheduledSessions: sessions.length,
      scheduledMinutes,
      downMinutes,
      uptimePct,
      incidents,
      sessionsWithEvidence,
      activeSessions,
      activeSessionsPct: pct(activeSessions, sessions.length),
    },
    uptake: {
      stalls: stalls.length,
      stallsWithQr: withQr.length,
      qrSharePct,
      activeStalls,
      activeSharePct,
      transactions,
      value,
      medianTicket: medianOf(histogram),
      uniquePayers: payers.size,
    },
    ...(fees ? { fees } : {}),
    rating,
  };
}
