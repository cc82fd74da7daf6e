import { ZodError, z } from "zod";
import type { Actor } from "../audit/audit";
import * as Audit from "../audit/audit";
import * as Banks from "../bank/directory";
import { type Clock, newId } from "../clock";
import {
  conflict,
  type DomainError,
  type ErrorIssue,
  notFound,
  StoreUnavailableError,
  validationError,
  zodIssues,
} from "../errors";
import type { Store } from "../store/client";
import { allPages, type Page, type PageRequest } from "../store/page";
import { commit, MAX_TRANSACTION_ITEMS, tryCommit, type WriteItem } from "../store/transact";
import { type AccountHolder, AccountItem, accountKey } from "./accountItem";
import { AccountNumberItem, type NumberHolder, type NumberHolders } from "./accountNumberItem";
import type { StandingChange } from "./history";
import { StallItem } from "./stallItem";
import { StallStatusItem } from "./stallStatusItem";

export { accountKey };

export const STALL_STATUSES = ["active", "suspended"] as const;

/** Spaces, dots and dashes people write inside numbers ("0912 345 678", "8888.0123.4567"), removed. */
export const stripNumber = (text: string) => text.replace(/[\s.\-\u00a0()]/g, "");

/** What Excel makes of a long number in a General cell (`8,88801E+12`): digits lost for good, so refused. */
export const SCIENTIFIC = /^[+-]?\d+([.,]\d+)?\s*E\s*[+-]?\d+$/i;
const notScientific = (s: string) => !SCIENTIFIC.test(s);
const SCIENTIFIC_MESSAGE = "In scientific notation, so digits are lost — type the whole number again";

/** Phones are kept as digits with an optional leading `+`; Vietnamese numbers are 10 digits from 0, or +84. */
export const PhoneSchema = z
  .string()
  .trim()
  .refine(notScientific, SCIENTIFIC_MESSAGE)
  .transform(stripNumber)
  .refine((s) => !/^[1-9]\d{8}$/.test(s), "The leading 0 is missing — a mobile number has 10 digits from 0")
  .pipe(
    z.string().regex(/^(0\d{9,10}|\+84\d{9,10})$/, "Expected a Vietnamese phone number, e.g. 0912345678"),
  );

export const BankAccountSchema = z.strictObject({
  bin: z
    .string()
    .regex(/^\d{6}$/, "Expected a 6-digit bank BIN")
    // Only a well-formed BIN is looked up: a malformed one already has its message.
    .refine((bin) => !/^\d{6}$/.test(bin) || Banks.byBin(bin) !== undefined, {
      message: "Not a bank in the VietQR directory",
    }),
  // Written as people write it ("8888 0123 4567"), kept as digits and letters only.
  accountNumber: z
    .string()
    .trim()
    .refine(notScientific, SCIENTIFIC_MESSAGE)
    .transform(stripNumber)
    .pipe(z.string().regex(/^[0-9A-Za-z]{1,19}$/, "1 to 19 letters or digits")),
  accountName: z.string().trim().min(1).max(70),
});

export const StallInputSchema = z
  .strictObject({
    code: z
      .string()
      .trim()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._/-]{0,19}$/,
        "1 to 20 letters, digits or . _ / -, starting with a letter or digit",
      ),
    vendorName: z.string().trim().min(1).max(100),
    phone: PhoneSchema.optional(),
    category: z.string().trim().max(40).optional(),
    bank: BankAccountSchema,
  })
  .meta({ id: "StallInput" });

export const StallPatchSchema = z
  .strictObject({
    code: StallInputSchema.shape.code.optional(),
    vendorName: StallInputSchema.shape.vendorName.optional(),
    phone: PhoneSchema.nullable().optional(),
    category: z.string().trim().max(40).nullable().optional(),
    bank: BankAccountSchema.optional(),
    status: z.enum(STALL_STATUSES).optional(),
  })
  .meta({ id: "StallPatch" });

export type StallInput = z.input<typeof StallInputSchema>;
export type StallStatus = (typeof STALL_STATUSES)[number];

/** A stall as the API answers it (phone and account number masked in lists). */
export const StallSchema = z
  .object({
    id: z.string(),
    marketId: z.string(),
    code: z.string(),
    vendorName: z.string(),
    phone: z.string().optional(),
    category: z.string().optional(),
    bank: z.object({
      bin: z.string(),
      accountNumber: z.string(),
      accountName: z.string(),
      bankName: z.string(),
    }),
    status: z.enum(STALL_STATUSES),
    createdAt: z.string(),
    updatedAt: z.string(),
    qrIssuedAt: z.string().nullable(),
  })
  .meta({ id: "Stall" });
