import * as Audit from "@market40/core/audit/audit";
import { ingest } from "@market40/core/callback/ingest";
import { TransactionItem } from "@market40/core/callback/transactionItem";
import type { IncomingTransaction, Provider } from "@market40/core/callback/types";
import { billId, paymentId } from "@market40/core/fee/bill";
import { BillItem } from "@market40/core/fee/billItem";
import { issueForMarket } from "@market40/core/fee/bills";
import * as Fees from "@market40/core/fee/board";
import * as Settlement from "@market40/core/fee/settlement";
import * as Market from "@market40/core/market/market";
import * as Stall from "@market40/core/stall/stall";
import { allPages } from "@market40/core/store/page";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput } from "./support/harness";

/**
 * Every payment to a board's account is either one bill's settlement or waiting, never both, never lost, never
 * counted twice (docs/contract.md §20) — whatever the order, the concurrency and the repetition of its deliveries
 * (the same provider id again, or the same bank transaction under another provider's id), and with the manager
 * recording cash on a bill meanwhile.
 */
let h: Harness;
let n = 0;
beforeAll(async () => {
  h = await harness("2026-11-01T01:00:00Z");
});
afterAll(() => h.close());

/** A phiên market (Sundays) with three stalls and a board account: six bills, for 22 and 29 November. */
async function setUp() {
  const marketId = `p-${++n}`;
  h.clock.set("2026-11-01T01:00:00Z");
  await Market.create(h.store, h.clock, { ...DONG_VAN, id: marketId });
  for (const code of ["A-1", "B-2", "C-3"])
    await Stall.register(
      h.store,
      h.clock,
      Audit.SYSTEM,
      marketId,
      stallInput(code, `6${n}0${code[0]!.charCodeAt(0)}`),
    );
  const board = { bin: "970436", accountNumber: `0451${String(n).padStart(6, "0")}`, accountName: "BQL CHO" };
  await Fees.setBoardAccount(h.store, h.clock, Audit.SYSTEM, marketId, board);
  await Fees.setSchedule(h.store, h.clock, Audit.SYSTEM, marketId, {
    rates: [{ appliesTo: { kind: "all" }, period: "session", amount: 20000, from: "2026-11-01" }],
  });
  h.clock.set("2026-11-29T10:00:00Z");
  await issueForMarket(h.deps, marketId);
  const bills = await BillItem.byMarketMonth(h.store, marketId, "2026-11");
  expect(bills.length).toBe(6);
  return { marketId, board, bills };
}

/** Which bill a payment names (an index), a reference no bill has, or none; how the payer's bank writes it. */
const PaymentArb = fc.record({
  names: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom("unknown" as const, "none" as const)),
  amount: fc.integer({ min: 1000, max: 30000 }),
  style: fc.integer({ min: 0, max: 3 }),
});

const written = (reference: string, style: number) =>
  [
    reference,
    reference.toLowerCase(),
    `MBVCB.12345.${reference}.CT tu 0123456789`,
    `IBFT ${reference.replace(/ /g, "")} FT2633`,
  ][style]!;

/** One delivery: payment `k` by its provider id again (`g`), or the same bank transaction under SePay's id. */
type Step = { kind: "pay"; k: number; via: Provider } | { kind: "cash" };

