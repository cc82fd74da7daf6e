import type { LocalDate } from "../calendar/localDate";
import { localDateOf } from "../calendar/localDate";
import { queryAll, type Store } from "../store/client";
import { putNew, type WriteItem } from "../store/transact";
import type { Beat } from "./heartbeats";

/**
 * A market device's heartbeats, kept ~13 months (TTL), partitioned by local day (docs/data-model.md).
 *  - byMarketDay ... pk MARKET#<marketId>#BEATS#<date>  sk BATCH#<receivedAt>#<id>
 * One item holds the beats of one accepted batch that fall on that day; it is written once, with the batch's audit
 * entry, and never changed (docs/contract.md §8). Items written before batches existed hold one beat each
 * (sk `<at>`, fields `at`, `ok`) and are read the same way.
 */
const RETENTION_S = 400 * 86_400;
const byMarketDayPk = (marketId: string, date: LocalDate) => `MARKET#${marketId}#BEATS#${date}`;

/** A batch's beats on one local day: a new item, refused if it exists (it never does: batch ids are fresh). */
function batchDay(
  store: Store,
  marketId: string,
  batch: { id: string; receivedAt: string; keyId: string },
  date: LocalDate,
  beats: Beat[],
): WriteItem {
  const last = Math.max(...beats.map((b) => Date.parse(b.at)));
  return putNew(store, {
    pk: byMarketDayPk(marketId, date),
    sk: `BATCH#${batch.receivedAt}#${batch.id}`,
    type: "heartbeatBatch",
    v: 1,
    batchId: batch.id,
    keyId: batch.keyId,
    receivedAt: batch.receivedAt,
    beats: beats.map((b) => ({ at: b.at, ok: b.ok })),
    expiresAt: Math.floor(last / 1000) + RETENTION_S,
  });
}

/**
 * One beat per instant. Two stored beats for one instant can only come from two batches racing past the check in
 * `record`; then a failure wins, so a later beat can never turn a recorded failure into a success.
 */
export function oneBeatPerInstant(beats: Beat[]): Beat[] {
  const byInstant = new Map<string, boolean>();
  for (const b of beats) byInstant.set(b.at, (byInstant.get(b.at) ?? true) && b.ok);
  return [...byInstant.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([at, ok]) => ({ at, ok }));
}

export const HeartbeatItem = {
  /** The writes of one accepted batch: an item per local day its beats fall on. */
  writes(
    store: Store,
    marketId: string,
    batch: { id: string; receivedAt: string; keyId: string },
    beats: Beat[],
  ): WriteItem[] {
    const byDate = new Map<LocalDate, Beat[]>();
    for (const b of beats) {
      const date = localDateOf(b.at);
      byDate.set(date, [...(byDate.get(date) ?? []), b]);
    }
    return [...byDate.entries()].map(([date, day]) => batchDay(store, marketId, batch, date, day));
  },
  /** byMarketDay: a market's beats on one local date, one per instant, oldest first. */
  async byMarketDay(store: Store, marketId: string, date: LocalDate): Promise<Beat[]> {
    const items = await queryAll(store, {
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": byMarketDayPk(marketId, date) },
      ProjectionExpression: "#at, ok, beats",
      ExpressionAttributeNames: { "#at": "at" },
      ConsistentRead: true,
    });
    const beats = items.flatMap((i) =>
      Array.isArray(i.beats)
        ? (i.beats as { at: string; ok: boolean }[]).map((b) => ({ at: String(b.at), ok: Boolean(b.ok) }))
        : [{ at: String(i.at), ok: Boolean(i.ok) }],
    );
    return oneBeatPerInstant(beats);
  },
};
