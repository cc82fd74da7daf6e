import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { ZodError, z } from "zod";
import * as Banks from "../bank/directory";
import { type Clock, newId } from "../clock";
import { conflict, type DomainError, type ErrorIssue, notFound, validationError, zodIssues } from "../errors";
import { guard, queryPage, type Store } from "../store/client";
import { Keys } from "../store/keys";
import { allPages, type Page, type PageRequest } from "../store/page";
import { asciiFold } from "../text";

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

export interface Stall {
  id: string;
  marketId: string;
  code: string;
  vendorName: string;
  phone?: string;
  category?: string;
  bank: { bin: string; accountNumber: string; accountName: string; bankName: string };
  status: StallStatus;
  createdAt: string;
  updatedAt: string;
  qrIssuedAt: string | null;
}

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

/** A stored item as the API shows it: the entity's fields in a stable order, no key attributes. */
function clean(item: Record<string, unknown>): Stall {
  const s = item as unknown as Stall;
  return {
    id: s.id,
    marketId: s.marketId,
    code: s.code,
    vendorName: s.vendorName,
    ...(s.phone ? { phone: s.phone } : {}),
    ...(s.category ? { category: s.category } : {}),
    bank: {
      bin: s.bank.bin,
      bankName: s.bank.bankName,
      accountNumber: s.bank.accountNumber,
      accountName: s.bank.accountName,
    },
    status: s.status,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    qrIssuedAt: s.qrIssuedAt ?? null,
  };
}

function stallItem(stall: Stall) {
  return {
    ...Keys.stall(stall.id),
    ...Keys.stallsOfMarket(stall.marketId, stall.code),
    type: "stall",
    v: 1,
    ...stall,
  };
}

/** The uniqueness guard for a stall's bank account; also the index callbacks match on. */
function accountItem(stall: Stall) {
  return {
    ...Keys.account(stall.bank.bin, accountKey(stall.bank.accountNumber)),
    type: "account",
    v: 1,
    stallId: stall.id,
    marketId: stall.marketId,
  };
}

/** Account numbers compare case-insensitively: banks print them either way. */
export function accountKey(accountNumber: string): string {
  return accountNumber.toUpperCase();
}

function codeKey(code: string): string {
  return code.toUpperCase();
}

/** Explains which uniqueness rule a cancelled transaction broke, by the position of its failed condition. */
function explainCancellation(
  err: TransactionCanceledException,
  checks: (ErrorIssue | null)[],
): DomainError | undefined {
  const reasons = err.CancellationReasons ?? [];
  const issues: ErrorIssue[] = [];
  reasons.forEach((r, i) => {
    if (r.Code === "ConditionalCheckFailed" && checks[i]) issues.push(checks[i]!);
  });
  if (issues.length > 0) return conflict(issues.map((i) => i.message).join("; "), issues);
  return undefined;
}

/** Runs a transaction; a failed uniqueness/revision condition becomes a 409 naming the field. */
type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]>;

