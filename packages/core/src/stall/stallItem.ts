import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { guard, queryPage, type Store } from "../store/client";
import type { Page, PageRequest } from "../store/page";
import { putIfUnchanged, putNew, type WriteItem } from "../store/transact";
import type { Stall } from "./stall";

/**
 * The stored stall and its code's uniqueness guard (docs/data-model.md).
 *  - by id .................. pk STALL#<stallId>             sk STALL
 *  - byMarket ............... gsi1 MARKET#<marketId>#STALLS / <code>
 *  - code guard ............. pk STALLCODE#<marketId>#<CODE> sk UNIQUE
 * The `STALL#<stallId>` partition also holds the stall's day rollups, so `stallPartition` is shared.
 */
export const stallPartition = (stallId: string) => `STALL#${stallId}`;

const key = (stallId: string) => ({ pk: stallPartition(stallId), sk: "STALL" });
const byMarketPk = (marketId: string) => `MARKET#${marketId}#STALLS`;
/** Codes compare case-insensitively: `a-12` and `A-12` are the same stall. */
const codeKey = (marketId: string, code: string) => ({
  pk: `STALLCODE#${marketId}#${code.toUpperCase()}`,
  sk: "UNIQUE",
});

function toItem(stall: Stall) {
  return {
    ...key(stall.id),
    gsi1pk: byMarketPk(stall.marketId),
    gsi1sk: stall.code,
    type: "stall",
    v: 1,
    ...stall,
  };
}

/** A stored item as the API shows it: the entity's fields in a stable order, no key attributes. */
function fromItem(item: Record<string, unknown>): Stall {
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

export const StallItem = {
  fromItem,
  /** A new stall; fails if the id exists. */
  create: (store: Store, stall: Stall): WriteItem => putNew(store, toItem(stall)),
  /** The stall as changed; fails unless it is still as it was read. */
  replace: (store: Store, stall: Stall, seenUpdatedAt: string): WriteItem =>
    putIfUnchanged(store, toItem(stall), seenUpdatedAt),
  /** Claims a code in a market; fails if another stall holds it. */
  claimCode: (store: Store, stall: Pick<Stall, "id" | "marketId" | "code">): WriteItem => ({
    Put: {
      TableName: store.table,
      Item: { ...codeKey(stall.marketId, stall.code), type: "stallCode", v: 1, stallId: stall.id },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  }),
  releaseCode: (store: Store, stall: Pick<Stall, "marketId" | "code">): WriteItem => ({
    Delete: { TableName: store.table, Key: codeKey(stall.marketId, stall.code) },
  }),
  async get(store: Store, stallId: string): Promise<Stall | undefined> {
    const res = await guard(() =>
      store.doc.send(new GetCommand({ TableName: store.table, Key: key(stallId), ConsistentRead: true })),
    );
    return res.Item ? fromItem(res.Item) : undefined;
  },
  /** The id of the stall holding a code in a market, if any. */
  async idByCode(store: Store, marketId: string, code: string): Promise<string | undefined> {
    const res = await guard(() =>
      store.doc.send(
        new GetCommand({ TableName: store.table, Key: codeKey(marketId, code), ConsistentRead: true }),
      ),
    );
    return res.Item?.stallId as string | undefined;
  },
  /** byMarket: a market's stalls in code order. */
  byMarket: (store: Store, marketId: string, page: PageRequest): Promise<Page<Stall>> =>
    queryPage(store, { gsi1pk: byMarketPk(marketId) }, page, fromItem),
  /**
   * Records the stall's code as handed over (what QR share counts) and bumps `updatedAt`, so an edit read before it
   * cannot put the stall back without it. Fails unless the stall is still as it was read (`seenUpdatedAt`), active,
   * and not yet handed over: a code handed over is the one on the stall's current, active details. Goes into the
   * same transaction as its audit entry.
   */
  handOver: (store: Store, stall: Pick<Stall, "id" | "updatedAt">, at: string): WriteItem => ({
    Update: {
      TableName: store.table,
      Key: key(stall.id),
      UpdateExpression: "SET qrIssuedAt = :at, updatedAt = :at",
      ConditionExpression:
        "attribute_exists(pk) AND updatedAt = :seen AND #status = :active AND (attribute_not_exists(qrIssuedAt) OR qrIssuedAt = :null)",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":at": at, ":seen": stall.updatedAt, ":active": "active", ":null": null },
    },
  }),
  /**
   * Holds a transaction to the stall being as it was read (`seenUpdatedAt`) and active: what an invitation's
   * acceptance was decided on (docs/contract.md §13) cannot change underneath it.
   */
  unchangedAndActive: (store: Store, stall: Pick<Stall, "id" | "updatedAt">): WriteItem => ({
    ConditionCheck: {
      TableName: store.table,
      Key: key(stall.id),
      ConditionExpression: "attribute_exists(pk) AND updatedAt = :seen AND #status = :active",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":seen": stall.updatedAt, ":active": "active" },
    },
  }),
  /**
   * Sets `qrIssuedAt` the first time only. Resolves false when it was already set (or the stall is gone).
   */
  async setQrIssuedOnce(store: Store, stallId: string, at: string): Promise<boolean> {
    try {
      await guard(() =>
        store.doc.send(
          new UpdateCommand({
            TableName: store.table,
            Key: key(stallId),
            UpdateExpression: "SET qrIssuedAt = :at",
            ConditionExpression:
              "attribute_exists(pk) AND (attribute_not_exists(qrIssuedAt) OR qrIssuedAt = :null)",
            ExpressionAttributeValues: { ":at": at, ":null": null },
          }),
        ),
      );
      return true;
    } catch (err) {
      if ((err as Error).name === "ConditionalCheckFailedException") return false;
      throw err;
    }
  },
};
