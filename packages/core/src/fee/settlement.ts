import { z } from "zod";
import type { Actor } from "../audit/audit";
import * as Audit from "../audit/audit";
import { addDays, localDateOf, localTimeToUtc, monthsBetween } from "../calendar/localDate";
import {
  assignment,
  paymentNamed,
  type StoredTransaction,
  TransactionItem,
} from "../callback/transactionItem";
import { type Clock, newId } from "../clock";
import { conflict, notFound, validationError } from "../errors";
import { LocalDateSchema, PageQuerySchema } from "../schemas";
import type { Store } from "../store/client";
import type { Page, PageRequest } from "../store/page";
import { tryCommit, type WriteItem } from "../store/transact";
import {
  BILL_STATUSES,
  type Bill,
  type BillView,
  billId,
  isOpen,
  parseBillId,
  paymentId,
  present,
  withCash,
  withTransfer,
  withWaiver,
} from "./bill";
import { BillItem } from "./billItem";

/**
 * What a market board does with its bills (docs/contract.md §20): read them, give a waiting payment to one, record
 * cash, waive. Each change is one transaction with its audit entry, the bill written conditioned on the revision
 * read — a payment settling it by QR at the same moment makes the change read it again, never lose an amount.
 * Access is the route's to check (`Access.manageMarket`; a vendor reads its own stall's bills).
 */

/** Times a change is tried again when a payment changed the bill between its read and its write. */
const BILL_RACES = 8;

export const CashInputSchema = z
  .strictObject({ cashNote: z.string().trim().min(1).max(200).optional() })
  .meta({ id: "BillCashInput" });

export const WaiveInputSchema = z
  .strictObject({ waivedReason: z.string().trim().min(3).max(500) })
  .meta({ id: "BillWaiveInput" });

export const AssignBoardPaymentSchema = z
  .strictObject({ billId: z.string().min(1).max(120) })
  .meta({ id: "AssignBoardPayment" });

const MonthSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Expected a month YYYY-MM")
  .meta({ example: "2026-11" });

export const BillListQuerySchema = z.object({
  month: MonthSchema.optional().meta({
    description: "The month of the bills' periods (default: this month); ignored with `date`",
  }),
  date: LocalDateSchema.optional().meta({ description: "Only the bills of this session or day" }),
  stallId: z.string().max(64).optional(),
  status: z.enum(BILL_STATUSES).optional(),
  ...PageQuerySchema.shape,
});

export const StallBillQuerySchema = z.object({
  status: z.enum(BILL_STATUSES).optional(),
  ...PageQuerySchema.shape,
});

/** A payment to the board's account as the manager's queue shows it (the paying account is not kept). */
export const BoardPaymentSchema = z
  .object({
    id: z.string().meta({ description: "`provider:id`" }),
    amount: z.number().int(),
    paidAt: z.string(),
    receivedAt: z.string(),
    description: z.string(),
    billId: z.string().nullable().meta({ description: "The bill it settles; null while it waits" }),
  })
  .meta({ id: "BoardPayment" });
export type BoardPayment = z.output<typeof BoardPaymentSchema>;

const presentPayment = (t: StoredTransaction): BoardPayment => ({
  id: paymentId(t),
  amount: t.amount,
  paidAt: t.paidAt,
  receivedAt: t.receivedAt,
  description: t.description,
  billId: t.billId ?? null,
});

async function loadBill(store: Store, marketId: string, id: string): Promise<Bill> {
  const key = parseBillId(id);
  const bill = key && (await BillItem.get(store, marketId, key.periodKey, key.stallId));
  if (!bill) throw notFound(`Bill '${id}'`);
  return bill;
}

/** One bill of a market, as stored (`404` when the id names none). */
export const billOf = loadBill;

/** A market's bills of one month (or one session or day), narrowed to a stall or a status; by period then stall. */
export async function listBills(
  store: Store,
  clock: Clock,
  marketId: string,
  query: {
    month?: string | undefined;
    date?: string | undefined;
    stallId?: string | undefined;
    status?: Bill["status"] | undefined;
  },
  page: PageRequest,
): Promise<Page<BillView>> {
  const month = query.date?.slice(0, 7) ?? query.month ?? localDateOf(clock.now()).slice(0, 7);
  const res = await BillItem.pageOfMonth(
    store,
    marketId,
    month,
    {
      ...(query.date ? { periodKey: query.date } : {}),
      ...(query.stallId ? { stallId: query.stallId } : {}),
      ...(query.status ? { status: query.status } : {}),
    },
    page,
  );
  return { ...res, items: res.items.map(present) };
}