async function transact(store: Store, items: TransactItems, checks: (ErrorIssue | null)[]) {
  try {
    await guard(() => store.doc.send(new TransactWriteCommand({ TransactItems: items })));
  } catch (err) {
    if (err instanceof TransactionCanceledException) {
      const explained = explainCancellation(err, checks);
      if (explained) throw explained;
      if (err.CancellationReasons?.some((r) => r.Code === "TransactionConflict"))
        throw conflict("Another change to this stall was in progress; retry");
    }
    throw err;
  }
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

/** The three conditional puts that register a stall: itself, its code's guard, its account's guard. */
function registrationItems(store: Store, stall: Stall): TransactItems {
  return [
    {
      Put: {
        TableName: store.table,
        Item: stallItem(stall),
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
    {
      Put: {
        TableName: store.table,
        Item: {
          ...Keys.stallCode(stall.marketId, codeKey(stall.code)),
          type: "stallCode",
          v: 1,
          stallId: stall.id,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
    {
      Put: {
        TableName: store.table,
        Item: accountItem(stall),
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
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
  await transact(store, registrationItems(store, stall), registrationChecks(stall));
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
      try {
        await guard(() =>
          store.doc.send(
            new TransactWriteCommand({
              TransactItems: batch.flatMap((b) => registrationItems(store, b.stall)),
            }),
          ),
        );
        for (const b of batch) results[b.index] = { ok: true, stall: b.stall };
        break;
      } catch (err) {
        if (!(err instanceof TransactionCanceledException) || attempt > 10) throw err;
        const reasons = err.CancellationReasons ?? [];
        const failed = new Set<number>();
        batch.forEach((b, i) => {
          const issues = registrationChecks(b.stall).flatMap((check, j) =>
            reasons[i * 3 + j]?.Code === "ConditionalCheckFailed" && check ? [check] : [],
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

export async function find(store: Store, stallId: string): Promise<Stall | undefined> {
  const res = await guard(() =>
    store.doc.send(
      new GetCommand({ TableName: store.table, Key: Keys.stall(stallId), ConsistentRead: true }),
    ),
  );
  return res.Item ? clean(res.Item) : undefined;
}

export async function get(store: Store, stallId: string): Promise<Stall> {
  const stall = await find(store, stallId);
  if (!stall) throw notFound(`Stall '${stallId}'`);
  return stall;
}

/** The stall registered in a market under a code (case-insensitive), if any. */
export async function findByCode(store: Store, marketId: string, code: string): Promise<Stall | undefined> {
  const res = await guard(() =>
    store.doc.send(
      new GetCommand({
        TableName: store.table,
        Key: Keys.stallCode(marketId, codeKey(code)),
        ConsistentRead: true,
      }),
    ),
  );
  const stallId = res.Item?.stallId as string | undefined;
  return stallId ? find(store, stallId) : undefined;
}

/** A market's stalls in code order (unmasked: callers decide what to show). */
export function listByMarket(store: Store, marketId: string, page: PageRequest): Promise<Page<Stall>> {
  return queryPage(store, { gsi1pk: Keys.stallsOfMarketPk(marketId) }, page, clean);
}

/** Every stall of a market, in code order. */
export function allOfMarket(store: Store, marketId: string): Promise<Stall[]> {
  return allPages((page) => listByMarket(store, marketId, page));
}

/**
 * Changes a stall. A new code or bank account moves its uniqueness guard in the same transaction,
 * conditioned on the stall not having changed since it was read.
 */
export async function update(
  store: Store,
  clock: Clock,
  stallId: string,
  patch: z.input<typeof StallPatchSchema>,
): Promise<Stall> {
  const p = StallPatchSchema.parse(patch);
  const current = await get(store, stallId);
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

  const codeChanged = codeKey(next.code) !== codeKey(current.code);
  const accountChanged =
    next.bank.bin !== current.bank.bin ||
    accountKey(next.bank.accountNumber) !== accountKey(current.bank.accountNumber);
  // A stall whose bank details change gets its QR re-issued: the old printed code pays the old account.
  if (accountChanged) next.qrIssuedAt = null;

  const items: TransactItems = [
    {
      Put: {
        TableName: store.table,
        Item: stallItem(next),
        ConditionExpression: "updatedAt = :seen",
        ExpressionAttributeValues: { ":seen": current.updatedAt },
      },
    },
  ];
  const checks: (ErrorIssue | null)[] = [{ path: "", message: "The stall changed meanwhile; retry" }];
  if (codeChanged) {
    items.push(
      {
        Put: {
          TableName: store.table,
          Item: { ...Keys.stallCode(next.marketId, codeKey(next.code)), type: "stallCode", v: 1, stallId },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      { Delete: { TableName: store.table, Key: Keys.stallCode(current.marketId, codeKey(current.code)) } },
    );
    checks.push(CODE_TAKEN(next.code), null);
  }
  if (accountChanged) {
    items.push(
      {
        Put: {
          TableName: store.table,
          Item: accountItem(next),
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      {
        Delete: {
          TableName: store.table,
          Key: Keys.account(current.bank.bin, accountKey(current.bank.accountNumber)),
        },
      },
    );
    checks.push(ACCOUNT_TAKEN, null);
  }
  await transact(store, items, checks);
  return next;
}

/** Records the first time a stall's QR image or poster was handed out; later calls change nothing. */
export async function markQrIssued(store: Store, clock: Clock, stall: Stall): Promise<Stall> {
  if (stall.qrIssuedAt) return stall;
  const at = clock.now().toISOString();
  try {
    await guard(() =>
      store.doc.send(
        new UpdateCommand({
          TableName: store.table,
          Key: Keys.stall(stall.id),
          UpdateExpression: "SET qrIssuedAt = :at",
          ConditionExpression:
            "attribute_exists(pk) AND (attribute_not_exists(qrIssuedAt) OR qrIssuedAt = :null)",
          ExpressionAttributeValues: { ":at": at, ":null": null },
        }),
      ),
    );
    return { ...stall, qrIssuedAt: at };
  } catch (err) {
    if ((err as Error).name === "ConditionalCheckFailedException") return get(store, stall.id);
    throw err;
  }
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
): Promise<{ stallId: string; marketId: string; bin: string } | undefined> {
  const acct = accountKey(accountNumber);
  if (bin) {
    const res = await guard(() =>
      store.doc.send(
        new GetCommand({ TableName: store.table, Key: Keys.account(bin, acct), ConsistentRead: true }),
      ),
    );
    return res.Item ? { stallId: res.Item.stallId, marketId: res.Item.marketId, bin } : undefined;
  }
  const res = await guard(() =>
    store.doc.send(
      new QueryCommand({
        TableName: store.table,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": Keys.accountPk(acct) },
        ConsistentRead: true,
        Limit: 2,
      }),
    ),
  );
  // The same number at two banks cannot be told apart without a BIN: leave it unmatched.
  if (res.Items?.length !== 1) return undefined;
  const item = res.Items[0]!;
  return { stallId: item.stallId, marketId: item.marketId, bin: String(item.sk).slice(4) };
}
