import { createHash } from "node:crypto";
import * as Audit from "../audit/audit";
import { addDays, type LocalDate, localDateOf } from "../calendar/localDate";
import { type MarketCalendar, type Session, sessionAt, sessionsBetween } from "../calendar/sessions";
import { TransactionItem } from "../callback/transactionItem";
import type { Clock } from "../clock";
import type { Market } from "../market/market";
import { MarketItem } from "../market/marketItem";
import { marketDays } from "../rollup/rollups";
import type { Store } from "../store/client";
import { tryCommit } from "../store/transact";
import { IncidentItem } from "../uptime/incidentItem";
import type { Incident } from "../uptime/incidents";
import type { SyncOutcome } from "./run";

/** Minutes of a session without a stored payment, while the providers list some, before money counts as stopped. */
export const MONEY_STOPS_MINUTES = 60;
/** How many of the market's past sessions tell what it usually takes. */
export const MONEY_STOPS_SESSIONS = 8;
/** A market "usually takes payments" when the median of its past sessions' payment counts is at least this. */
export const MONEY_STOPS_USUAL_PAYMENTS = 20;
/** How far back the past sessions are looked for (a market meeting a few times a month still finds eight). */
const LOOKBACK_DAYS = 120;

/** The CloudWatch metric the sync emits for each market where money stopped, and its alarm (stacks/MonitoringStack.ts). */
export const MONEY_STOPS_METRIC = { namespace: "market40", name: "PaymentsStopped" } as const;

export interface MoneyStopsRules {
  minutes: number;
  sessions: number;
  usualPayments: number;
}

export const MONEY_STOPS_RULES: MoneyStopsRules = {
  minutes: MONEY_STOPS_MINUTES,
  sessions: MONEY_STOPS_SESSIONS,
  usualPayments: MONEY_STOPS_USUAL_PAYMENTS,
};

