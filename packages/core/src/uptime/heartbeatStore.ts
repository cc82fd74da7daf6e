import { z } from "zod";
import type { Actor } from "../audit/audit";
import * as Audit from "../audit/audit";
import { eachDate, type LocalDate, localDateOf } from "../calendar/localDate";
import { type Clock, newId } from "../clock";
import { conflict, validationError } from "../errors";
import { InstantSchema } from "../schemas";
import type { Store } from "../store/client";
import { commit } from "../store/transact";
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

/** What became of a batch: the beats stored now, and those already stored with the same outcome (a resend). */
export const HeartbeatReceiptSchema = z
  .object({ accepted: z.number(), duplicates: z.number() })
  .meta({ id: "HeartbeatReceipt" });

/**
 * Stores a batch of a market's device beats (docs/contract.md §8) — evidence, so a stored beat is never changed.
 * Late beats (up to 7 days) are welcome; older or future ones are refused with the index of each, and then nothing
 * of the batch is written. A beat already stored with the same outcome is a duplicate and skipped, so a resent
 * batch changes nothing; one for a stored instant with the other outcome is refused (`409`, nothing written) — a
 * device cannot correct itself, and nobody can turn its failure into a success. The new beats and the batch's
 * audit entry (device key, count, failures, span) are one transaction.
 */
export async function record(
  store: Store,
  clock: Clock,
  actor: Actor,
  marketId: string,
  input: z.input<typeof HeartbeatBatchSchema>,
): Promise<z.output<typeof HeartbeatReceiptSchema>> {
  const { beats } = HeartbeatBatchSchema.parse(input);
  const now = clock.now().getTime();
  const issues = beats.flatMap((b, i) => {
    const t = Date.parse(b.at);
    if (t < now - MAX_AGE_MS) return [{ path: `beats.${i}.at`, message: "Older than 7 days" }];
    if (t > now + 5 * 60_000) return [{ path: `beats.${i}.at`, message: "In the future" }];
    return [];
  });
  if (issues.length > 0) throw validationError("Some beats are out of range; nothing was stored", issues);
  const inBatch = new Map<string, { ok: boolean; index: number }>();
  beats.forEach((b, index) => {
    const at = new Date(b.at).toISOString();
    const seen = inBatch.get(at);
    if (seen && seen.ok !== b.ok)
      issues.push({
        path: `beats.${index}`,
        message: `Contradicts beats.${seen.index} for the same instant`,
      });
    else if (!seen) inBatch.set(at, { ok: b.ok, index });
  });
  if (issues.length > 0)
    throw validationError("Some beats contradict each other; nothing was stored", issues);

  const dates = [...new Set([...inBatch.keys()].map((at) => localDateOf(at)))];
  const stored = new Map(
    (await Promise.all(dates.map((d) => HeartbeatItem.byMarketDay(store, marketId, d))))
      .flat()
      .map((b) => [b.at, b.ok]),
  );
  const fresh: Beat[] = [];
  for (const [at, { ok, index }] of inBatch) {
    const was = stored.get(at);
    if (was === undefined) fresh.push({ at, ok });
    else if (was !== ok)
      issues.push({
        path: `beats.${index}`,
        message: `A beat for this instant is already stored as ${was ? "ok" : "failed"}; a stored beat is never changed`,
      });
  }
  if (issues.length > 0) throw conflict("Some beats contradict stored beats; nothing was stored", issues);
  const receipt = { accepted: fresh.length, duplicates: inBatch.size - fresh.length };
  if (fresh.length === 0) return receipt;

  fresh.sort((a, b) => a.at.localeCompare(b.at));
  const batch = { id: newId(clock), receivedAt: clock.now().toISOString(), keyId: actor.keyId };
  await commit(store, [
    ...HeartbeatItem.writes(store, marketId, batch, fresh),
    Audit.entry(store, clock, {
      actor,
      action: "heartbeats.received",
      entity: { kind: "heartbeats", id: batch.id },
      marketId,
      after: {
        deviceKey: actor.keyId,
        count: fresh.length,
        failures: fresh.filter((b) => !b.ok).length,
        from: fresh[0]!.at,
        to: fresh.at(-1)!.at,
        ...(receipt.duplicates > 0 ? { duplicates: receipt.duplicates } : {}),
      },
    }),
  ]);
  return receipt;
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
