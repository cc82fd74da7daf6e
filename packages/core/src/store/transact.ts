import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { TransactWriteCommand, type TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { conflict, DomainError, type ErrorIssue, StoreUnavailableError } from "../errors";
import { guard, type Store } from "./client";

/**
 * Items a transaction may hold. DynamoDB allows 100; one is kept for the marker the local runtime's write journal
 * adds to every write (store/writeJournal.ts, used by the local runtime only), so a batch sized here fits everywhere.
 */
export const MAX_TRANSACTION_ITEMS = 99;

/** One element of a `TransactWriteItems` request: what entity modules hand to `commit`. */
export type WriteItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/** Puts a new item; fails if one with its key exists (ids, guards, immutable records). */
export function putNew(store: Store, item: Record<string, unknown>): WriteItem {
  return { Put: { TableName: store.table, Item: item, ConditionExpression: "attribute_not_exists(pk)" } };
}

/** Puts an item over the one read, failing unless that is unchanged since (optimistic, on `updatedAt`). */
export function putIfUnchanged(
  store: Store,
  item: Record<string, unknown>,
  seenUpdatedAt: string,
): WriteItem {
  return {
    Put: {
      TableName: store.table,
      Item: item,
      ConditionExpression: "updatedAt = :seen",
      ExpressionAttributeValues: { ":seen": seenUpdatedAt },
    },
  };
}

/**
 * The cancellation reason of each item of a cancelled transaction, by position (`"None"` where the item was
 * fine), or an empty list when `err` is not a cancellation. The one place reasons are decoded.
 */
export function cancellationCodes(err: unknown): string[] {
  if (!(err instanceof TransactionCanceledException)) return [];
  return (err.CancellationReasons ?? []).map((r) => r.Code ?? "None");
}

/** True when a cancelled transaction lost a race rather than failed a condition: worth retrying. */
export function isTransientCancellation(codes: string[]): boolean {
  return codes.some((c) => c === "TransactionConflict" || c === "ThrottlingError");
}

/**
 * Writes `items` in one DynamoDB transaction. Resolves `null` when it was written, or the cancellation code of
 * each item (by position) when DynamoDB cancelled it; store trouble throws `StoreUnavailableError` (`guard`).
 * For callers that retry or sort out failures themselves (callbacks, batch registration).
 */
export async function tryCommit(store: Store, items: WriteItem[]): Promise<string[] | null> {
  try {
    await guard(() => store.doc.send(new TransactWriteCommand({ TransactItems: items })));
    return null;
  } catch (err) {
    // Another transaction on the same items was still running when this one started (an idempotent retry of
    // the SDK can meet its own first attempt): a race, like a conflict.
    if ((err as Error).name === "TransactionInProgressException") return ["TransactionConflict"];
    const codes = cancellationCodes(err);
    if (codes.length === 0) throw err;
    return codes;
  }
}

/**
 * Writes `items` in one DynamoDB transaction. When it is cancelled because conditions failed, `explain` is given
 * the position of each failed item; what it returns for them becomes one `409` naming the fields (or is thrown, if
 * it is an error). A conflict with another transaction is a `409` to retry; store trouble is a `503`.
 * @example await commit(store, [StallItem.create(store, stall), StallItem.claimCode(store, stall)], (i) => i === 1 ? CODE_TAKEN : null);
 */
export async function commit(
  store: Store,
  items: WriteItem[],
  explain: (index: number) => ErrorIssue | DomainError | null = () => null,
): Promise<void> {
  const codes = await tryCommit(store, items);
  if (!codes) return;
  const issues: ErrorIssue[] = [];
  for (const [i, code] of codes.entries()) {
    if (code !== "ConditionalCheckFailed") continue;
    const why = explain(i);
    if (why instanceof DomainError) throw why;
    if (why) issues.push(why);
  }
  if (issues.length > 0) throw conflict(issues.map((i) => i.message).join("; "), issues);
  if (isTransientCancellation(codes))
    throw conflict("Another change to the same data was in progress; retry");
  throw new StoreUnavailableError("The store cancelled the change; retry");
}