describe("payments to the board's account", () => {
  it("each settles exactly one bill or waits; bills' paidQr sum the settling payments; none counted twice", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(PaymentArb, { minLength: 1, maxLength: 10 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom<Provider>("generic", "sepay")), { maxLength: 10 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 6 }),
        fc.infiniteStream(fc.nat()),
        async (payments, repeats, cash, width, order) => {
          const { marketId, board, bills } = await setUp();
          const steps: Step[] = [
            ...payments.map((_, k): Step => ({ kind: "pay", k, via: "generic" })),
            ...repeats.map(([r, via]): Step => ({ kind: "pay", k: r % payments.length, via })),
            ...(cash ? [{ kind: "cash" } as Step] : []),
          ];
          // Shuffled by the stream, then delivered `width` at a time, concurrently.
          const keys = steps.map(() => order.next().value as number);
          const shuffled = steps
            .map((s, i) => [keys[i]!, s] as const)
            .sort((a, b) => a[0] - b[0])
            .map(([, s]) => s);
          const cashBill = bills[0]!;
          const incoming = (k: number, via: Provider): IncomingTransaction => {
            const p = payments[k]!;
            const reference =
              p.names === "none"
                ? undefined
                : p.names === "unknown"
                  ? "PHI ZZ9 2911"
                  : bills[p.names]!.reference;
            return {
              provider: via,
              providerTxnId: `${via === "generic" ? "g" : "s"}${n}-${k}`,
              bin: board.bin,
              accountNumber: board.accountNumber,
              amount: p.amount,
              direction: "in",
              paidAt: new Date(Date.parse("2026-11-29T02:00:00Z") + k * 60_000).toISOString(),
              description: reference ? written(reference, p.style) : "nop tien cho ban quan ly",
              bankRef: `BR${n}x${k}`,
            };
          };
          for (let i = 0; i < shuffled.length; i += width)
            await Promise.all(
              shuffled.slice(i, i + width).map(async (s) => {
                if (s.kind === "pay") return ingest(h.deps, incoming(s.k, s.via));
                await Settlement.recordCash(h.deps, Audit.SYSTEM, marketId, billId(cashBill), {}).catch(
                  (err: Error) => {
                    // Settled by transfers first: nothing owed, nothing to record.
                    if (!/already settled/.test(err.message)) throw err;
                  },
                );
              }),
            );

          // Each payment is stored once: under its own id or, if SePay's delivery came first, under SePay's.
          const stored = [];
          for (const [k, p] of payments.entries()) {
            const copies = (
              await Promise.all([
                TransactionItem.get(h.store, "generic", `g${n}-${k}`),
                TransactionItem.get(h.store, "sepay", `s${n}-${k}`),
              ])
            ).filter((t) => t !== undefined);
            expect(copies.length, `payment ${k}`).toBe(1);
            const t = copies[0]!;
            expect(t.stallId).toBeUndefined();
            expect(t.boardOf).toBe(marketId);
            // Either a bill's settlement or waiting, never both.
            expect(t.billId === undefined, `payment ${k}`).toBe(t.reason === "board");
            if (p.names === "none" || p.names === "unknown") expect(t.reason).toBe("board");
            else if (bills[p.names] !== cashBill) expect(t.billId).toBe(billId(bills[p.names]!));
            stored.push(t);
          }
          const after = await BillItem.byMarketMonth(h.store, marketId, "2026-11");
          const settling = new Map(stored.filter((t) => t.billId).map((t) => [paymentId(t), t]));
          const listed = after.flatMap((b) => b.payments);
          expect(new Set(listed).size).toBe(listed.length);
          expect(new Set(listed)).toEqual(new Set(settling.keys()));
          for (const b of after) {
            const mine = b.payments.map((id) => settling.get(id)!);
            expect(mine.every((t) => t.billId === billId(b))).toBe(true);
            expect(b.paidQr).toBe(mine.reduce((s, t) => s + t.amount, 0));
            expect(b.paid).toBe(b.paidQr + b.paidCash);
            expect(b.excess).toBe(Math.max(0, b.paid - b.amount));
            if (b.status !== "paid-cash")
              expect(b.status).toBe(b.paid >= b.amount ? "paid" : b.paid > 0 ? "partly-paid" : "open");
          }
          expect(after.reduce((s, b) => s + b.paidQr, 0)).toBe(
            [...settling.values()].reduce((s, t) => s + t.amount, 0),
          );
          // What waits is exactly the manager's queue.
          const queue = await allPages((page) => Settlement.waitingPayments(h.store, marketId, page));
          expect(new Set(queue.map((q) => q.id))).toEqual(
            new Set(stored.filter((t) => !t.billId).map((t) => paymentId(t))),
          );
        },
      ),
      { numRuns: 20 },
    );
  }, 300_000);
});
