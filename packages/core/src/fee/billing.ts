import { addDays, type LocalDate, localTimeToUtc, monthRange, monthsBetween } from "../calendar/localDate";
import { type MarketCalendar, sessionsBetween } from "../calendar/sessions";
import { activeSpans, byStall, type StallNow, type StandingChange, type Window } from "../stall/history";
import { type FeePeriod, type FeeRate, rateFor } from "./schedule";

/**
 * Which bills a schedule implies (docs/contract.md §20): pure, no store. A bill is one stall's fee for one period —
 * a session or a day (key: its date) or a month (key: `YYYY-MM`) — and its key is the same whoever computes it and
 * whenever, so issuing is a conditional put and runs may repeat or overlap in any order.
 *
 *  - A session's or day's bill: for each market day in the look-back window up to today, each stall active at some
 *    moment of that day (up to now), whose applicable rate is per session or per day and above 0.
 *  - A month's bill: once the month has ended (within the look-back window), for each stall, the month's rate of
 *    each market day it was active on, shared over the month's market days — so a stall suspended for part of the
 *    month, or registered in it, pays for the days it was active. Rounded to whole VND.
 */
export const LOOKBACK_DAYS = 7;
/** A month's bill is due on this day of the next month. */
export const MONTH_DUE_DAY = 10;

export interface PlannedBill {
  stallId: string;
  stallCode: string;
  period: FeePeriod;
  /** The session's or day's date, or the month `YYYY-MM`. */
  periodKey: string;
  amount: number;
  dueOn: LocalDate;
}

export interface BillingStall extends StallNow {
  code: string;
  category?: string | undefined;
}

export interface BillingInput {
  market: MarketCalendar;
  rates: FeeRate[];
  stalls: BillingStall[];
  changes: StandingChange[];
  /** When the run happens: today's bills consider the stall's standing up to this instant. */
  now: Date;
  today: LocalDate;
}

const dayWindow = (date: LocalDate, now: Date): Window => ({
  start: localTimeToUtc(date, "00:00").getTime(),
  end: Math.min(localTimeToUtc(addDays(date, 1), "00:00").getTime(), now.getTime()),
});

const activeIn = (spans: Window[], w: Window) =>
  w.start < w.end && spans.some((s) => s.start < w.end && w.start < s.end);

export function billsDue(input: BillingInput): PlannedBill[] {
  const { market, rates, stalls, now, today } = input;
  if (rates.length === 0) return [];
  const from = addDays(today, -LOOKBACK_DAYS);
  const days = sessionsBetween(market, from, today).map((s) => s.date);
  const history = byStall(input.changes);
  const out: PlannedBill[] = [];
  // Months that ended within the window (their last day before today, on or after its first day).
  const months = monthsBetween(addDays(from, -1), addDays(today, -1)).filter((m) => {
    const last = monthRange(m).to;
    return last < today && last >= addDays(from, -1);
  });
  for (const stall of stalls) {
    const spans = activeSpans(stall, history.get(stall.id) ?? []);
    for (const date of days) {
      const rate = rateFor(rates, stall, date);
      if (!rate || rate.amount === 0 || rate.period === "month") continue;
      if (!activeIn(spans, dayWindow(date, now))) continue;
      out.push({
        stallId: stall.id,
        stallCode: stall.code,
        period: rate.period,
        periodKey: date,
        amount: rate.amount,
        dueOn: date,
      });
    }
    for (const month of months) {
      const { from: first, to: last } = monthRange(month);
      const marketDays = sessionsBetween(market, first, last).map((s) => s.date);
      if (marketDays.length === 0) continue;
      let share = 0;
      for (const date of marketDays) {
        const rate = rateFor(rates, stall, date);
        if (rate?.period === "month" && activeIn(spans, dayWindow(date, now)))
          share += rate.amount / marketDays.length;
      }
      const amount = Math.round(share);
      if (amount > 0)
        out.push({
          stallId: stall.id,
          stallCode: stall.code,
          period: "month",
          periodKey: month,
          amount,
          dueOn: `${addDays(last, 1).slice(0, 7)}-${String(MONTH_DUE_DAY).padStart(2, "0")}`,
        });
    }
  }
  return out;
}

/**
 * A bill's short reference, as a payer types it in a transfer's purpose: `PHI <stall code> <DDMM>` for a session
 * or day, `PHI <stall code> T<MMYY>` for a month; the code's letters and digits only, upper case. `attempt` > 0
 * adds a letter (B, C, …) when the plain one is taken in the market (two codes alike but for punctuation, or the
 * same day a year earlier).
 */
export function billReference(bill: { stallCode: string; periodKey: string }, attempt = 0): string {
  const code = bill.stallCode
    .normalize("NFD")
    .replace(/[^A-Za-z0-9]/g, "")
    .toUpperCase()
    .slice(0, 12);
  const k = bill.periodKey;
  const when = k.length === 7 ? `T${k.slice(5, 7)}${k.slice(2, 4)}` : `${k.slice(8, 10)}${k.slice(5, 7)}`;
  return `PHI ${code} ${when}${attempt > 0 ? String.fromCharCode(65 + attempt) : ""}`;
}

/** A reference as matched in a payment's description: letters and digits only, upper case. */
export const compactReference = (reference: string) => reference.replace(/[^A-Za-z0-9]/g, "").toUpperCase();
