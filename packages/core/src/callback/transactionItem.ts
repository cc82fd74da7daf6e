import { BatchGetCommand, GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Actor } from "../audit/audit";
import { localDateOf } from "../calendar/localDate";
import { conflict, notFound } from "../errors";
import { accountKey } from "../stall/accountItem";
import { guard, queryAcrossPartitions, queryAll, queryPage, type Store } from "../store/client";
import type { Page, PageRequest } from "../store/page";
import { putNew, type WriteItem } from "../store/transact";
import { type PaymentSource, PROVIDERS, type Provider } from "./types";

export type { PaymentSource };

/**
 * One way a payment arrived: what (`source`), when, who or what put it there (a provider's signed webhook is
 * `{role: "provider", keyId: <provider>}`, the sync `{role: "system", keyId: "sync:<provider>"}`, an admin their key),
 * under which provider id, and the audit entry that records it (statements, assignments).
 */
export interface Arrival {
  source: PaymentSource;
  at: string;
  by: Actor;
  provider: Provider;
  id: string;
  audit?: string;
  reason?: string;
}

/** A transaction as stored. `stallId`/`marketId` are absent while it is unmatched. */
export interface StoredTransaction {
  id: string;
  provider: Provider;
  stallId?: string;
  marketId?: string;
  bin?: string;
  accountNumber: string;
  amount: number;
  paidAt: string;
  receivedAt: string;
  matchedAt?: string;
  description: string;
  /** The bank's own reference of the transfer, when the provider sent it (a second exactly-once key: bankRefItem). */
  bankRef?: string;
  /** Keyed HMAC of the provider's payer reference, truncated: counts distinct payers without keeping who they are. */
  payerHash?: string;
  /** What put the payment where it is counted: its first arrival's source, or `assignment` once an admin gave it. */
  source: PaymentSource;
  /** Who or what did (see `Arrival.by`). */
  by: Actor;
  /** Every way it arrived, oldest first: a webhook and the sync, a second provider id, an assignment (capped). */
  arrivals: Arrival[];
  /**
   * Why it waits unmatched: no stall holds the account, more than one could (no BIN to tell them apart), or it
   * was paid to a market board's collection account (docs/contract.md §20: fees, never a stall's takings).
   */
  reason?: "no-account" | "ambiguous" | "board";
  /** The market whose board's collection account was paid: a fee, never a stall's takings (§20). */
  boardOf?: string;
  /** The bill this board payment settles (`<periodKey>_<stallId>`); absent while it waits (`reason: "board"`). */
  billId?: string;
}

/** The stall a transaction is counted for. */
export interface Match {
  stallId: string;
  marketId: string;
  bin: string;
}

/**
 * The stored transaction and its unmatched reference (docs/data-model.md).
 *  - record (exactly-once guard) ... pk TXN#<provider>#<id>  sk TXN
 *  - byStall ........................ gsi1 STALL#<stallId>#TXNS / <paidAt>#<provider>#<id>
 *  - byMarketMonth .................. gsi2 MARKET#<marketId>#TXNS#<YYYY-MM> / <paidAt>#<provider>#<id>
 *  - unmatched (list) ............... gsi1 UNMATCHED / <receivedAt>#<provider>#<id>
 *  - unmatched byAccount ............ pk UNMATCHED#<ACCOUNT>  sk <provider>#<id>
 *  - board payments (§20) ........... gsi2 MARKET#<marketId>#FEEPAY#WAITING (waiting for the manager) or
 *                                     MARKET#<marketId>#FEEPAY#<YYYY-MM> (settling a bill) / <paidAt>#<provider>#<id>
 */
const key = (provider: string, id: string) => ({ pk: `TXN#${provider}#${id}`, sk: "TXN" });
const byStallPk = (stallId: string) => `STALL#${stallId}#TXNS`;
const byMarketMonthPk = (marketId: string, month: string) => `MARKET#${marketId}#TXNS#${month}`;
const UNMATCHED = "UNMATCHED";
const boardPk = (marketId: string, month: string) => `MARKET#${marketId}#FEEPAY#${month}`;
const boardWaitingPk = (marketId: string) => `MARKET#${marketId}#FEEPAY#WAITING`;
const refPk = (accountNumber: string) => `UNMATCHED#${accountKey(accountNumber)}`;
const refKey = (accountNumber: string, provider: string, id: string) => ({
  pk: refPk(accountNumber),
  sk: `${provider}#${id}`,
});

