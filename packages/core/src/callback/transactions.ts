import { z } from "zod";
import { addDays, type LocalDate, localTimeToUtc, monthsBetween } from "../calendar/localDate";
import { mask } from "../stall/stall";
import type { Store } from "../store/client";
import type { Page, PageRequest } from "../store/page";
import { type StoredTransaction, TransactionItem } from "./transactionItem";
import { PAYMENT_SOURCES, PROVIDERS } from "./types";

const ActorSchema = z.object({ role: z.string(), keyId: z.string() });

/** A transaction as listings show it (docs/contract.md §6): the receiving account masked. */
export const TransactionSchema = z
  .object({
    id: z.string(),
    provider: z.string(),
    stallId: z.string().nullable(),
    marketId: z.string().nullable(),
    amount: z.number().int(),
    paidAt: z.string(),
    receivedAt: z.string(),
    description: z.string(),
    accountNumber: z.string().meta({ description: "Receiving account, masked" }),
    source: z.enum(PAYMENT_SOURCES).meta({
      description:
        "What put the payment where it is counted: a webhook, the pull sync, a statement upload, or an admin's assignment",
    }),
    by: ActorSchema.meta({
      description: "Who or what: a provider (`role: provider`), the platform, or a key",
    }),
    arrivals: z
      .array(
        z.object({
          source: z.enum(PAYMENT_SOURCES),
          at: z.string(),
          by: ActorSchema,
          provider: z.enum(PROVIDERS),
          id: z.string(),
          audit: z.string().optional(),
          reason: z.string().optional(),
        }),
      )
      .meta({
        description: "Every way the payment arrived, oldest first (a webhook and the sync, a second id…)",
      }),
  })
  .meta({ id: "Transaction" });
export type TransactionView = z.output<typeof TransactionSchema>;

/** An unmatched transaction as the admin's queue shows it: with the BIN the provider named, if any. */
export const UnmatchedTransactionSchema = TransactionSchema.extend({
  bin: z.string().nullable(),
  /**
   * `no-account`: no stall holds it; `ambiguous`: it named no bank and more than one stall (or none active) could;
   * `board`: a market board's collection account holds it (fees, docs/contract.md §20).
   */
  reason: z.enum(["no-account", "ambiguous", "board"]),
}).meta({
  id: "UnmatchedTransaction",
});

export function present(t: StoredTransaction): TransactionView {
  return {
    id: t.id,
    provider: t.provider,
    stallId: t.stallId ?? null,
    marketId: t.marketId ?? null,
    amount: t.amount,
    paidAt: t.paidAt,
    receivedAt: t.receivedAt,
    description: t.description,
    accountNumber: mask(t.accountNumber),
    source: t.source,
    by: t.by,
    arrivals: t.arrivals,
  };
}

/** UTC bounds of a local date range, as sort-key prefixes (`paidAt` sorts as ISO text). */
function bounds(from: LocalDate, to: LocalDate) {
  return {
    lo: localTimeToUtc(from, "00:00").toISOString(),
    hi: localTimeToUtc(addDays(to, 1), "00:00").toISOString(),
  };
}

/** A stall's transactions paid in a local date range, oldest first. */
export async function listForStall(
  store: Store,
  stallId: string,
  range: { from: LocalDate; to: LocalDate },
  page: PageRequest,
): Promise<Page<TransactionView>> {
  const res = await TransactionItem.byStall(store, stallId, bounds(range.from, range.to), page);
  return { ...res, items: res.items.map(present) };
}

/** A market's transactions paid in a local date range, oldest first. */
export async function listForMarket(
  store: Store,
  marketId: string,
  range: { from: LocalDate; to: LocalDate },
  page: PageRequest,
): Promise<Page<TransactionView>> {
  const months = monthsBetween(range.from, range.to);
  const res = await TransactionItem.byMarketMonth(
    store,
    marketId,
    months,
    bounds(range.from, range.to),
    page,
  );
  return { ...res, items: res.items.map(present) };
}

/** Transactions no stall has been given yet, oldest first (admin). */
export async function listUnmatched(
  store: Store,
  page: PageRequest,
): Promise<Page<z.output<typeof UnmatchedTransactionSchema>>> {
  const res = await TransactionItem.unmatched(store, page);
  return {
    ...res,
    items: res.items.map((t) => ({ ...present(t), bin: t.bin ?? null, reason: t.reason ?? "no-account" })),
  };
}
