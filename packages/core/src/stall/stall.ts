import { ZodError, z } from "zod";
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
import { commit, tryCommit, type WriteItem } from "../store/transact";
import { asciiFold } from "../text";
import { type AccountHolder, AccountItem, accountKey } from "./accountItem";
import { StallItem } from "./stallItem";

export { accountKey };

export const STALL_STATUSES = ["active", "suspended"] as const;

/** Phones are kept as digits with an optional leading `+`; Vietnamese numbers are 10 digits from 0, or +84. */
const PhoneSchema = z
  .string()
  .trim()
  .transform((s) => s.replace(/[\s.()-]/g, ""))
  .pipe(
    z.string().regex(/^(0\d{9,10}|\+84\d{9,10})$/, "Expected a Vietnamese phone number, e.g. 0912345678"),
  );

export const BankAccountSchema = z.strictObject({
  bin: z
    .string()
    .regex(/^\d{6}$/, "Expected a 6-digit bank BIN")
    .refine((bin) => Banks.byBin(bin) !== undefined, { message: "Not a bank in the VietQR directory" }),
  accountNumber: z.string().regex(/^[0-9A-Za-z]{1,19}$/, "1 to 19 letters or digits"),
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

/** The account holder's name as QR codes carry it: ASCII upper case, diacritics removed, đ → D. */
export function qrAccountName(name: string): string {
  return asciiFold(name).toUpperCase().replace(/\s+/g, " ").trim();
}

const CODE_TAKEN = (code: string): ErrorIssue => ({
  path: "code",
  message: `Stall code '${code}' is already used in this market`,
});
const ACCOUNT_TAKEN: ErrorIssue = {
  path: "bank.accountNumber",
  message: "This bank account is already registered to a stall",
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

/** The three conditional puts that register a stall: itself, its code's guard, its account's guard. */
function registrationItems(store: Store, stall: Stall): WriteItem[] {
  return [
    StallItem.create(store, stall),
    StallItem.claimCode(store, stall),
    AccountItem.claim(store, holder(stall), stall.bank.bin, stall.bank.accountNumber),
  ];
}

const registrationChecks = (stall: Stall) => [null, CODE_TAKEN(stall.code), ACCOUNT_TAKEN];

/**
 * Registers a stall: the stall, its code's uniqueness guard and its account's uniqueness guard are
 * written in one transaction, so a conflicting stall leaves nothing behind.
 * @example await Stall.register(store, clock, "dong-van", { code: "A-12", vendorName: "Giàng Thị Mai", bank: {...} });
 */
export async function register(
  store: Store,
  clock: Clock,
  marketId: string,
  input: StallInput,
): Promise<Stall> {
  const stall = newStall(clock, marketId, input);
  const checks = registrationChecks(stall);
  await commit(store, registrationItems(store, stall), (i) => checks[i] ?? null);
  return stall;
}

/** Stalls per transaction when registering many: 3 items each, DynamoDB allows 100 per transaction. */
const BATCH = 33;
const BATCH_CONCURRENCY = 4;

/**
 * Registers many stalls with few round trips: up to 33 per transaction. When a transaction is cancelled,
 * the stalls whose conditions failed are set aside with their 409 and the rest are retried, so every
 * stall is still all-or-nothing and the outcome is the same as registering them one by one.
 */
export async function registerMany(
  store: Store,
  clock: Clock,
  marketId: string,
  inputs: StallInput[],
): Promise<({ ok: true; stall: Stall } | { ok: false; error: DomainError })[]> {
  const results: ({ ok: true; stall: Stall } | { ok: false; error: DomainError })[] = [];
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
  const batches: (typeof pending)[] = [];
  for (let start = 0; start < pending.length; start += BATCH)
    batches.push(pending.slice(start, start + BATCH));
  const runBatch = async (first: typeof pending) => {
    let batch = first;
    for (let attempt = 0; batch.length > 0; attempt++) {
      const reasons = await tryCommit(
        store,
        batch.flatMap((b) => registrationItems(store, b.stall)),
      );
      if (!reasons) {
        for (const b of batch) results[b.index] = { ok: true, stall: b.stall };
        break;
      }
      if (attempt > 10) throw new StoreUnavailableError("The store is busy registering stalls; retry");
      {
        const failed = new Set<number>();
        batch.forEach((b, i) => {
          const issues = registrationChecks(b.stall).flatMap((check, j) =>
            reasons[i * 3 + j] === "ConditionalCheckFailed" && check ? [check] : [],
          );
          if (issues.length > 0) {
            results[b.index] = {
              ok: false,
              error: conflict(issues.map((x) => x.message).join("; "), issues),
            };
            failed.add(i);
          }
        });
        if (failed.size === 0)
          await new Promise((r) => setTimeout(r, 20 * 2 ** Math.min(attempt, 5) * Math.random()));
        batch = batch.filter((_, i) => !failed.has(i));
      }
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
 * The writes that change a stall from `current` to `next`: the stall, conditioned on not having changed since it
 * was read; a new code or bank account moves its uniqueness guard; a new status is restated on the account guard
 * (matching reads it). `checks` names what each failed condition means.
 */
export function changeItems(
  store: Store,
  current: Stall,
  next: Stall,
): { items: WriteItem[]; checks: (ErrorIssue | null)[] } {
  const items: WriteItem[] = [StallItem.replace(store, next, current.updatedAt)];
  const checks: (ErrorIssue | null)[] = [{ path: "", message: "The stall changed meanwhile; retry" }];
  if (next.code.toUpperCase() !== current.code.toUpperCase()) {
    items.push(StallItem.claimCode(store, next), StallItem.releaseCode(store, current));
    checks.push(CODE_TAKEN(next.code), null);
  }
  if (accountChanged(current, next)) {
    items.push(
      AccountItem.claim(store, holder(next), next.bank.bin, next.bank.accountNumber),
      AccountItem.release(store, current.bank.bin, current.bank.accountNumber),
    );
    checks.push(ACCOUNT_TAKEN, null);
  } else if (next.status !== current.status) {
    items.push(AccountItem.restate(store, holder(next), next.bank.bin, next.bank.accountNumber));
    checks.push(null);
  }
  return { items, checks };
}

/** Changes a stall in one transaction (see `changeItems`). */
export async function update(
  store: Store,
  clock: Clock,
  stallId: string,
  patch: z.input<typeof StallPatchSchema>,
): Promise<Stall> {
  const current = await get(store, stallId);
  const next = applyPatch(clock, current, patch);
  const { items, checks } = changeItems(store, current, next);
  await commit(store, items, (i) => checks[i] ?? null);
  return next;
}

/** Records the first time a stall's QR image or poster was handed out; later calls change nothing. */
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