/** A stall's bills, newest period first. */
export async function stallBills(
  store: Store,
  stallId: string,
  status: Bill["status"] | undefined,
  page: PageRequest,
): Promise<Page<BillView>> {
  const res = await BillItem.pageOfStall(store, stallId, status, page);
  return { ...res, items: res.items.map(present) };
}

/** Payments to the market board's account that wait for the manager (no bill named, or one closed), oldest first. */
export async function waitingPayments(
  store: Store,
  marketId: string,
  page: PageRequest,
): Promise<Page<BoardPayment>> {
  const res = await TransactionItem.boardWaiting(store, marketId, page);
  return { ...res, items: res.items.map(presentPayment) };
}

/** Payments to the market board's account that settle bills, paid between two local dates, oldest first. */
export async function settlingPayments(
  store: Store,
  marketId: string,
  range: { from: string; to: string },
  page: PageRequest,
): Promise<Page<BoardPayment>> {
  const res = await TransactionItem.boardSettled(
    store,
    marketId,
    monthsBetween(range.from, range.to),
    {
      lo: localTimeToUtc(range.from, "00:00").toISOString(),
      hi: localTimeToUtc(addDays(range.to, 1), "00:00").toISOString(),
    },
    page,
  );
  return { ...res, items: res.items.map(presentPayment) };
}

/**
 * Writes a change to a bill with its other writes (`rest`, given the bill as read), re-reading the bill when a
 * payment changed it meanwhile. `explain` names what a failed condition of `rest` means (by its position in `rest`).
 */
async function changeBill(
  store: Store,
  marketId: string,
  id: string,
  change: (bill: Bill) => { next: Bill; rest: WriteItem[] },
  explain: (index: number) => Error | null,
): Promise<Bill> {
  for (let race = 0; ; race++) {
    const bill = await loadBill(store, marketId, id);
    const { next, rest } = change(bill);
    const reasons = await tryCommit(store, [BillItem.replace(store, next, bill.rev), ...rest]);
    if (!reasons) return next;
    for (const [i, code] of reasons.entries())
      if (i > 0 && code === "ConditionalCheckFailed") {
        const err = explain(i - 1);
        if (err) throw err;
      }
    if (race >= BILL_RACES) throw conflict("This bill changed meanwhile; retry");
  }
}

const closedAlready = (bill: Bill) =>
  conflict("This bill is already settled or waived", [
    { path: "billId", message: `The bill is ${bill.status}` },
  ]);

/**
 * Closes an open or partly paid bill (`409` otherwise) as `close` says, audited as `action` in the same transaction,
 * conditioned on the bill's revision.
 */
async function closeBill(
  deps: { store: Store; clock: Clock },
  actor: Actor,
  marketId: string,
  id: string,
  action: "bill.paidCash" | "bill.waived",
  close: (
    bill: Bill,
    at: string,
  ) => { next: Bill; before: Record<string, unknown>; after: Record<string, unknown> },
): Promise<BillView> {
  const { store, clock } = deps;
  const at = clock.now().toISOString();
  const next = await changeBill(
    store,
    marketId,
    id,
    (bill) => {
      if (!isOpen(bill)) throw closedAlready(bill);
      const closed = close(bill, at);
      return {
        next: closed.next,
        rest: [
          Audit.entry(store, clock, {
            actor,
            action,
            entity: { kind: "bill", id: billId(bill) },
            marketId,
            before: closed.before,
            after: { ...closed.after, stallId: bill.stallId, reference: bill.reference },
          }),
        ],
      };
    },
    () => null,
  );
  return present(next);
}

/**
 * The manager records that what was still owed on a bill was paid in cash (`paid-cash`, with an optional note),
 * audited (`bill.paidCash`) in the same transaction. Only an open or partly paid bill (`409` otherwise).
 */
