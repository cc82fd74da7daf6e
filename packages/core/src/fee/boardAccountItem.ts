import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { guard, type Store } from "../store/client";
import type { WriteItem } from "../store/transact";
import { feesPartition } from "./feeScheduleItem";

/**
 * A market board's collection account (docs/data-model.md): one per market, changed only with its guards.
 *  - by market ... pk MARKET#<marketId>#FEES  sk ACCOUNT
 */
export interface BoardAccount {
  marketId: string;
  bin: string;
  accountNumber: string;
  accountName: string;
  bankName: string;
  updatedAt: string;
}

const key = (marketId: string) => ({ pk: feesPartition(marketId), sk: "ACCOUNT" });

export const BoardAccountItem = {
  /** Writes the account over the one read (`seenUpdatedAt`), or as the first (`null`). */
  put(store: Store, account: BoardAccount, seenUpdatedAt: string | null): WriteItem {
    return {
      Put: {
        TableName: store.table,
        Item: { ...key(account.marketId), type: "boardAccount", v: 1, ...account },
        ...(seenUpdatedAt === null
          ? { ConditionExpression: "attribute_not_exists(pk)" }
          : {
              ConditionExpression: "updatedAt = :seen",
              ExpressionAttributeValues: { ":seen": seenUpdatedAt },
            }),
      },
    };
  },
  async get(store: Store, marketId: string): Promise<BoardAccount | undefined> {
    const res = await guard(() =>
      store.doc.send(new GetCommand({ TableName: store.table, Key: key(marketId), ConsistentRead: true })),
    );
    if (!res.Item) return undefined;
    const { pk: _pk, sk: _sk, type: _t, v: _v, ...account } = res.Item;
    return account as BoardAccount;
  },
};
