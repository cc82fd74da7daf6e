import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { guard, queryPage, type Store } from "../store/client";
import type { Page, PageRequest } from "../store/page";
import { putIfUnchanged, putNew, type WriteItem } from "../store/transact";
import type { Market } from "./market";

/**
 * The stored market: its key patterns, item shape and access patterns (docs/data-model.md).
 *  - by id ........ pk MARKET#<id>  sk MARKET
 *  - all (byKind) . gsi1 MARKETS / <id>
 * The `MARKET#<id>` partition also holds the market's day rollups and evaluations, so `marketPartition` is shared.
 */
export const marketPartition = (marketId: string) => `MARKET#${marketId}`;

const TYPE = "market";
const key = (id: string) => ({ pk: marketPartition(id), sk: "MARKET" });

function toItem(market: Market) {
  return { ...key(market.id), gsi1pk: "MARKETS", gsi1sk: market.id, type: TYPE, v: 1, ...market };
}

/** A stored item as the API shows it: the entity's fields in a stable order, no key attributes. */
function fromItem(item: Record<string, unknown>): Market {
  const m = item as unknown as Market;
  return {
    id: m.id,
    name: m.name,
    province: m.province,
    commune: m.commune,
    ...(m.legacyDistrict ? { legacyDistrict: m.legacyDistrict } : {}),
    launchedOn: m.launchedOn,
    schedule: Object.assign({ kind: m.schedule.kind }, m.schedule),
    hours: { open: m.hours.open, close: m.hours.close },
    closures: m.closures ?? [],
    ...(m.public ? { public: true } : {}),
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
  };
}

export const MarketItem = {
  key,
  fromItem,
  /** A new market; fails if the id is taken. */
  create: (store: Store, market: Market): WriteItem => putNew(store, toItem(market)),
  /** The market as changed; fails unless it is still as it was read (`updatedAt` unchanged). */
  replace: (store: Store, market: Market, seenUpdatedAt: string): WriteItem =>
    putIfUnchanged(store, toItem(market), seenUpdatedAt),
  async get(store: Store, id: string): Promise<Market | undefined> {
    const res = await guard(() => store.doc.send(new GetCommand({ TableName: store.table, Key: key(id) })));
    return res.Item ? fromItem(res.Item) : undefined;
  },
  /** Only the market's `hours` (what the callback path needs to find a payment's market day), if it exists. */
  async hours(store: Store, id: string): Promise<Market["hours"] | undefined> {
    const res = await guard(() =>
      store.doc.send(
        new GetCommand({
          TableName: store.table,
          Key: key(id),
          ProjectionExpression: "#hours",
          ExpressionAttributeNames: { "#hours": "hours" },
        }),
      ),
    );
    const hours = res.Item?.hours as Market["hours"] | undefined;
    return typeof hours?.open === "string" && typeof hours.close === "string"
      ? { open: hours.open, close: hours.close }
      : undefined;
  },
  /** byKind: every market, in id order. */
  all: (store: Store, page: PageRequest): Promise<Page<Market>> =>
    queryPage(store, { gsi1pk: "MARKETS" }, page, fromItem),
};
