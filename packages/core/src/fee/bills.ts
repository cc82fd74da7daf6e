import { addDays, type LocalDate, localDateOf, localTimeToUtc, monthsBetween } from "../calendar/localDate";
import type { Clock } from "../clock";
import * as Market from "../market/market";
import * as Stall from "../stall/stall";
import type { Store } from "../store/client";
import { isTransientCancellation, tryCommit } from "../store/transact";
import { type Bill, BillItem } from "./billItem";
import { billReference, billsDue, LOOKBACK_DAYS, type PlannedBill } from "./billing";
import { BillRefItem } from "./billRefItem";
import { FeeScheduleItem } from "./feeScheduleItem";

/** Letters a reference may take after the plain one before issuing gives up on a bill (it is retried next run). */
const REFERENCE_ATTEMPTS = 6;
const CONCURRENCY = 8;

/**
 * Issues one planned bill: the bill and its reference guard in one transaction, the bill conditioned on its
 * stall's period not being billed yet. Returns whether this call issued it.
 */
async function issueOne(
  store: Store,
  marketId: string,
  planned: PlannedBill,
  issuedAt: string,
): Promise<boolean> {
  for (let attempt = 0, tries = 0; attempt < REFERENCE_ATTEMPTS && tries < 20; tries++) {
    const reference = billReference(planned, attempt);
    const bill: Bill = {
      marketId,
      ...planned,
      reference,
      status: "open",
      paid: 0,
      paidQr: 0,
      paidCash: 0,
      excess: 0,
      payments: [],
      issuedAt,
      rev: 0,
    };
    const reasons = await tryCommit(store, [
      BillItem.create(store, bill),
      BillRefItem.claim(store, reference, {
        marketId,
        periodKey: planned.periodKey,
        stallId: planned.stallId,
      }),
    ]);
    if (!reasons) return true;
    if (reasons[0] === "ConditionalCheckFailed") return false; // billed already: by an earlier or a racing run
    if (reasons[1] === "ConditionalCheckFailed") attempt++;
    else if (!isTransientCancellation(reasons)) throw new Error(`bill not issued: ${reasons.join(",")}`);
  }
  return false;
}

export interface IssueReport {
  marketId: string;
  planned: number;
  issued: number;
}

/**
 * The daily job's step for one market (docs/contract.md §20): every bill its schedule implies over the look-back
 * window that is not issued yet. Reads the schedule (one request; a market without one stops there), its stalls,
 * their standing changes and the bills already issued in the window's months, then puts only the missing bills.
 */
export async function issueForMarket(
  deps: { store: Store; clock: Clock },
  marketId: string,
): Promise<IssueReport> {
  const { store, clock } = deps;
  const schedule = await FeeScheduleItem.get(store, marketId);
  if (schedule.rates.length === 0) return { marketId, planned: 0, issued: 0 };
  const now = clock.now();
  const today = localDateOf(now);
  const from = addDays(today, -LOOKBACK_DAYS - 1);
  const windowStart = `${from.slice(0, 7)}-01`;
  const [market, stalls, changes] = await Promise.all([
    Market.get(store, marketId),
    Stall.allOfMarket(store, marketId),
    Stall.standingChangesSince(store, marketId, localTimeToUtc(windowStart, "00:00").toISOString()),
  ]);
  const planned = billsDue({ market, rates: schedule.rates, stalls, changes, now, today });
  if (planned.length === 0) return { marketId, planned: 0, issued: 0 };
  const existing = new Set<string>();
  for (const month of monthsBetween(windowStart, today))
    for (const b of await BillItem.byMarketMonth(store, marketId, month))
      existing.add(`${b.periodKey}#${b.stallId}`);
  const missing = planned.filter((p) => !existing.has(`${p.periodKey}#${p.stallId}`));
  const issuedAt = now.toISOString();
  // In period and stall-code order, and never two bills with the same plain reference in one batch: when two codes
  // read alike ("A-1" and "A1"), the first in code order keeps the plain reference and the other takes the letter,
  // whatever the timing of the writes.
  const queue = [...missing].sort((a, b) =>
    a.periodKey !== b.periodKey ? (a.periodKey < b.periodKey ? -1 : 1) : a.stallCode < b.stallCode ? -1 : 1,
  );
  let issued = 0;
  while (queue.length > 0) {
    const batch: PlannedBill[] = [];
    const references = new Set<string>();
    for (let j = 0; j < queue.length && batch.length < CONCURRENCY; ) {
      const reference = billReference(queue[j]!);
      if (references.has(reference)) j++;
      else {
        references.add(reference);
        batch.push(...queue.splice(j, 1));
      }
    }
    const done = await Promise.all(batch.map((p) => issueOne(store, marketId, p, issuedAt)));
    issued += done.filter(Boolean).length;
  }
  return { marketId, planned: planned.length, issued };
}

/** Every market's bills, a few markets at a time; one market's failure is reported and does not stop the rest. */
export async function issueAll(deps: {
  store: Store;
  clock: Clock;
}): Promise<{ markets: number; issued: number; failed: { marketId: string; error: string }[] }> {
  const markets = await Market.all(deps.store);
  const failed: { marketId: string; error: string }[] = [];
  let issued = 0;
  let next = 0;
  const worker = async () => {
    while (next < markets.length) {
      const m = markets[next++]!;
      try {
        // Awaited first: `issued += await …` would read `issued` before the wait and lose other workers' counts.
        const report = await issueForMarket(deps, m.id);
        issued += report.issued;
      } catch (err) {
        failed.push({ marketId: m.id, error: (err as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, markets.length) }, worker));
  return { markets: markets.length, issued, failed };
}

/** A market's bills whose periods fall in a month. */
export function billsOfMonth(store: Store, marketId: string, month: string): Promise<Bill[]> {
  return BillItem.byMarketMonth(store, marketId, month);
}

/**
 * What an evaluation counts of a market's fees (docs/evaluations.md): whether it has a fee schedule, and its bills
 * due from `from` to `to` — a month's bill is due in the next month, so the month before `from` is read too.
 */
export async function dueBetween(
  store: Store,
  marketId: string,
  from: LocalDate,
  to: LocalDate,
): Promise<{ scheduled: boolean; bills: Bill[] }> {
  const months = monthsBetween(addDays(`${from.slice(0, 7)}-01`, -1), to);
  const [schedule, ...byMonth] = await Promise.all([
    FeeScheduleItem.get(store, marketId),
    ...months.map((m) => BillItem.byMarketMonth(store, marketId, m)),
  ]);
  const bills = byMonth.flat().filter((b) => b.dueOn >= from && b.dueOn <= to);
  return { scheduled: schedule.rates.length > 0, bills };
}
