import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { guard, type Store } from "../store/client";
import { tryCommit, type WriteItem } from "../store/transact";
import { AccountItem, accountKey } from "./accountItem";
import { StallItem } from "./stallItem";

/**
 * Who holds an account number, at any bank: the index that makes matching without a BIN safe (docs/contract.md
 * §10). Every change to a holder (a stall registered, its account changed, suspended or resumed) rewrites it in the
 * same transaction, conditioned on its revision, and a payment matched through it is written conditioned on that
 * same revision — so a cached match can never outlive a bank change.
 *  - by number ... pk ACCTNO#<ACCOUNT>  sk HOLDERS
 */
export interface NumberHolder {
  stallId: string;
  marketId: string;
  bin: string;
  active: boolean;
}

export interface NumberHolders {
  holders: NumberHolder[];
  /** 0 when no item exists yet. */
  rev: number;
}

const key = (accountNumber: string) => ({ pk: `ACCTNO#${accountKey(accountNumber)}`, sk: "HOLDERS" });

const revCondition = (rev: number) =>
  rev === 0
    ? { ConditionExpression: "attribute_not_exists(pk)" }
    : { ConditionExpression: "rev = :rev", ExpressionAttributeValues: { ":rev": rev } };

async function read(store: Store, accountNumber: string): Promise<NumberHolders | undefined> {
  const res = await guard(() =>
    store.doc.send(new GetCommand({ TableName: store.table, Key: key(accountNumber), ConsistentRead: true })),
  );
  return res.Item
    ? { holders: (res.Item.holders as NumberHolder[]) ?? [], rev: Number(res.Item.rev) }
    : undefined;
}

/**
 * Stalls registered before this index existed hold their numbers through account guards only: build the index
 * from those guards (and each stall's status) the first time the number is read, so no reader ever takes a number
 * with holders for a free one. Written only if still absent; a racing writer's version wins and is read back.
 */
async function backfill(store: Store, accountNumber: string): Promise<NumberHolders> {
  const none: NumberHolders = { holders: [], rev: 0 };
  const guards = await AccountItem.byAccountNumber(store, accountNumber);
  if (guards.length === 0) return none;
  const holders: NumberHolder[] = [];
  for (const g of guards) {
    const stall = await StallItem.get(store, g.stallId);
    if (stall)
      holders.push({
        stallId: g.stallId,
        marketId: g.marketId,
        bin: g.bin,
        active: stall.status === "active",
      });
  }
  await tryCommit(store, [AccountNumberItem.write(store, accountNumber, none, holders)]);
  return (await read(store, accountNumber)) ?? none;
}

export const AccountNumberItem = {
  async get(store: Store, accountNumber: string): Promise<NumberHolders> {
    return (await read(store, accountNumber)) ?? backfill(store, accountNumber);
  },
  /**
   * The holders as changed; fails unless the item is still at revision `seen.rev`. Never deleted, even when no
   * stall holds the number any more: the revision must only ever grow, or a match cached at an old revision
   * could pass again after the number changed hands twice.
   */
  write(store: Store, accountNumber: string, seen: NumberHolders, holders: NumberHolder[]): WriteItem {
    return {
      Put: {
        TableName: store.table,
        Item: { ...key(accountNumber), type: "accountNumber", v: 1, holders, rev: seen.rev + 1 },
        ...revCondition(seen.rev),
      },
    };
  },
  /** Fails the transaction if the holders changed since they were read at `rev`. */
  unchanged(store: Store, accountNumber: string, rev: number): WriteItem {
    return { ConditionCheck: { TableName: store.table, Key: key(accountNumber), ...revCondition(rev) } };
  },
};

/** The stall a payment naming no bank belongs to: the one active holder of the number, if there is exactly one. */
export function soleActiveHolder(holders: NumberHolder[]): NumberHolder | undefined {
  const active = holders.filter((h) => h.active);
  return active.length === 1 ? active[0] : undefined;
}
