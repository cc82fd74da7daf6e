import { z } from "zod";
import type { Actor } from "../audit/audit";
import * as Audit from "../audit/audit";
import * as Banks from "../bank/directory";
import { localDateOf } from "../calendar/localDate";
import type { Clock } from "../clock";
import { conflict, type ErrorIssue, forbidden, validationError } from "../errors";
import * as Market from "../market/market";
import { AccountItem, accountKey } from "../stall/accountItem";
import { AccountNumberItem, type NumberHolder } from "../stall/accountNumberItem";
import { BankAccountSchema, mask } from "../stall/stall";
import { StallItem } from "../stall/stallItem";
import type { Store } from "../store/client";
import { commit, type WriteItem } from "../store/transact";
import { type BoardAccount, BoardAccountItem } from "./boardAccountItem";
import { boardHolderId } from "./boardHolder";
import { FeeScheduleItem } from "./feeScheduleItem";
import {
  canonicalRate,
  type FeeRate,
  type FeeSchedule,
  FeeScheduleInputSchema,
  periodsFor,
  sameRates,
  sortRates,
  targetKey,
} from "./schedule";

/**
 * The market board's side of fees (docs/contract.md §20): its collection account and its fee schedule. Only an
 * admin or the market's manager sets them (the route checks `Access.manageMarket`); every change is audited in
 * the same transaction.
 */

export const BoardAccountInputSchema = BankAccountSchema.meta({ id: "BoardAccountInput" });

export const BoardAccountSchema = z
  .object({
    marketId: z.string(),
    bin: z.string(),
    accountNumber: z.string(),
    accountName: z.string(),
    bankName: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "BoardAccount" });

/** Deliberately the same whoever holds it, wherever: a 409 must not say which market or stall. */
const ACCOUNT_TAKEN: ErrorIssue = {
  path: "accountNumber",
  message: "This bank account is already registered on the platform",
};
const CHANGED_MEANWHILE: ErrorIssue = {
  path: "",
  message: "Another change to this account was in progress; retry",
};

/** The account as lists and audit show it: number masked. */
export const maskedAccount = (a: BoardAccount): BoardAccount => ({
  ...a,
  accountNumber: mask(a.accountNumber),
});

export function boardAccount(store: Store, marketId: string): Promise<BoardAccount | undefined> {
  return BoardAccountItem.get(store, marketId);
}

const boardHolder = (marketId: string, bin: string): NumberHolder => ({
  stallId: boardHolderId(marketId),
  marketId,
  bin,
  active: true,
});

/**
 * Sets (or changes) a market board's collection account. Squatting rules as a stall's (docs/security.md): the
 * exact (BIN, account) pair is held by one party on the platform — a stall or a board — and a manager may not take
 * an account number any other market's stall or board holds at any bank (`409`, naming neither); an admin may.
 * The account, its guard, its number's holders (old and new) and the audit entry are one transaction.
 */
export async function setBoardAccount(
  store: Store,
  clock: Clock,
  actor: Actor,
  marketId: string,
  input: z.input<typeof BoardAccountInputSchema>,
): Promise<BoardAccount> {
  await Market.get(store, marketId);
  const parsed = BoardAccountInputSchema.parse(input);
  const current = await BoardAccountItem.get(store, marketId);
  const next: BoardAccount = {
    marketId,
    bin: parsed.bin,
    accountNumber: parsed.accountNumber,
    accountName: parsed.accountName,
    bankName: Banks.byBin(parsed.bin)!.shortName,
    updatedAt: clock.now().toISOString(),
  };
  const fields: (keyof BoardAccount)[] = ["bin", "accountNumber", "accountName"];
  const change = Audit.diff(current, next, fields);
  if (!change) return current!;
  const items: WriteItem[] = [BoardAccountItem.put(store, next, current?.updatedAt ?? null)];
  const checks: (ErrorIssue | null)[] = [CHANGED_MEANWHILE];
  const holderId = boardHolderId(marketId);
  const moved =
    !current ||
    current.bin !== next.bin ||
    accountKey(current.accountNumber) !== accountKey(next.accountNumber);
  if (moved) {
    const guardHolder = { stallId: holderId, marketId, active: true };
    items.push(AccountItem.claim(store, guardHolder, next.bin, next.accountNumber));
    checks.push(ACCOUNT_TAKEN);
    if (current) {
      items.push(AccountItem.release(store, current.bin, current.accountNumber));
      checks.push(null);
    }
    const others = (h: NumberHolder) => h.stallId !== holderId;
    const seenNew = await AccountNumberItem.get(store, next.accountNumber);
    const mayShare = actor.role === "admin" || actor.role === "system";
    if (!mayShare && seenNew.holders.some((h) => h.marketId !== marketId && h.stallId !== holderId))
      throw conflict(ACCOUNT_TAKEN.message, [ACCOUNT_TAKEN]);
    items.push(
      AccountNumberItem.write(store, next.accountNumber, seenNew, [
        ...seenNew.holders.filter(others),
        boardHolder(marketId, next.bin),
      ]),
    );
    checks.push(CHANGED_MEANWHILE);
    if (current && accountKey(current.accountNumber) !== accountKey(next.accountNumber)) {
      const seenOld = await AccountNumberItem.get(store, current.accountNumber);
      items.push(
        AccountNumberItem.write(store, current.accountNumber, seenOld, seenOld.holders.filter(others)),
      );
      checks.push(CHANGED_MEANWHILE);
    }
  }
  items.push(
    Audit.entry(store, clock, {
      actor,
      action: "market.boardAccountChanged",
      entity: { kind: "market", id: marketId },
      marketId,
      ...change,
    }),
  );
  await commit(store, items, (i) => checks[i] ?? null);
  return next;
}

