import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { accountKey } from "../stall/accountItem";
import { guard, type Store } from "../store/client";
import { putNew, type WriteItem } from "../store/transact";
import type { Provider } from "./types";

/**
 * The bank's own reference of a transfer, kept as a second exactly-once key beside `(provider, id)`
 * (docs/data-model.md): one bank transaction is one payment whichever provider id, webhook or pull delivers it.
 *  - bank-reference guard ... pk BANKREF#<bin>#<ACCOUNT>#<REFERENCE>#<amount>  sk BANKREF
 * The amount is part of the key: a bank that reuses a reference (Casso notes some do) for another transfer to the
 * same account will not reuse it for the same amount, so a different payment is never taken for a repeat.
 */
export interface BankRef {
  bin: string;
  accountNumber: string;
  reference: string;
  amount: number;
}

const key = (ref: BankRef) => ({
  pk: `BANKREF#${ref.bin}#${accountKey(ref.accountNumber)}#${ref.reference.trim().toUpperCase()}#${ref.amount}`,
  sk: "BANKREF",
});

export const BankRefItem = {
  /** The guard, naming the payment that holds it; fails if this bank transaction was stored before. */
  claim: (store: Store, ref: BankRef, holder: { provider: Provider; id: string }): WriteItem =>
    putNew(store, { ...key(ref), type: "bankRef", v: 1, provider: holder.provider, id: holder.id }),
  /** Which stored payment holds this bank transaction. */
  async holder(store: Store, ref: BankRef): Promise<{ provider: Provider; id: string } | undefined> {
    const res = await guard(() =>
      store.doc.send(new GetCommand({ TableName: store.table, Key: key(ref), ConsistentRead: true })),
    );
    return res.Item ? { provider: res.Item.provider as Provider, id: String(res.Item.id) } : undefined;
  },
};