export type Stall = z.output<typeof StallSchema>;

/** Keeps the last four characters: `*******6789`. */
export function mask(value: string): string {
  if (value.length <= 4) return "*".repeat(value.length);
  return "*".repeat(value.length - 4) + value.slice(-4);
}

/** The stall as lists show it: phone and account number masked. */
export function masked(stall: Stall): Stall {
  return {
    ...stall,
    ...(stall.phone ? { phone: mask(stall.phone) } : {}),
    bank: { ...stall.bank, accountNumber: mask(stall.bank.accountNumber) },
  };
}

export { qrAccountName } from "../vietqr/stallPayload";

const CODE_TAKEN = (code: string): ErrorIssue => ({
  path: "code",
  message: `Stall code '${code}' is already used in this market`,
});
/** Deliberately the same whether the account is in this market or another: a 409 must not say where. */
const ACCOUNT_TAKEN: ErrorIssue = {
  path: "bank.accountNumber",
  message: "This bank account is already registered to a stall",
};
const CHANGED_MEANWHILE: ErrorIssue = {
  path: "",
  message: "Another change to this account was in progress; retry",
};

function newStall(clock: Clock, marketId: string, input: StallInput): Stall {
  const parsed = StallInputSchema.parse(input);
  const now = clock.now().toISOString();
  return {
    id: newId(clock),
    marketId,
    code: parsed.code,
    vendorName: parsed.vendorName,
    ...(parsed.phone ? { phone: parsed.phone } : {}),
    ...(parsed.category ? { category: parsed.category } : {}),
    bank: { ...parsed.bank, bankName: Banks.byBin(parsed.bank.bin)!.shortName },
    status: "active",
    createdAt: now,
    updatedAt: now,
    qrIssuedAt: null,
  };
}

/** What a stall's account guard says about it. */
const holder = (stall: Stall) => ({
  stallId: stall.id,
  marketId: stall.marketId,
  active: stall.status === "active",
});
const numberHolder = (stall: Stall): NumberHolder => ({ ...holder(stall), bin: stall.bank.bin });

/**
 * Only the platform's admins may give one account number to stalls of two markets: a manager who could register
 * another market's account (under any BIN) could capture its payments (docs/security.md, tenant squatting).
 */
const mayShareAcrossMarkets = (actor: Actor) => actor.role === "admin" || actor.role === "system";

function assertNotSquatting(
  actor: Actor,
  marketId: string,
  seen: NumberHolders,
  ignoreStallId?: string,
): void {
  if (mayShareAcrossMarkets(actor)) return;
  if (seen.holders.some((h) => h.marketId !== marketId && h.stallId !== ignoreStallId))
    throw conflict(ACCOUNT_TAKEN.message, [ACCOUNT_TAKEN]);
}

/** The fields of a stall an audit entry records (not bookkeeping such as `updatedAt`). */
const AUDITED: (keyof Stall)[] = ["code", "vendorName", "phone", "category", "bank", "status"];

/** What registers a stall: itself, its code's and account's guards, its number's holders, and its audit entry. */
function registrationItems(
  store: Store,
  clock: Clock,
  actor: Actor,
  stall: Stall,
  seen: NumberHolders,
): WriteItem[] {
  return [
    StallItem.create(store, stall),
    StallItem.claimCode(store, stall),
    AccountItem.claim(store, holder(stall), stall.bank.bin, stall.bank.accountNumber),
    AccountNumberItem.write(store, stall.bank.accountNumber, seen, [...seen.holders, numberHolder(stall)]),
    Audit.entry(store, clock, {
      actor,
      action: "stall.created",
      entity: { kind: "stall", id: stall.id },
      marketId: stall.marketId,
      ...Audit.diff(undefined, stall, AUDITED),
    }),
  ];
}

const registrationChecks = (stall: Stall): (ErrorIssue | null)[] => [
  null,
  CODE_TAKEN(stall.code),
  ACCOUNT_TAKEN,
  CHANGED_MEANWHILE,
  null,
];

/**
 * Registers a stall: the stall, its code's and account's uniqueness guards, its account number's holders and its
 * audit entry are written in one transaction, so a conflicting stall leaves nothing behind. A manager may not
 * register an account number a stall of another market holds, at any bank (`409`, naming no market).
 * @example await Stall.register(store, clock, actor, "dong-van", { code: "A-12", vendorName: "Giàng Thị Mai", bank: {...} });
 */
