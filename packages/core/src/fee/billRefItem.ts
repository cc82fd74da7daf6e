import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { guard, type Store } from "../store/client";
import type { WriteItem } from "../store/transact";
import { compactReference } from "./billing";

/**
 * A bill's reference guard (docs/data-model.md): makes a reference unique in its market and is what a payment to
 * the board's account is matched on (the reference in its purpose, letters and digits only).
 *  - by reference ... pk BILLREF#<marketId>#<REFERENCE>  sk BILLREF
 */
export interface BillPointer {
  marketId: string;
  periodKey: string;
  stallId: string;
}

const key = (marketId: string, reference: string) => ({
  pk: `BILLREF#${marketId}#${compactReference(reference)}`,
  sk: "BILLREF",
});

export const BillRefItem = {
  /** Takes a reference for a bill; fails if another bill of the market holds it. */
  claim: (store: Store, reference: string, bill: BillPointer): WriteItem => ({
    Put: {
      TableName: store.table,
      Item: { ...key(bill.marketId, reference), type: "billRef", v: 1, reference, ...bill },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  }),
  async get(store: Store, marketId: string, reference: string): Promise<BillPointer | undefined> {
    const res = await guard(() =>
      store.doc.send(
        new GetCommand({ TableName: store.table, Key: key(marketId, reference), ConsistentRead: true }),
      ),
    );
    return res.Item
      ? {
          marketId: String(res.Item.marketId),
          periodKey: String(res.Item.periodKey),
          stallId: String(res.Item.stallId),
        }
      : undefined;
  },
};
