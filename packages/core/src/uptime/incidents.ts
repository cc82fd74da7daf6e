import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import { type Clock, newId } from "../clock";
import { conflict, notFound, validationError } from "../errors";
import { InstantSchema } from "../schemas";
import { guard, queryAll, type Store } from "../store/client";
import { Keys } from "../store/keys";

export const CAUSES = ["network", "provider", "power", "other"] as const;

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

export interface Incident {
  id: string;
  marketId: string;
  startedAt: string;
  endedAt: string | null;
  cause: (typeof CAUSES)[number];
  note?: string;
  reportedBy: string;
  createdAt: string;
  updatedAt: string;
}

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

function item(i: Incident) {
  return {
    ...Keys.incident(i.id),
    ...Keys.incidentsOfMarket(i.marketId, i.startedAt, i.id),
    type: "incident",
    v: 1,
    ...i,
  };
}

function clean(raw: Record<string, unknown>): Incident {
  const i = raw as unknown as Incident;
  return {
    id: i.id,
    marketId: i.marketId,
    startedAt: i.startedAt,
    endedAt: i.endedAt ?? null,
    cause: i.cause,
    ...(i.note ? { note: i.note } : {}),
    reportedBy: i.reportedBy,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
  };
}

export async function report(
  store: Store,
  clock: Clock,
  marketId: string,
  input: z.input<typeof IncidentInputSchema>,
  reportedBy: string,
): Promise<Incident> {
  const p = IncidentInputSchema.parse(input);
  const startedAt = new Date(p.startedAt).toISOString();
  const endedAt = p.endedAt ? new Date(p.endedAt).toISOString() : null;
  checkTimes(clock, startedAt, endedAt);
  const now = clock.now().toISOString();
  const incident: Incident = {
    id: newId(clock),
    marketId,
    startedAt,
    endedAt,
    cause: p.cause,
    ...(p.note ? { note: p.note } : {}),
    reportedBy,
    createdAt: now,
    updatedAt: now,
  };
  await guard(() =>
    store.doc.send(
      new PutCommand({
        TableName: store.table,
        Item: item(incident),
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    ),
  );
  return incident;
}

export async function get(store: Store, incidentId: string): Promise<Incident> {
  const res = await guard(() =>
    store.doc.send(
      new GetCommand({ TableName: store.table, Key: Keys.incident(incidentId), ConsistentRead: true }),
    ),
  );
  if (!res.Item) throw notFound(`Incident '${incidentId}'`);
  return clean(res.Item);
}

/** Closes an open incident (sets `endedAt`) or corrects its cause or note; optimistic on `updatedAt`. */
export async function update(
  store: Store,
  clock: Clock,
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
  try {
    await guard(() =>
      store.doc.send(
        new PutCommand({
          TableName: store.table,
          Item: item(next),
          ConditionExpression: "updatedAt = :seen",
          ExpressionAttributeValues: { ":seen": current.updatedAt },
        }),
      ),
    );
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException)
      throw conflict("The incident changed meanwhile; retry");
    throw err;
  }
  return next;
}

/** A market's incidents that overlap `[fromIso, toIso)`, oldest first (open ones included). */
export async function overlapping(
  store: Store,
  marketId: string,
  fromIso: string,
  toIso: string,
): Promise<Incident[]> {
  const items = await queryAll(store, {
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :pk AND gsi1sk < :to",
    ExpressionAttributeValues: { ":pk": Keys.incidentsOfMarketPk(marketId), ":to": toIso },
  });
  const out = items.map(clean).filter((i) => i.endedAt === null || i.endedAt > fromIso);
  return out;
}
