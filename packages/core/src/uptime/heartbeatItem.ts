import type { LocalDate } from "../calendar/localDate";
import { localDateOf } from "../calendar/localDate";
import { queryAll, type Store } from "../store/client";
import type { Beat } from "./heartbeats";

/**
 * A market device's heartbeat, one item per instant, partitioned by local day and kept ~13 months (TTL).
 *  - byMarketDay ... pk MARKET#<marketId>#BEATS#<date>  sk <at>
 */
const RETENTION_S = 400 * 86_400;
const byMarketDayPk = (marketId: string, date: LocalDate) => `MARKET#${marketId}#BEATS#${date}`;

export const HeartbeatItem = {
  /** The item for a beat (for a batch write; the same instant again overwrites itself). */
  toItem: (marketId: string, beat: Beat) => ({
    pk: byMarketDayPk(marketId, localDateOf(beat.at)),
    sk: beat.at,
    type: "heartbeat",
    v: 1,
    at: beat.at,
    ok: beat.ok,
    expiresAt: Math.floor(Date.parse(beat.at) / 1000) + RETENTION_S,
  }),
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
