import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { LocalDate } from "../calendar/localDate";
import { localDateOf } from "../calendar/localDate";
import { StoreUnavailableError } from "../errors";
import { guard, queryAll, type Store } from "../store/client";
import type { Beat } from "./heartbeats";

/**
 * A market device's heartbeat, one item per instant, partitioned by local day and kept ~13 months (TTL).
 *  - byMarketDay ... pk MARKET#<marketId>#BEATS#<date>  sk <at>
 */
const RETENTION_S = 400 * 86_400;
const byMarketDayPk = (marketId: string, date: LocalDate) => `MARKET#${marketId}#BEATS#${date}`;

function toItem(marketId: string, beat: Beat) {
  return {
    pk: byMarketDayPk(marketId, localDateOf(beat.at)),
    sk: beat.at,
    type: "heartbeat",
    v: 1,
    at: beat.at,
    ok: beat.ok,
    expiresAt: Math.floor(Date.parse(beat.at) / 1000) + RETENTION_S,
  };
}

export const HeartbeatItem = {
  /**
   * Writes beats 25 at a time, retrying what the store leaves unprocessed. A beat at the same instant again
   * overwrites itself, so a resent batch changes nothing.
   */
  async putMany(store: Store, marketId: string, beats: Beat[]): Promise<void> {
    const items = beats.map((beat) => ({ PutRequest: { Item: toItem(marketId, beat) } }));
    for (let i = 0; i < items.length; i += 25) {
      let pending: Record<string, unknown>[] | undefined = items.slice(i, i + 25);
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        const res = await guard(() =>
          store.doc.send(new BatchWriteCommand({ RequestItems: { [store.table]: pending as never } })),
        );
        pending = res.UnprocessedItems?.[store.table] as Record<string, unknown>[] | undefined;
        if (pending?.length && attempt > 8)
          throw new StoreUnavailableError("The store is busy; retry the batch");
        if (pending?.length) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      }
    }
  },
  /** byMarketDay: a market's beats on one local date, oldest first. */
  async byMarketDay(store: Store, marketId: string, date: LocalDate): Promise<Beat[]> {
    const items = await queryAll(store, {
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": byMarketDayPk(marketId, date) },
      ProjectionExpression: "#at, ok",
      ExpressionAttributeNames: { "#at": "at" },
    });
    return items.map((i) => ({ at: String(i.at), ok: Boolean(i.ok) }));
  },
};
