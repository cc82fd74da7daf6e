import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { guard, type Store } from "../store/client";
import type { WriteItem } from "../store/transact";

/**
 * The account guard: which stall holds a bank account `(BIN, account number)`. It makes the pair unique on the
 * platform and is the index callbacks match on (docs/data-model.md).
 *  - exact pair ........ pk ACCT#<ACCOUNT>  sk BIN#<bin>
 *  - byAccountNumber ... pk ACCT#<ACCOUNT>  (every BIN holding that number)
 */
export interface AccountHolder {
  stallId: string;
  marketId: string;
  bin: string;
  /** Whether the holding stall is active; absent on guards written before it was kept here. */
  active?: boolean;
}

/** Account numbers compare case-insensitively: banks print them either way. */
export function accountKey(accountNumber: string): string {
  return accountNumber.toUpperCase();
}

const pk = (accountNumber: string) => `ACCT#${accountKey(accountNumber)}`;
const key = (bin: string, accountNumber: string) => ({ pk: pk(accountNumber), sk: `BIN#${bin}` });

function fromItem(item: Record<string, unknown>): AccountHolder {
  return {
    stallId: String(item.stallId),
    marketId: String(item.marketId),
    bin: String(item.sk).slice(4),
    ...(item.active === undefined ? {} : { active: Boolean(item.active) }),
  };
}

/** What a guard records of the stall holding the account. */
type GuardHolder = { stallId: string; marketId: string; active: boolean };

const toItem = (holder: GuardHolder, bin: string, accountNumber: string) => ({
  ...key(bin, accountNumber),
  type: "account",
  v: 1,
  ...holder,
});

export const AccountItem = {
  key,
  /** Takes an account for a stall; fails if any stall holds it. */
  claim: (store: Store, holder: GuardHolder, bin: string, accountNumber: string): WriteItem => ({
    Put: {
      TableName: store.table,
      Item: toItem(holder, bin, accountNumber),
      ConditionExpression: "attribute_not_exists(pk)",
    },
  }),
  /** Rewrites the guard for the same stall (its status changed); fails unless that stall holds it. */
  restate: (store: Store, holder: GuardHolder, bin: string, accountNumber: string): WriteItem => ({
    Put: {
      TableName: store.table,
      Item: toItem(holder, bin, accountNumber),
      ConditionExpression: "stallId = :stall",
      ExpressionAttributeValues: { ":stall": holder.stallId },
    },
  }),
  release: (store: Store, bin: string, accountNumber: string): WriteItem => ({
    Delete: { TableName: store.table, Key: key(bin, accountNumber) },
  }),
  /** Fails the transaction unless `stallId` still holds the account. */
  stillHeldBy: (store: Store, stallId: string, bin: string, accountNumber: string): WriteItem => ({
    ConditionCheck: {
      TableName: store.table,
      Key: key(bin, accountNumber),
      ConditionExpression: "stallId = :stall",
      ExpressionAttributeValues: { ":stall": stallId },
    },
  }),
  /** Fails the transaction if any stall holds the account. */
  stillFree: (store: Store, bin: string, accountNumber: string): WriteItem => ({
    ConditionCheck: {
      TableName: store.table,
      Key: key(bin, accountNumber),
      ConditionExpression: "attribute_not_exists(pk)",
    },
  }),
  async get(store: Store, bin: string, accountNumber: string): Promise<AccountHolder | undefined> {
    const res = await guard(() =>
      store.doc.send(
        new GetCommand({ TableName: store.table, Key: key(bin, accountNumber), ConsistentRead: true }),
      ),
    );
    return res.Item ? fromItem(res.Item) : undefined;
  },
  /** byAccountNumber: every holder of the number, at any bank (at most `limit`). */
  async byAccountNumber(store: Store, accountNumber: string, limit = 100): Promise<AccountHolder[]> {
    const res = await guard(() =>
      store.doc.send(
        new QueryCommand({
          TableName: store.table,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": pk(accountNumber) },
          ConsistentRead: true,
          Limit: limit,
        }),
      ),
    );
    return (res.Items ?? []).map(fromItem);
  },
};
