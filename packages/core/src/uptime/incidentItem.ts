import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { guard, queryAll, type Store } from "../store/client";
import { putIfUnchanged, putNew, type WriteItem } from "../store/transact";
import type { Incident } from "./incidents";

/**
 * The stored incident (docs/data-model.md).
 *  - by id ...... pk INCIDENT#<id>  sk INCIDENT
 *  - byMarket ... gsi1 MARKET#<marketId>#INCIDENTS / <startedAt>#<id>
 */
const key = (incidentId: string) => ({ pk: `INCIDENT#${incidentId}`, sk: "INCIDENT" });
const byMarketPk = (marketId: string) => `MARKET#${marketId}#INCIDENTS`;

function toItem(i: Incident) {
  return {
    ...key(i.id),
    gsi1pk: byMarketPk(i.marketId),
    gsi1sk: `${i.startedAt}#${i.id}`,
    type: "incident",
    v: 1,
    ...i,
  };
}

function fromItem(raw: Record<string, unknown>): Incident {
  const i = raw as unknown as Incident;
  return {
    id: i.id,
    marketId: i.marketId,
    startedAt: i.startedAt,
    endedAt: i.endedAt ?? null,
    cause: i.cause,
    ...(i.note ? { note: i.note } : {}),
    reportedBy: i.reportedBy,
    ...(i.reporterRole ? { reporterRole: i.reporterRole } : {}),
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
  };
}

export const IncidentItem = {
  create: (store: Store, incident: Incident): WriteItem => putNew(store, toItem(incident)),
  /** The incident as changed; fails unless it is still as it was read. */
  replace: (store: Store, incident: Incident, seenUpdatedAt: string): WriteItem =>
    putIfUnchanged(store, toItem(incident), seenUpdatedAt),
  async get(store: Store, incidentId: string): Promise<Incident | undefined> {
    const res = await guard(() =>
      store.doc.send(new GetCommand({ TableName: store.table, Key: key(incidentId), ConsistentRead: true })),
    );
    return res.Item ? fromItem(res.Item) : undefined;
  },
  /** byMarket: a market's incidents that started before `toIso`, oldest first. */
  async byMarketBefore(store: Store, marketId: string, toIso: string): Promise<Incident[]> {
    const items = await queryAll(store, {
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk AND gsi1sk < :to",
      ExpressionAttributeValues: { ":pk": byMarketPk(marketId), ":to": toIso },
    });
    return items.map(fromItem);
  },
};
