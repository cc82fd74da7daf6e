import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { guard, queryAll, type Store } from "../store/client";
import { putNew, type WriteItem } from "../store/transact";
import type { Person } from "./person";

/**
 * A person who signs in as themself (docs/contract.md §19) — an admin, a market's manager, a liaison — as opposed
 * to a machine's API key (docs/data-model.md).
 *  - by id ........... pk PERSON#<personId>  sk PERSON
 *  - all (byKind) .... gsi1 PEOPLE / <personId>
 *  - byMarket ........ gsi2 MARKET#<marketId>#PEOPLE / <personId>   (a market's managers)
 */
const key = (personId: string) => ({ pk: `PERSON#${personId}`, sk: "PERSON" });
const ALL = "PEOPLE";
const byMarketPk = (marketId: string) => `MARKET#${marketId}#PEOPLE`;

/** The person's own fields, in this order; everything else on the item (keys, `type`, `v`) is storage's. */
const FIELDS = [
  "id",
  "name",
  "phone",
  "role",
  "marketId",
  "province",
  "status",
  "createdAt",
  "createdBy",
  "suspendedAt",
  "suspendedBy",
] as const satisfies readonly (keyof Person)[];

function fromItem(item: Record<string, unknown>): Person {
  return Object.fromEntries(
    FIELDS.filter((f) => item[f] !== undefined).map((f) => [f, item[f]]),
  ) as unknown as Person;
}

export const PersonItem = {
  create: (store: Store, person: Person): WriteItem =>
    putNew(store, {
      ...key(person.id),
      gsi1pk: ALL,
      gsi1sk: person.id,
      ...(person.marketId ? { gsi2pk: byMarketPk(person.marketId), gsi2sk: person.id } : {}),
      type: "person",
      v: 1,
      ...person,
    }),
  /** Suspends a person; fails unless they are active as read. */
  suspend: (store: Store, personId: string, at: string, by: string): WriteItem => ({
    Update: {
      TableName: store.table,
      Key: key(personId),
      UpdateExpression: "SET #status = :suspended, suspendedAt = :at, suspendedBy = :by",
      ConditionExpression: "attribute_exists(pk) AND #status = :active",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":suspended": "suspended", ":active": "active", ":at": at, ":by": by },
    },
  }),
  /** Holds a transaction to the person still being active (an invitation they made, a session they start). */
  stillActive: (store: Store, personId: string): WriteItem => ({
    ConditionCheck: {
      TableName: store.table,
      Key: key(personId),
      ConditionExpression: "attribute_exists(pk) AND #status = :active",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":active": "active" },
    },
  }),
  async get(store: Store, personId: string): Promise<Person | undefined> {
    const res = await guard(() =>
      store.doc.send(new GetCommand({ TableName: store.table, Key: key(personId), ConsistentRead: true })),
    );
    return res.Item ? fromItem(res.Item) : undefined;
  },
  /** all: every person, in id order (a province has a few hundred officials at most). */
  async all(store: Store): Promise<Person[]> {
    const items = await queryAll(store, {
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": ALL },
    });
    return items.map(fromItem);
  },
  /** byMarket: a market's managers, in id order. */
  async ofMarket(store: Store, marketId: string): Promise<Person[]> {
    const items = await queryAll(store, {
      IndexName: "gsi2",
      KeyConditionExpression: "gsi2pk = :pk",
      ExpressionAttributeValues: { ":pk": byMarketPk(marketId) },
    });
    return items.map(fromItem);
  },
};