/** Keys that place a matched transaction in its stall's and market's listings. */
function matchedIndexKeys(txn: StoredTransaction, match: Match) {
  const sort = `${txn.paidAt}#${txn.provider}#${txn.id}`;
  return {
    gsi1pk: byStallPk(match.stallId),
    gsi1sk: sort,
    gsi2pk: byMarketMonthPk(match.marketId, localDateOf(txn.paidAt).slice(0, 7)),
    gsi2sk: sort,
  };
}

/** The stored record's own attributes: its exactly-once key, kind and fields. */
const record = (txn: StoredTransaction) => ({
  ...key(txn.provider, txn.id),
  type: "transaction",
  v: 1,
  ...txn,
});

/** Arrivals kept per payment: enough for every way one bank transaction can come (the rest are counted, not kept). */
export const MAX_ARRIVALS = 20;

/** Who stored a record written before provenance was kept: a callback's provider, else the platform. */
function legacyBy(t: { source?: string; provider: Provider }): Actor {
  return t.source === "callback" || !t.source
    ? { role: "provider", keyId: t.provider }
    : { role: "system", keyId: "system" };
}

function fromItem(item: Record<string, unknown>): StoredTransaction {
  const { pk: _a, sk: _b, gsi1pk: _c, gsi1sk: _d, gsi2pk: _e, gsi2sk: _f, type: _g, v: _h, ...rest } = item;
  const t = rest as unknown as StoredTransaction;
  const source = t.source ?? "callback";
  const by = t.by ?? legacyBy(t);
  return {
    ...t,
    source,
    by,
    arrivals: t.arrivals ?? [{ source, at: t.receivedAt, by, provider: t.provider, id: t.id }],
  };
}

/** An unmatched transaction's pointer under its account number, for claiming it when a stall registers. */
export interface UnmatchedRef {
  provider: Provider;
  id: string;
  bin?: string;
  accountNumber: string;
  amount?: number;
  paidAt?: string;
  ref: { pk: string; sk: string };
}