export async function register(
  store: Store,
  clock: Clock,
  actor: Actor,
  marketId: string,
  input: StallInput,
): Promise<Stall> {
  const stall = newStall(clock, marketId, input);
  const seen = await AccountNumberItem.get(store, stall.bank.accountNumber);
  assertNotSquatting(actor, marketId, seen);
  const checks = registrationChecks(stall);
  await commit(store, registrationItems(store, clock, actor, stall, seen), (i) => checks[i] ?? null);
  return stall;
}

/** Stalls per transaction when registering many: 5 items each, at most `MAX_TRANSACTION_ITEMS` in all (19). */
const ITEMS_PER_STALL = 5;
const BATCH = Math.floor(MAX_TRANSACTION_ITEMS / ITEMS_PER_STALL);
const BATCH_CONCURRENCY = 4;

type Outcome = { ok: true; stall: Stall } | { ok: false; error: DomainError };

/**
 * Registers many stalls with few round trips: up to 19 per transaction, each stall still all-or-nothing. When a
 * transaction is cancelled, the stalls whose conditions failed are set aside with their 409 and the rest retried;
 * stalls sharing an account number go in separate transactions (one item cannot be written twice in one), and a
 * number whose holders changed meanwhile is read again. The outcome is the same as registering them one by one.
 */
export async function registerMany(
  store: Store,
  clock: Clock,
  actor: Actor,
  marketId: string,
  inputs: StallInput[],
): Promise<Outcome[]> {
  const results: Outcome[] = [];
  const pending: { index: number; stall: Stall }[] = [];
  inputs.forEach((input, index) => {
    try {
      pending.push({ index, stall: newStall(clock, marketId, input) });
    } catch (err) {
      if (err instanceof ZodError)
        results[index] = { ok: false, error: validationError("Invalid stall", zodIssues(err)) };
      else throw err;
    }
  });
  // Batches in which no account number appears twice.
  const batches: (typeof pending)[] = [];
  for (const p of pending) {
    const number = accountKey(p.stall.bank.accountNumber);
    const fits = batches.find(
      (b) => b.length < BATCH && !b.some((o) => accountKey(o.stall.bank.accountNumber) === number),
    );
    if (fits) fits.push(p);
    else batches.push([p]);
  }
  const runBatch = async (first: typeof pending) => {
    let batch = first;
    for (let attempt = 0; batch.length > 0; attempt++) {
      const seen = await Promise.all(
        batch.map((b) => AccountNumberItem.get(store, b.stall.bank.accountNumber)),
      );
      const live: { index: number; stall: Stall; seen: NumberHolders }[] = [];
      batch.forEach((b, i) => {
        try {
          assertNotSquatting(actor, marketId, seen[i]!);
          live.push({ ...b, seen: seen[i]! });
        } catch (err) {
          results[b.index] = { ok: false, error: err as DomainError };
        }
      });
      if (live.length === 0) break;
      const reasons = await tryCommit(
        store,
        live.flatMap((b) => registrationItems(store, clock, actor, b.stall, b.seen)),
      );
      if (!reasons) {
        for (const b of live) results[b.index] = { ok: true, stall: b.stall };
        break;
      }
      if (attempt > 10) throw new StoreUnavailableError("The store is busy registering stalls; retry");
      const failed = new Set<number>();
      live.forEach((b, i) => {
        const issues = registrationChecks(b.stall).flatMap((check, j) =>
          reasons[i * ITEMS_PER_STALL + j] === "ConditionalCheckFailed" &&
          check &&
          check !== CHANGED_MEANWHILE
            ? [check]
            : [],
        );
        if (issues.length > 0) {
          results[b.index] = { ok: false, error: conflict(issues.map((x) => x.message).join("; "), issues) };
          failed.add(i);
        }
      });
      if (failed.size === 0)
        await new Promise((r) => setTimeout(r, 20 * 2 ** Math.min(attempt, 5) * Math.random()));
      batch = live.filter((_, i) => !failed.has(i));
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < batches.length) await runBatch(batches[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, batches.length) }, worker));
  return results;
}

export function find(store: Store, stallId: string): Promise<Stall | undefined> {
  return StallItem.get(store, stallId);
}

export async function get(store: Store, stallId: string): Promise<Stall> {
  const stall = await find(store, stallId);
  if (!stall) throw notFound(`Stall '${stallId}'`);
  return stall;
}

