import { queryAll, type Store } from "../store/client";
import { putNew, type WriteItem } from "../store/transact";
import type { StandingChange } from "./history";

/**
 * A stall's standing changed — its status, or its payment code revoked by new bank details — written once, in the
 * same transaction as the change and its audit entry, never changed (docs/data-model.md). What a period's
 * evaluation reads to count the stalls that lived in it (docs/evaluations.md).
 *  - byMarket ... pk MARKET#<marketId>#STALLSTATUS  sk <at>#<stallId>#<id>
 */
const byMarketPk = (marketId: string) => `MARKET#${marketId}#STALLSTATUS`;

export const StallStatusItem = {
  /** A new change; `id` is fresh, so two changes of one stall at one instant are both kept. */
  write: (store: Store, marketId: string, id: string, change: StandingChange): WriteItem =>
    putNew(store, {
      pk: byMarketPk(marketId),
      sk: `${change.at}#${change.stallId}#${id}`,
      type: "stallStatus",
      v: 1,
      ...change,
    }),
  /** byMarket: a market's changes at or after an instant, oldest first. */
  async since(store: Store, marketId: string, fromIso: string): Promise<StandingChange[]> {
    const items = await queryAll(store, {
      KeyConditionExpression: "pk = :pk AND sk >= :from",
      ExpressionAttributeValues: { ":pk": byMarketPk(marketId), ":from": fromIso },
      ConsistentRead: true,
    });
    return items.map((i) => {
      const c = i as unknown as StandingChange;
      return { stallId: c.stallId, code: c.code, at: c.at, before: c.before, after: c.after };
    });
  },
};