export const TransactionItem = {
  key,
  fromItem,
  /** The record of a transaction counted for a stall; fails if `(provider, id)` was stored before. */
  putMatched: (store: Store, txn: StoredTransaction, match: Match): WriteItem =>
    putNew(store, {
      ...record(txn),
      stallId: match.stallId,
      marketId: match.marketId,
      matchedAt: txn.receivedAt,
      ...matchedIndexKeys(txn, match),
    }),
  /** The record of a transaction no stall can be given yet; fails if `(provider, id)` was stored before. */
  putUnmatched: (store: Store, txn: StoredTransaction): WriteItem =>
    putNew(store, {
      ...record(txn),
      gsi1pk: UNMATCHED,
      gsi1sk: `${txn.receivedAt}#${txn.provider}#${txn.id}`,
    }),
  /**
   * The record of a payment to a market board's account that names no bill it can settle: it waits for the
   * manager (`reason: "board"`), in the admin's unmatched list and the market's board queue.
   */
  putBoardWaiting: (store: Store, txn: StoredTransaction, marketId: string): WriteItem =>
    putNew(store, {
      ...record({ ...txn, reason: "board", boardOf: marketId }),
      gsi1pk: UNMATCHED,
      gsi1sk: `${txn.receivedAt}#${txn.provider}#${txn.id}`,
      gsi2pk: boardWaitingPk(marketId),
      gsi2sk: `${txn.paidAt}#${txn.provider}#${txn.id}`,
    }),
  /** The record of a payment to a market board's account that settles a bill: no stall's, waiting for no one. */
  putBoardSettled: (store: Store, txn: StoredTransaction, marketId: string, billId: string): WriteItem =>
    putNew(store, {
      ...record({ ...txn, boardOf: marketId, billId }),
      matchedAt: txn.receivedAt,
      gsi2pk: boardPk(marketId, localDateOf(txn.paidAt).slice(0, 7)),
      gsi2sk: `${txn.paidAt}#${txn.provider}#${txn.id}`,
    }),
  /**
   * A waiting board payment given to a bill by the manager: it waits no more (out of both queues), it settles the
   * bill, and its source becomes the assignment. Fails unless it is still a waiting payment of that market's board.
   */
  settleWaiting: (
    store: Store,
    txn: StoredTransaction,
    marketId: string,
    billId: string,
    assignment: Arrival,
  ): WriteItem => ({
    Update: {
      TableName: store.table,
      Key: key(txn.provider, txn.id),
      ConditionExpression:
        "attribute_exists(pk) AND reason = :board AND boardOf = :market AND attribute_not_exists(billId) AND attribute_not_exists(stallId)",
      UpdateExpression:
        "SET billId = :bill, matchedAt = :now, gsi2pk = :g2pk, gsi2sk = :g2sk, #source = :source, #by = :by, " +
        "arrivals = list_append(if_not_exists(arrivals, :legacy), :arrival) REMOVE reason, gsi1pk, gsi1sk",
      ExpressionAttributeNames: { "#source": "source", "#by": "by" },
      ExpressionAttributeValues: {
        ":board": "board",
        ":market": marketId,
        ":bill": billId,
        ":now": assignment.at,
        ":g2pk": boardPk(marketId, localDateOf(txn.paidAt).slice(0, 7)),
        ":g2sk": `${txn.paidAt}#${txn.provider}#${txn.id}`,
        ":source": assignment.source,
        ":by": assignment.by,
        ":legacy": txn.arrivals.slice(0, 1),
        ":arrival": [assignment],
      },
    },
  }),
  /** The unmatched transaction's reference under its account number. */
  putRef: (store: Store, txn: StoredTransaction): WriteItem => ({
    Put: {
      TableName: store.table,
      Item: {
        ...refKey(txn.accountNumber, txn.provider, txn.id),
        type: "unmatchedRef",
        v: 1,
        provider: txn.provider,
        id: txn.id,
        bin: txn.bin,
        accountNumber: txn.accountNumber,
        amount: txn.amount,
        paidAt: txn.paidAt,
      },
    },
  }),
  deleteRef: (store: Store, ref: UnmatchedRef): WriteItem => ({
    Delete: { TableName: store.table, Key: ref.ref },
  }),
  /**
   * Gives a stored unmatched transaction to a stall; fails if it was given to one meanwhile. An admin's assignment
   * (`assignment` given) also records who gave it and why, as its source and one more arrival; a claim by the
   * account's registration keeps the payment's own source.
   */
  assign: (
    store: Store,
    txn: StoredTransaction,
    match: Match,
    at: string,
    assignment?: Arrival,
  ): WriteItem => {
    const keys = matchedIndexKeys(txn, match);
    return {
      Update: {
        TableName: store.table,
        Key: key(txn.provider, txn.id),
        // Never a board's payment (waiting or settling a bill): fees are no stall's takings (§20).
        ConditionExpression:
          "attribute_exists(pk) AND attribute_not_exists(stallId) AND attribute_not_exists(boardOf)",
        UpdateExpression:
          "SET stallId = :stall, marketId = :market, matchedAt = :now, gsi1pk = :g1pk, gsi1sk = :g1sk, gsi2pk = :g2pk, gsi2sk = :g2sk" +
          (assignment
            ? ", #source = :source, #by = :by, arrivals = list_append(if_not_exists(arrivals, :legacy), :arrival)"
            : "") +
          " REMOVE reason",
        ...(assignment ? { ExpressionAttributeNames: { "#source": "source", "#by": "by" } } : {}),
        ExpressionAttributeValues: {
          ...(assignment
            ? {
                ":source": assignment.source,
                ":by": assignment.by,
                ":legacy": txn.arrivals.slice(0, 1),
                ":arrival": [assignment],
              }
            : {}),
          ":stall": match.stallId,
          ":market": match.marketId,
          ":now": at,
          ":g1pk": keys.gsi1pk,
          ":g1sk": keys.gsi1sk,
          ":g2pk": keys.gsi2pk,
          ":g2sk": keys.gsi2sk,
        },
      },
    };
  },
  /**
   * Records one more way a stored payment arrived (a redelivery through the sync, or under another provider id),
   * unless that way is already listed or the list is full. Provenance only: money is not touched.
   */
  async addArrival(store: Store, provider: string, id: string, arrival: Arrival): Promise<number> {
    const current = await TransactionItem.get(store, provider, id);
    if (!current) return 1;
    const known = current.arrivals.some(
      (a) => a.source === arrival.source && a.provider === arrival.provider && a.id === arrival.id,
    );
    if (known || current.arrivals.length >= MAX_ARRIVALS) return 1;
    try {
      await guard(() =>
        store.doc.send(
          new UpdateCommand({
            TableName: store.table,
            Key: key(provider, id),
            // Conditioned on the list as read, so two redeliveries at once cannot both append (or erase each other).
            ConditionExpression:
              "attribute_exists(pk) AND (size(arrivals) = :n OR attribute_not_exists(arrivals))",
            UpdateExpression: "SET arrivals = list_append(if_not_exists(arrivals, :legacy), :arrival)",
            ExpressionAttributeValues: {
              ":n": current.arrivals.length,
              ":legacy": current.arrivals,
              ":arrival": [arrival],
            },
          }),
        ),
      );
    } catch (err) {
      // A concurrent redelivery appended first: its arrival is listed; this one is kept by the next redelivery.
      if ((err as Error).name !== "ConditionalCheckFailedException") throw err;
    }
    return 2;
  },
  async get(store: Store, provider: string, id: string): Promise<StoredTransaction | undefined> {
    const res = await guard(() =>
      store.doc.send(
        new GetCommand({ TableName: store.table, Key: key(provider, id), ConsistentRead: true }),
      ),
    );
    return res.Item ? fromItem(res.Item) : undefined;
  },
  /** Which of these `(provider, id)` are stored. */
  async existing(store: Store, provider: string, ids: string[]): Promise<Set<string>> {
    const known = new Set<string>();
    for (let i = 0; i < ids.length; i += 100) {
      let request:
        | Record<string, { Keys: Record<string, unknown>[]; ProjectionExpression?: string }>
        | undefined = {
        [store.table]: {
          Keys: ids.slice(i, i + 100).map((id) => key(provider, id)),
          ProjectionExpression: "id",
        },
      };
      while (request && Object.keys(request).length > 0) {
        const res = await guard(() => store.doc.send(new BatchGetCommand({ RequestItems: request })));
        for (const item of res.Responses?.[store.table] ?? []) known.add(String(item.id));
        request = res.UnprocessedKeys as typeof request;
      }
    }
    return known;
  },
  /** byStall: a stall's transactions paid in `[lo, hi)` (UTC ISO), oldest first. */
  byStall: (
    store: Store,
    stallId: string,
    range: { lo: string; hi: string },
    page: PageRequest,
  ): Promise<Page<StoredTransaction>> =>
    queryPage(store, { gsi1pk: byStallPk(stallId), between: [range.lo, range.hi] }, page, fromItem),
  /**
   * byMarketMonth: a market's transactions paid in `[lo, hi)` over the given months, oldest first. The index is
   * split by month, so the cursor carries the month it stopped in as well as the store's position within it.
   */
  byMarketMonth: (
    store: Store,
    marketId: string,
    months: string[],
    range: { lo: string; hi: string },
    page: PageRequest,
  ): Promise<Page<StoredTransaction>> =>
    queryAcrossPartitions(
      store,
      {
        index: "gsi2",
        partitions: months.map((m) => byMarketMonthPk(marketId, m)),
        between: [range.lo, range.hi],
      },
      page,
      fromItem,
    ),
  /**
   * byMarketMonth, newest first: when the market's latest payment before `hi` in the given months was paid (months
   * newest first; one item read per month at most), or null when none was.
   */
  async lastPaidAt(store: Store, marketId: string, months: string[], hi: string): Promise<string | null> {
    for (const month of months) {
      const res = await guard(() =>
        store.doc.send(
          new QueryCommand({
            TableName: store.table,
            IndexName: "gsi2",
            KeyConditionExpression: "gsi2pk = :pk AND gsi2sk < :hi",
            ExpressionAttributeValues: { ":pk": byMarketMonthPk(marketId, month), ":hi": hi },
            ProjectionExpression: "paidAt",
            ScanIndexForward: false,
            Limit: 1,
          }),
        ),
      );
      const paidAt = res.Items?.[0]?.paidAt;
      if (typeof paidAt === "string") return paidAt;
    }
    return null;
  },
  /** unmatched: transactions no stall has been given, oldest first. */
  unmatched: (store: Store, page: PageRequest): Promise<Page<StoredTransaction>> =>
    queryPage(store, { gsi1pk: UNMATCHED }, page, fromItem),
  /** board payments: a market board's payments waiting for the manager, oldest paid first. */
  boardWaiting: (store: Store, marketId: string, page: PageRequest): Promise<Page<StoredTransaction>> =>
    queryAcrossPartitions(
      store,
      { index: "gsi2", partitions: [boardWaitingPk(marketId)], between: ["0", "~"] },
      page,
      fromItem,
    ),
  /** board payments: those settling a bill, paid in `[lo, hi)` over the given months, oldest first. */
  boardSettled: (
    store: Store,
    marketId: string,
    months: string[],
    range: { lo: string; hi: string },
    page: PageRequest,
  ): Promise<Page<StoredTransaction>> =>
    queryAcrossPartitions(
      store,
      { index: "gsi2", partitions: months.map((m) => boardPk(marketId, m)), between: [range.lo, range.hi] },
      page,
      fromItem,
    ),
  /** Every unmatched transaction's receiving account and BIN (what the nightly sweep tries again). */
  async unmatchedAccounts(store: Store): Promise<{ bin?: string; accountNumber: string }[]> {
    const items = await queryAll(store, {
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": UNMATCHED },
      ProjectionExpression: "bin, accountNumber",
    });
    return items.map((i) => ({
      ...(i.bin ? { bin: String(i.bin) } : {}),
      accountNumber: String(i.accountNumber),
    }));
  },
  /** unmatched byAccount: references to the unmatched transactions paid to an account number (any BIN). */
  async refsByAccount(store: Store, accountNumber: string, provider?: string): Promise<UnmatchedRef[]> {
    const items = await queryAll(store, {
      KeyConditionExpression: provider ? "pk = :pk AND begins_with(sk, :p)" : "pk = :pk",
      ExpressionAttributeValues: {
        ":pk": refPk(accountNumber),
        ...(provider ? { ":p": `${provider}#` } : {}),
      },
      ConsistentRead: true,
    });
    return items.map((i) => ({
      provider: i.provider as Provider,
      id: String(i.id),
      ...(i.bin ? { bin: String(i.bin) } : {}),
      accountNumber: String(i.accountNumber ?? accountNumber),
      ...(i.amount !== undefined ? { amount: Number(i.amount) } : {}),
      ...(i.paidAt ? { paidAt: String(i.paidAt) } : {}),
      ref: { pk: String(i.pk), sk: String(i.sk) },
    }));
  },
};