export async function schedule(store: Store, marketId: string): Promise<FeeSchedule> {
  const stored = await FeeScheduleItem.get(store, marketId);
  return { marketId, ...stored };
}

const rateKey = (r: FeeRate) => `${targetKey(r.appliesTo)}|${r.from}`;

/**
 * Replaces a market's fee schedule, conditioned on the revision read (`409` if another change came first). Each
 * rate's period must be one the market's calendar has; one target has at most one rate from a date; a stall rate
 * names a stall of this market. A manager may add, change or remove only rates that start after today (local):
 * bills may already have been issued from the others — an admin may correct them.
 */
export async function setSchedule(
  store: Store,
  clock: Clock,
  actor: Actor,
  marketId: string,
  input: z.input<typeof FeeScheduleInputSchema>,
): Promise<FeeSchedule> {
  const market = await Market.get(store, marketId);
  const rates = sortRates(FeeScheduleInputSchema.parse(input).rates);
  const allowed = periodsFor(market.schedule);
  const issues: ErrorIssue[] = [];
  const seenKeys = new Map<string, number>();
  for (const [i, r] of rates.entries()) {
    if (!allowed.includes(r.period))
      issues.push({
        path: `rates.${i}.period`,
        message: `This market's fees may be per ${allowed.join(" or per ")}`,
      });
    const k = rateKey(r);
    if (seenKeys.has(k))
      issues.push({ path: `rates.${i}.from`, message: "Two rates for the same stalls from the same date" });
    seenKeys.set(k, i);
    if (r.appliesTo.kind === "stall") {
      const stall = await StallItem.get(store, r.appliesTo.stallId);
      if (stall?.marketId !== marketId)
        issues.push({ path: `rates.${i}.appliesTo.stallId`, message: "No such stall in this market" });
    }
  }
  if (issues.length > 0) throw validationError("Invalid fee schedule", issues);
  const current = await FeeScheduleItem.get(store, marketId);
  if (actor.role !== "admin" && actor.role !== "system") {
    const today = localDateOf(clock.now());
    const before = new Map(current.rates.map((r) => [rateKey(r), JSON.stringify(canonicalRate(r))]));
    const after = new Map(rates.map((r) => [rateKey(r), JSON.stringify(canonicalRate(r))]));
    const touched = [...new Set([...before.keys(), ...after.keys()])].filter(
      (k) => before.get(k) !== after.get(k),
    );
    const started = touched.filter((k) => k.slice(k.lastIndexOf("|") + 1) <= today);
    if (started.length > 0)
      throw forbidden("A manager may add, change or remove only rates that start after today; ask an admin");
  }
  if (sameRates(current.rates, rates)) return { marketId, ...current };
  const at = clock.now().toISOString();
  await commit(
    store,
    [
      FeeScheduleItem.write(store, marketId, rates, current.rev, at),
      Audit.entry(store, clock, {
        actor,
        action: "market.feeScheduleChanged",
        entity: { kind: "market", id: marketId },
        marketId,
        before: { rates: current.rates },
        after: { rates },
      }),
    ],
    (i) => (i === 0 ? { path: "", message: "The fee schedule changed meanwhile; retry" } : null),
  );
  return { marketId, rates, rev: current.rev + 1, updatedAt: at };
}