/** The stall registered in a market under a code (case-insensitive), if any. */
export async function findByCode(store: Store, marketId: string, code: string): Promise<Stall | undefined> {
  const stallId = await StallItem.idByCode(store, marketId, code);
  return stallId ? find(store, stallId) : undefined;
}

/** A market's stalls in code order (unmasked: callers decide what to show). */
export function listByMarket(store: Store, marketId: string, page: PageRequest): Promise<Page<Stall>> {
  return StallItem.byMarket(store, marketId, page);
}

/** Every stall of a market, in code order. */
export function allOfMarket(store: Store, marketId: string): Promise<Stall[]> {
  return allPages((page) => listByMarket(store, marketId, page));
}

/** The stall as a patch would leave it (validated), without writing anything. */
export function applyPatch(clock: Clock, current: Stall, patch: z.input<typeof StallPatchSchema>): Stall {
  const p = StallPatchSchema.parse(patch);
  const next: Stall = {
    ...current,
    ...(p.code !== undefined ? { code: p.code } : {}),
    ...(p.vendorName !== undefined ? { vendorName: p.vendorName } : {}),
    ...(p.status !== undefined ? { status: p.status } : {}),
    ...(p.bank ? { bank: { ...p.bank, bankName: Banks.byBin(p.bank.bin)!.shortName } } : {}),
    updatedAt: clock.now().toISOString(),
  };
  if (p.phone === null) delete next.phone;
  else if (p.phone !== undefined) next.phone = p.phone;
  if (p.category === null) delete next.category;
  else if (p.category !== undefined) next.category = p.category;
  // A stall whose bank details change gets its QR re-issued: the old printed code pays the old account.
  if (accountChanged(current, next)) next.qrIssuedAt = null;
  return next;
}

/** True when a change moves the stall to another bank account. */
export function accountChanged(before: Stall, after: Stall): boolean {
  return (
    before.bank.bin !== after.bank.bin ||
    accountKey(before.bank.accountNumber) !== accountKey(after.bank.accountNumber)
  );
}

/**
 * Changes a stall in one transaction, with its audit entry: the stall, conditioned on not having changed since it
 * was read; a new code or bank account moves its uniqueness guard and its number's holders; a new status is
 * restated on the account guard and the number's holders (matching reads both). A manager may not move a stall to
 * an account number another market's stall holds.
 */
export async function update(
  store: Store,
  clock: Clock,
  actor: Actor,
  stallId: string,
  patch: z.input<typeof StallPatchSchema>,
): Promise<Stall> {
  const current = await get(store, stallId);
  const next = applyPatch(clock, current, patch);
  const change = Audit.diff(current, next, AUDITED);
  if (!change) return current;
  const items: WriteItem[] = [StallItem.replace(store, next, current.updatedAt)];
  const checks: (ErrorIssue | null)[] = [{ path: "", message: "The stall changed meanwhile; retry" }];
  if (next.code.toUpperCase() !== current.code.toUpperCase()) {
    items.push(StallItem.claimCode(store, next), StallItem.releaseCode(store, current));
    checks.push(CODE_TAKEN(next.code), null);
  }
  const moved = accountChanged(current, next);
  if (moved) {
    items.push(
      AccountItem.claim(store, holder(next), next.bank.bin, next.bank.accountNumber),
      AccountItem.release(store, current.bank.bin, current.bank.accountNumber),
    );
    checks.push(ACCOUNT_TAKEN, null);
  } else if (next.status !== current.status) {
    items.push(AccountItem.restate(store, holder(next), next.bank.bin, next.bank.accountNumber));
    checks.push(null);
  }
  if (moved || next.status !== current.status) {
    const others = (h: NumberHolder) => h.stallId !== stallId;
    const oldNumber = current.bank.accountNumber;
    const newNumber = next.bank.accountNumber;
    const seenOld = await AccountNumberItem.get(store, oldNumber);
    if (accountKey(newNumber) === accountKey(oldNumber)) {
      items.push(
        AccountNumberItem.write(store, newNumber, seenOld, [
          ...seenOld.holders.filter(others),
          numberHolder(next),
        ]),
      );
      checks.push(CHANGED_MEANWHILE);
    } else {
      const seenNew = await AccountNumberItem.get(store, newNumber);
      assertNotSquatting(actor, next.marketId, seenNew, stallId);
      items.push(
        AccountNumberItem.write(store, newNumber, seenNew, [
          ...seenNew.holders.filter(others),
          numberHolder(next),
        ]),
        AccountNumberItem.write(store, oldNumber, seenOld, seenOld.holders.filter(others)),
      );
      checks.push(CHANGED_MEANWHILE, CHANGED_MEANWHILE);
    }
  }
  items.push(
    Audit.entry(store, clock, {
      actor,
      action: "stall.changed",
      entity: { kind: "stall", id: stallId },
      marketId: next.marketId,
      ...change,
    }),
  );
  // What evaluations count a stall by (docs/evaluations.md): kept as history, so a later change cannot rewrite a
  // period the stall lived in.
  if (next.status !== current.status || next.qrIssuedAt !== current.qrIssuedAt)
    items.push(
      StallStatusItem.write(store, next.marketId, newId(clock), {
        stallId,
        code: next.code,
        at: next.updatedAt,
        before: { status: current.status, qrIssuedAt: current.qrIssuedAt },
        after: { status: next.status, qrIssuedAt: next.qrIssuedAt },
      }),
    );
  await commit(store, items, (i) => checks[i] ?? null);
  return next;
}