/** The middle of the counts (the mean of the two middle ones for an even number); 0 for none. */
export function median(counts: number[]): number {
  if (counts.length === 0) return 0;
  const sorted = [...counts].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export type MoneyStopsVerdict =
  | { stopped: true; session: Session; quietSince: string; quietMinutes: number; usual: number }
  | {
      stopped: false;
      reason: "out of session" | "not usual" | "payments arriving" | "providers show none";
    };

/**
 * Whether money has stopped at a market at `now` (docs/contract.md §16, "Money stops"). Pure. All of:
 *  - a session of the market's calendar is open at `now`;
 *  - the market usually takes payments: the median payment count of its last `rules.sessions` sessions before this
 *    one (`pastCounts`, a session with no payment counting 0) is at least `rules.usualPayments`; fewer past
 *    sessions than that is not "usually";
 *  - it has been quiet: no payment stored since `quietSince` = the later of the session's opening and the market's
 *    last stored payment (`lastPaidAt`), for at least `rules.minutes`;
 *  - the providers' APIs show payments: the newest transaction the last sync run listed (`newestListedAt`, any
 *    provider's, any market's — the API keys are the platform's) was paid after `quietSince`.
 */
export function judgeMoneyStops(input: {
  now: Date;
  calendar: MarketCalendar;
  pastCounts: number[];
  lastPaidAt: string | null;
  newestListedAt: string | null;
  rules?: MoneyStopsRules;
}): MoneyStopsVerdict {
  const rules = input.rules ?? MONEY_STOPS_RULES;
  const session = sessionAt(input.calendar, input.now);
  if (!session) return { stopped: false, reason: "out of session" };
  const past = input.pastCounts.slice(-rules.sessions);
  const usual = median(past);
  if (past.length < rules.sessions || usual < rules.usualPayments)
    return { stopped: false, reason: "not usual" };
  const quietSince =
    input.lastPaidAt && Date.parse(input.lastPaidAt) > Date.parse(session.opensAt)
      ? input.lastPaidAt
      : session.opensAt;
  const quietMinutes = Math.floor((input.now.getTime() - Date.parse(quietSince)) / 60_000);
  if (quietMinutes < rules.minutes) return { stopped: false, reason: "payments arriving" };
  if (!input.newestListedAt || Date.parse(input.newestListedAt) <= Date.parse(quietSince))
    return { stopped: false, reason: "providers show none" };
  return { stopped: true, session, quietSince: new Date(quietSince).toISOString(), quietMinutes, usual };
}

/** The one candidate a market can have per session: its id is the market and the session's date. */
export function moneyStopsIncidentId(marketId: string, date: LocalDate): string {
  return `m${createHash("sha256").update(`${marketId}\n${date}\npayments-stopped`).digest("hex").slice(0, 25)}`;
}

/** Who raises the candidate: the system, as the sync. */
export const MONEY_STOPS_ACTOR = { role: "system", keyId: "system:money-stops" } as const;

export interface MoneyStopped {
  marketId: string;
  session: LocalDate;
  quietSince: string;
  quietMinutes: number;
  usual: number;
  incidentId: string;
  /** False when this session's candidate was already raised (an earlier run): nothing written. */
  raised: boolean;
}

/** How long a process keeps a market's past-session counts (they are of sessions already over). */
const PAST_COUNTS_TTL_MS = 60 * 60_000;
const pastCountsCache = new WeakMap<Store, Map<string, { counts: number[]; expires: number }>>();

/**
 * Payment counts of the market's last `n` sessions before `session` (0 for a session with none), oldest first: the
 * sum of their stall-days. Kept an hour per process, market and session, so a sync every 5 minutes reads a market's
 * past stall-days about once an hour, not twelve times (docs/capacity.md); a late payment to a past session moves
 * the median by little, and is seen within the hour.
 */
async function pastSessionCounts(
  store: Store,
  market: Market,
  session: Session,
  n: number,
): Promise<number[]> {
  let cache = pastCountsCache.get(store);
  if (!cache) {
    cache = new Map();
    pastCountsCache.set(store, cache);
  }
  const cacheKey = `${market.id}\n${session.date}\n${n}`;
  const hit = cache.get(cacheKey);
  if (hit && hit.expires > Date.now()) return hit.counts;
  const to = addDays(session.date, -1);
  const from = addDays(session.date, -LOOKBACK_DAYS);
  const sessions = sessionsBetween(market, from, to).slice(-n);
  const days = sessions.length ? await marketDays(store, market.id, sessions[0]!.date, to) : new Map();
  const counts = sessions.map((s) => days.get(s.date)?.count ?? 0);
  cache.set(cacheKey, { counts, expires: Date.now() + PAST_COUNTS_TTL_MS });
  return counts;
}

/**
 * After a sync run: every market where money has stopped (`judgeMoneyStops`) gets one incident candidate per
 * session — an incident with cause `payments-stopped` from when it went quiet to now, reported by the system,
 * written with its audit entry under a deterministic id, so a repeat run raises nothing more. Nothing is read when
 * the run listed no transaction.
 */
export async function checkMoneyStops(
  deps: { store: Store; clock: Clock },
  outcomes: SyncOutcome[],
  rules: MoneyStopsRules = MONEY_STOPS_RULES,
): Promise<MoneyStopped[]> {
  let newestListedAt: string | null = null;
  for (const o of outcomes)
    if (
      o.status === "pulled" &&
      o.report.newestPaidAt &&
      (!newestListedAt || o.report.newestPaidAt > newestListedAt)
    )
      newestListedAt = o.report.newestPaidAt;
  if (!newestListedAt) return [];
  const { store, clock } = deps;
  const now = clock.now();
  const stopped: MoneyStopped[] = [];
  let cursor: string | undefined;
  do {
    const page = await MarketItem.all(store, { limit: 100, ...(cursor ? { cursor } : {}) });
    for (const market of page.items) {
      const session = sessionAt(market, now);
      if (!session) continue;
      const month = localDateOf(now).slice(0, 7);
      const opened = localDateOf(session.opensAt).slice(0, 7);
      const months = [month, ...(opened !== month ? [opened] : [])];
      const lastPaidAt = await TransactionItem.lastPaidAt(store, market.id, months, `${now.toISOString()}~`);
      const verdict = judgeMoneyStops({
        now,
        calendar: market,
        pastCounts: await pastSessionCounts(store, market, session, rules.sessions),
        lastPaidAt,
        newestListedAt,
        rules,
      });
      if (!verdict.stopped) continue;
      const id = moneyStopsIncidentId(market.id, session.date);
      const at = now.toISOString();
      const incident: Incident = {
        id,
        marketId: market.id,
        startedAt: verdict.quietSince,
        endedAt: at,
        cause: "payments-stopped",
        note:
          `Tự động: không có khoản thanh toán nào trong ${verdict.quietMinutes} phút của phiên ${session.date} ` +
          `(thường ${verdict.usual} khoản mỗi phiên) trong khi nhà cung cấp vẫn ghi nhận giao dịch. Cần kiểm tra.`,
        reportedBy: MONEY_STOPS_ACTOR.keyId,
        reporterRole: MONEY_STOPS_ACTOR.role,
        createdAt: at,
        updatedAt: at,
      };
      const failed = await tryCommit(store, [
        IncidentItem.create(store, incident),
        Audit.entry(store, clock, {
          actor: MONEY_STOPS_ACTOR,
          action: "incident.created",
          entity: { kind: "incident", id },
          marketId: market.id,
          after: { startedAt: incident.startedAt, endedAt: incident.endedAt, cause: incident.cause },
        }),
      ]);
      stopped.push({
        marketId: market.id,
        session: session.date,
        quietSince: verdict.quietSince,
        quietMinutes: verdict.quietMinutes,
        usual: verdict.usual,
        incidentId: id,
        raised: failed === null,
      });
    }
    cursor = page.nextCursor;
  } while (cursor);
  return stopped;
}
