import { createHash } from "node:crypto";
import { z } from "zod";
import type { Actor } from "../audit/audit";
import * as Audit from "../audit/audit";
import { type Clock, newId } from "../clock";
import { conflict, notFound, validationError } from "../errors";
import { InstantSchema } from "../schemas";
import type { Store } from "../store/client";
import { commit, tryCommit } from "../store/transact";
import { CAUSES } from "./causes";
import { IncidentItem } from "./incidentItem";

/** What an incident's audit entries record. */
const AUDITED: (keyof Incident)[] = ["startedAt", "endedAt", "cause", "note"];

export { CAUSES };

export const IncidentInputSchema = z
  .strictObject({
    startedAt: InstantSchema,
    endedAt: InstantSchema.nullish(),
    cause: z.enum(CAUSES),
    note: z.string().trim().max(500).optional(),
  })
  .meta({ id: "IncidentInput" });

export const IncidentPatchSchema = z
  .strictObject({
    endedAt: InstantSchema.nullish(),
    cause: z.enum(CAUSES).optional(),
    note: z.string().trim().max(500).optional(),
  })
  .meta({ id: "IncidentPatch" });

/** An incident as the API answers it. */
export const IncidentSchema = z
  .object({
    id: z.string(),
    marketId: z.string(),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    cause: z.enum(CAUSES),
    note: z.string().optional(),
    /** The key that reported it. */
    reportedBy: z.string(),
    /** That key's role: who may change the incident depends on it (docs/contract.md §10). */
    reporterRole: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Incident" });
export type Incident = z.output<typeof IncidentSchema>;

/** A reported outage must start before it ends and not in the future (beyond 5 minutes of clock skew). */
function checkTimes(clock: Clock, startedAt: string, endedAt: string | null) {
  const skew = clock.now().getTime() + 5 * 60_000;
  if (Date.parse(startedAt) > skew)
    throw validationError("An incident cannot start in the future", [
      { path: "startedAt", message: "In the future" },
    ]);
  if (endedAt !== null) {
    if (Date.parse(endedAt) <= Date.parse(startedAt))
      throw validationError("`endedAt` must be after `startedAt`", [
        { path: "endedAt", message: "Not after startedAt" },
      ]);
    if (Date.parse(endedAt) > skew)
      throw validationError("An incident cannot end in the future", [
        { path: "endedAt", message: "In the future" },
      ]);
  }
}

/**
 * The incident id an `Idempotency-Key` stands for: the same key from the same market always names the same
 * incident, so a double click (or a retry after a lost answer) files it once.
 */
function idempotentId(marketId: string, key: string): string {
  return `k${createHash("sha256").update(`${marketId}\n${key}`).digest("hex").slice(0, 25)}`;
}

/**
 * Files an incident. With an `idempotencyKey` (the `Idempotency-Key` header), a repeat of the same key returns
 * the incident the first request filed (`replayed: true`) and files nothing.
 */
export async function report(
  store: Store,
  clock: Clock,
  marketId: string,
  input: z.input<typeof IncidentInputSchema>,
  actor: Actor,
  idempotencyKey?: string,
): Promise<Incident & { replayed?: true }> {
  const p = IncidentInputSchema.parse(input);
  const startedAt = new Date(p.startedAt).toISOString();
  const endedAt = p.endedAt ? new Date(p.endedAt).toISOString() : null;
  checkTimes(clock, startedAt, endedAt);
  const now = clock.now().toISOString();
  const id = idempotencyKey ? idempotentId(marketId, idempotencyKey) : newId(clock);
  if (idempotencyKey) {
    const earlier = await IncidentItem.get(store, id);
    if (earlier) return { ...earlier, replayed: true };
  }
  const incident: Incident = {
    id,
    marketId,
    startedAt,
    endedAt,
    cause: p.cause,
    ...(p.note ? { note: p.note } : {}),
    reportedBy: actor.keyId,
    reporterRole: actor.role,
    createdAt: now,
    updatedAt: now,
  };
  const failed = await tryCommit(store, [
    IncidentItem.create(store, incident),
    Audit.entry(store, clock, {
      actor,
      action: "incident.created",
      entity: { kind: "incident", id: incident.id },
      marketId,
      ...Audit.diff(undefined, incident, AUDITED),
    }),
  ]);
  if (failed) {
    // Two requests with the same key at once: the other one filed it.
    const earlier = idempotencyKey ? await IncidentItem.get(store, id) : undefined;
    if (earlier) return { ...earlier, replayed: true };
    throw conflict("Another change to the same data was in progress; retry");
  }
  return incident;
}

export async function get(store: Store, incidentId: string): Promise<Incident> {
  const incident = await IncidentItem.get(store, incidentId);
  if (!incident) throw notFound(`Incident '${incidentId}'`);
  return incident;
}

/** Closes an open incident (sets `endedAt`) or corrects its cause or note; optimistic on `updatedAt`. */
export async function update(
  store: Store,
  clock: Clock,
  actor: Actor,
  incidentId: string,
  patch: z.input<typeof IncidentPatchSchema>,
): Promise<Incident> {
  const p = IncidentPatchSchema.parse(patch);
  const current = await get(store, incidentId);
  const next: Incident = {
    ...current,
    ...(p.endedAt !== undefined ? { endedAt: p.endedAt ? new Date(p.endedAt).toISOString() : null } : {}),
    ...(p.cause ? { cause: p.cause } : {}),
    ...(p.note !== undefined ? { note: p.note } : {}),
    updatedAt: clock.now().toISOString(),
  };
  checkTimes(clock, next.startedAt, next.endedAt);
  const change = Audit.diff(current, next, AUDITED);
  if (!change) return current;
  await commit(
    store,
    [
      IncidentItem.replace(store, next, current.updatedAt),
      Audit.entry(store, clock, {
        actor,
        action: "incident.changed",
        entity: { kind: "incident", id: incidentId },
        marketId: current.marketId,
        ...change,
      }),
    ],
    (i) => (i === 0 ? { path: "", message: "The incident changed meanwhile; retry" } : null),
  );
  return next;
}

/** A market's incidents that overlap `[fromIso, toIso)`, oldest first (open ones included). */
export async function overlapping(
  store: Store,
  marketId: string,
  fromIso: string,
  toIso: string,
): Promise<Incident[]> {
  const started = await IncidentItem.byMarketBefore(store, marketId, toIso);
  return started.filter((i) => i.endedAt === null || i.endedAt > fromIso);
}
