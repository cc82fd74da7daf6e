import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { guard, type Store } from "../store/client";
import type { WriteItem } from "../store/transact";
import { canonicalRate, type FeeRate } from "./schedule";

/**
 * A market's fee schedule (docs/data-model.md): every rate it ever had, each with the date it applies from, in one
 * item changed under its revision — so two managers' edits cannot interleave and a bill can always be traced to
 * the rate that made it.
 *  - by market ... pk MARKET#<marketId>#FEES  sk SCHEDULE
 */
export const feesPartition = (marketId: string) => `MARKET#${marketId}#FEES`;

export interface StoredSchedule {
  rates: FeeRate[];
  /** 0 when the market has no schedule yet. */
  rev: number;
  updatedAt: string | null;
}

const key = (marketId: string) => ({ pk: feesPartition(marketId), sk: "SCHEDULE" });

export const FeeScheduleItem = {
  /** The new rates; fails unless the schedule is still at revision `seenRev`. */
  write(store: Store, marketId: string, rates: FeeRate[], seenRev: number, at: string): WriteItem {
    return {
      Put: {
        TableName: store.table,
        Item: {
          ...key(marketId),
          type: "feeSchedule",
          v: 1,
          marketId,
          rates,
          rev: seenRev + 1,
          updatedAt: at,
        },
        ...(seenRev === 0
          ? { ConditionExpression: "attribute_not_exists(pk)" }
          : { ConditionExpression: "rev = :rev", ExpressionAttributeValues: { ":rev": seenRev } }),
      },
    };
  },
  async get(store: Store, marketId: string): Promise<StoredSchedule> {
    const res = await guard(() =>
      store.doc.send(new GetCommand({ TableName: store.table, Key: key(marketId), ConsistentRead: true })),
    );
    if (!res.Item) return { rates: [], rev: 0, updatedAt: null };
    return {
      rates: ((res.Item.rates as FeeRate[]) ?? []).map(canonicalRate),
      rev: Number(res.Item.rev),
      updatedAt: String(res.Item.updatedAt),
    };
  },
};