export async function recordCash(
  deps: { store: Store; clock: Clock },
  actor: Actor,
  marketId: string,
  id: string,
  input: z.input<typeof CashInputSchema>,
): Promise<BillView> {
  const { cashNote } = CashInputSchema.parse(input);
  return closeBill(deps, actor, marketId, id, "bill.paidCash", (bill, at) => {
    const next = withCash(bill, at, cashNote);
    return {
      next,
      before: { status: bill.status, paid: bill.paid, paidCash: bill.paidCash },
      after: {
        status: next.status,
        paid: next.paid,
        paidCash: next.paidCash,
        ...(cashNote ? { cashNote } : {}),
      },
    };
  });
}

/**
 * The manager waives a bill with a reason (`waived`), audited (`bill.waived`) in the same transaction. Only an open
 * or partly paid bill; what was paid by transfer stays recorded on it.
 */
export async function waive(
  deps: { store: Store; clock: Clock },
  actor: Actor,
  marketId: string,
  id: string,
  input: z.input<typeof WaiveInputSchema>,
): Promise<BillView> {
  const { waivedReason } = WaiveInputSchema.parse(input);
  return closeBill(deps, actor, marketId, id, "bill.waived", (bill, at) => {
    const next = withWaiver(bill, at, waivedReason);
    return {
      next,
      before: { status: bill.status, amount: bill.amount, paid: bill.paid },
      after: { status: next.status, waivedReason },
    };
  });
}

/** A waiting payment of this market's board, by `provider:id` (or the provider's id alone when unambiguous). */
async function findWaiting(store: Store, marketId: string, ref: string): Promise<StoredTransaction> {
  const txn = await paymentNamed(store, ref, (t) => t.boardOf === marketId, "paymentId");
  if (txn.billId)
    throw conflict("This payment already settles a bill", [
      { path: "paymentId", message: `It settles ${txn.billId}` },
    ]);
  return txn;
}

/**
 * The manager gives a payment waiting on the board's account to one of the market's bills (docs/contract.md §20):
 * in one transaction the payment stops waiting (out of both queues, its source the assignment), the bill counts it
 * (`paidQr`, status, excess) and the audit says who did it (`bill.paymentAssigned`). Conditioned on the payment
 * still waiting and the bill's revision, so it is counted once however often it is asked. A waived bill takes no
 * payment (`409`); a bill paid in cash takes it as excess.
 */
export async function assignPayment(
  deps: { store: Store; clock: Clock },
  actor: Actor,
  marketId: string,
  ref: string,
  input: z.input<typeof AssignBoardPaymentSchema>,
): Promise<BillView> {
  const { store, clock } = deps;
  const { billId: id } = AssignBoardPaymentSchema.parse(input);
  if (!parseBillId(id))
    throw validationError("Not a bill of this market", [{ path: "billId", message: "No such bill" }]);
  const txn = await findWaiting(store, marketId, ref);
  const at = clock.now().toISOString();
  const auditId = newId(clock);
  const { arrival, own } = await assignment(store, txn, Audit.actorOf(actor), at, auditId);
  const next = await changeBill(
    store,
    marketId,
    id,
    (bill) => {
      if (bill.status === "waived")
        throw conflict("This bill was waived; it takes no payment", [
          { path: "billId", message: "The bill is waived" },
        ]);
      const next = withTransfer(bill, { id: paymentId(txn), amount: txn.amount, paidAt: txn.paidAt });
      return {
        next,
        rest: [
          TransactionItem.settleWaiting(store, txn, marketId, billId(bill), arrival),
          Audit.entry(store, clock, {
            id: auditId,
            actor,
            action: "bill.paymentAssigned",
            entity: { kind: "bill", id: billId(bill) },
            marketId,
            before: { status: bill.status, paidQr: bill.paidQr, payment: paymentId(txn), waiting: true },
            after: {
              status: next.status,
              paidQr: next.paidQr,
              excess: next.excess,
              payment: paymentId(txn),
              amount: txn.amount,
              stallId: bill.stallId,
              reference: bill.reference,
            },
          }),
          ...(own ? [TransactionItem.deleteRef(store, own)] : []),
        ],
      };
    },
    (i) =>
      i === 0
        ? conflict("This payment was assigned meanwhile", [{ path: "paymentId", message: "Assigned" }])
        : null,
  );
  return present(next);
}