/** A market's stall status changes and code revocations at or after an instant, oldest first. */
export function standingChangesSince(
  store: Store,
  marketId: string,
  fromIso: string,
): Promise<StandingChange[]> {
  return StallStatusItem.since(store, marketId, fromIso);
}

/**
 * The writes that record a stall's payment code as handed over — what QR share counts (docs/evaluations.md) —
 * with their audit entry; they fail (cancelling their transaction) if it already was.
 */
export function handOverWrites(
  store: Store,
  clock: Clock,
  actor: Actor,
  stall: Stall,
  how: "manager" | "invitation",
): WriteItem[] {
  const at = clock.now().toISOString();
  return [
    StallItem.handOver(store, stall, at),
    Audit.entry(store, clock, {
      actor,
      action: "stall.qrHandedOver",
      entity: { kind: "stall", id: stall.id },
      marketId: stall.marketId,
      before: { qrIssuedAt: null },
      after: { qrIssuedAt: at, how },
    }),
  ];
}

/**
 * The manager marks the stall's poster as handed over to its vendor. Idempotent: a stall already handed over is
 * returned unchanged. Suspended stalls' codes are not issued, so they cannot be handed over.
 */
export async function handOver(store: Store, clock: Clock, actor: Actor, stall: Stall): Promise<Stall> {
  let current = stall;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (current.qrIssuedAt) return current;
    if (current.status !== "active")
      throw conflict("This stall is suspended; its payment code is not issued");
    const failed = await tryCommit(store, handOverWrites(store, clock, actor, current, "manager"));
    if (!failed) {
      const at = clock.now().toISOString();
      return { ...current, qrIssuedAt: at, updatedAt: at };
    }
    // Changed meanwhile (an edit, a suspension, the vendor's first sign-in): decide again on what it is now.
    current = await get(store, stall.id);
  }
  throw conflict("Another change to the same stall was in progress; retry");
}

/** Seed data only: records a stall's code as issued without an audit entry (the platform's own demo). */
export async function markQrIssued(store: Store, clock: Clock, stall: Stall): Promise<Stall> {
  if (stall.qrIssuedAt) return stall;
  const at = clock.now().toISOString();
  if (await StallItem.setQrIssuedOnce(store, stall.id, at)) return { ...stall, qrIssuedAt: at };
  return get(store, stall.id);
}

/** `markQrIssued` for many stalls (a market's batch of posters), a few at a time. */
export async function markManyQrIssued(store: Store, clock: Clock, stalls: Stall[]): Promise<void> {
  const pending = stalls.filter((s) => !s.qrIssuedAt);
  for (let i = 0; i < pending.length; i += 16)
    await Promise.all(pending.slice(i, i + 16).map((s) => markQrIssued(store, clock, s)));
}

/** The stall that owns a bank account: exact `(bin, account)`, or by account alone when the BIN is unknown. */
export async function findByAccount(
  store: Store,
  accountNumber: string,
  bin?: string,
): Promise<AccountHolder | undefined> {
  if (bin) return AccountItem.get(store, bin, accountNumber);
  const holders = await AccountItem.byAccountNumber(store, accountNumber, 2);
  // The same number at two banks cannot be told apart without a BIN: leave it unmatched.
  return holders.length === 1 ? holders[0] : undefined;
}
