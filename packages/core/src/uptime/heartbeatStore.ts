import { z } from "zod";
import { eachDate, type LocalDate } from "../calendar/localDate";
import type { Clock } from "../clock";
import { validationError } from "../errors";
import { InstantSchema } from "../schemas";
import type { Store } from "../store/client";
import { HeartbeatItem } from "./heartbeatItem";
import type { Beat } from "./heartbeats";

export const MAX_BEATS = 500;
export const MAX_AGE_MS = 7 * 86_400_000;

export const HeartbeatBatchSchema = z
  .strictObject({
    beats: z
      .array(z.strictObject({ at: InstantSchema, ok: z.boolean() }))
      .min(1)
      .max(MAX_BEATS),
  })
  .meta({ id: "HeartbeatBatch" });

/**
 * Stores a batch of a market's device beats. Late beats (up to 7 days) are welcome; older or future ones are
 * refused with the index of each, and then nothing of the batch is written. A beat at the same instant again
 * overwrites itself, so a resent batch changes nothing.
 */
export async function record(
  store: Store,
  clock: Clock,
  marketId: string,
  input: z.input<typeof HeartbeatBatchSchema>,
): Promise<{ accepted: number }> {
  const { beats } = HeartbeatBatchSchema.parse(input);
  const now = clock.now().getTime();
  const issues = beats.flatMap((b, i) => {
    const t = Date.parse(b.at);
    if (t < now - MAX_AGE_MS) return [{ path: `beats.${i}.at`, message: "Older than 7 days" }];
    if (t > now + 5 * 60_000) return [{ path: `beats.${i}.at`, message: "In the future" }];
    return [];
  });
  if (issues.length > 0) throw validationError("Some beats are out of range; nothing was stored", issues);
  const unique = new Map(beats.map((b) => [new Date(b.at).toISOString(), b.ok]));
  const items = [...unique.entries()].map(([at, ok]) => ({ at, ok }));
  await HeartbeatItem.putMany(store, marketId, items);
  return { accepted: items.length };
}

/** Day partitions read at once: a month's beats in ~4 round trips instead of ~33, without a burst per market. */
const DAYS_IN_FLIGHT = 8;

/** A market's beats on the local dates `from`..`to`, oldest first. */
export async function between(
  store: Store,
  marketId: string,
  from: LocalDate,
  to: LocalDate,
): Promise<Beat[]> {
  const dates = eachDate(from, to);
  const byDate: Beat[][] = new Array(dates.length);
  let next = 0;
  const worker = async () => {
    while (next < dates.length) {
      const k = next++;
      byDate[k] = await HeartbeatItem.byMarketDay(store, marketId, dates[k]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(DAYS_IN_FLIGHT, dates.length) }, worker));
  return byDate.flat();
}