/**
 * A waiting payment given away by a person (to a stall, or to a bill of its market's board): the arrival its record
 * gains, and its own entry in the account's list of waiting payments, which the same transaction deletes.
 */
export async function assignment(
  store: Store,
  txn: StoredTransaction,
  by: Actor,
  at: string,
  audit: string,
  reason?: string,
): Promise<{ arrival: Arrival; own: UnmatchedRef | undefined }> {
  const refs = await TransactionItem.refsByAccount(store, txn.accountNumber, txn.provider);
  return {
    arrival: {
      source: "assignment",
      at,
      by,
      provider: txn.provider,
      id: txn.id,
      audit,
      ...(reason ? { reason } : {}),
    },
    own: refs.find((r) => r.id === txn.id),
  };
}

/**
 * The one stored payment a person names: `provider:id`, or the provider's id alone when only one provider sent it
 * (among those `keep` accepts). `404` for none, `409` naming `path` when the id alone is ambiguous.
 */
export async function paymentNamed(
  store: Store,
  ref: string,
  keep: (t: StoredTransaction) => boolean,
  path: string,
): Promise<StoredTransaction> {
  const split = ref.indexOf(":");
  const candidates =
    split > 0 && (PROVIDERS as readonly string[]).includes(ref.slice(0, split))
      ? [await TransactionItem.get(store, ref.slice(0, split), ref.slice(split + 1))]
      : await Promise.all(PROVIDERS.map((p) => TransactionItem.get(store, p, ref)));
  const found = candidates.filter((t): t is StoredTransaction => t !== undefined && keep(t));
  if (found.length === 0) throw notFound(`Payment '${ref}'`);
  if (found.length > 1)
    throw conflict("Several providers sent a payment with this id; name it as provider:id", [
      { path, message: "Ambiguous: use provider:id" },
    ]);
  return found[0]!;
}
