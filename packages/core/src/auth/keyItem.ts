import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { validationError } from "../errors";
import { guard, queryAll, queryPage, type Store } from "../store/client";
import { decodeCursor, encodeCursor, type Page, type PageRequest } from "../store/page";
import type { WriteItem } from "../store/transact";
import type { ApiKey } from "./keys";

/**
 * A stored API key, found by its token's hash; the token itself is never stored (docs/data-model.md).
 *  - by token hash ... pk KEY#<sha256>  sk KEY
 *  - all (byKind) .... gsi1 KEYS / <keyId>
 *  - byStall .......... gsi2 STALL#<stallId>#KEYS / <keyId>   (vendor keys)
 */
const key = (tokenHash: string) => ({ pk: `KEY#${tokenHash}`, sk: "KEY" });
const ALL = "KEYS";
const byStallPk = (stallId: string) => `STALL#${stallId}#KEYS`;

function fromItem(item: Record<string, unknown>): ApiKey {
  const { keyId, role, marketId, stallId, province, label, createdAt, revokedAt } = item as unknown as ApiKey;
  return Object.fromEntries(
    Object.entries({ keyId, role, marketId, stallId, province, label, createdAt, revokedAt }).filter(
      ([, v]) => v !== undefined,
    ),
  ) as unknown as ApiKey;
}

export const KeyItem = {
  /** A new key; fails if its token is in use, unless `replaceRevoked` and that key was revoked. */
  create: (store: Store, apiKey: ApiKey, tokenHash: string, replaceRevoked = false): WriteItem => ({
    Put: {
      TableName: store.table,
      Item: {
        ...key(tokenHash),
        gsi1pk: ALL,
        gsi1sk: apiKey.keyId,
        ...(apiKey.stallId ? { gsi2pk: byStallPk(apiKey.stallId), gsi2sk: apiKey.keyId } : {}),
        type: "apiKey",
        v: 1,
        ...apiKey,
      },
      ConditionExpression: replaceRevoked
        ? "attribute_not_exists(pk) OR attribute_exists(revokedAt)"
        : "attribute_not_exists(pk)",
    },
  }),
  /** Marks a key revoked; fails if it was revoked meanwhile. */
  revoke: (store: Store, ref: { pk: string; sk: string }, at: string): WriteItem => ({
    Update: {
      TableName: store.table,
      Key: ref,
      UpdateExpression: "SET revokedAt = :at",
      ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(revokedAt)",
      ExpressionAttributeValues: { ":at": at },
    },
  }),
  /** Holds a transaction to a key not being revoked meanwhile (an invitation's maker, docs/contract.md §13). */
  stillLive: (store: Store, ref: { pk: string; sk: string }): WriteItem => ({
    ConditionCheck: {
      TableName: store.table,
      Key: ref,
      ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(revokedAt)",
    },
  }),
  async byTokenHash(store: Store, tokenHash: string): Promise<ApiKey | undefined> {
    const res = await guard(() =>
      store.doc.send(new GetCommand({ TableName: store.table, Key: key(tokenHash) })),
    );
    return res.Item ? fromItem(res.Item) : undefined;
  },
  /** A key by its id, with the reference needed to change it. */
  async byId(
    store: Store,
    keyId: string,
  ): Promise<{ apiKey: ApiKey; ref: { pk: string; sk: string } } | undefined> {
    const res = await guard(() =>
      store.doc.send(
        new QueryCommand({
          TableName: store.table,
          IndexName: "gsi1",
          KeyConditionExpression: "gsi1pk = :pk AND gsi1sk = :id",
          ExpressionAttributeValues: { ":pk": ALL, ":id": keyId },
        }),
      ),
    );
    const item = res.Items?.[0];
    return item ? { apiKey: fromItem(item), ref: { pk: String(item.pk), sk: String(item.sk) } } : undefined;
  },
  /** byStall: a stall's vendor keys, oldest first (keys made before this index existed are not listed). */
  async byStall(store: Store, stallId: string): Promise<ApiKey[]> {
    const items = await queryAll(store, {
      IndexName: "gsi2",
      KeyConditionExpression: "gsi2pk = :pk",
      ExpressionAttributeValues: { ":pk": byStallPk(stallId) },
    });
    return items.map(fromItem);
  },
  /**
   * all: every key, in id order. The store's position holds the key's `pk` — its token's hash — so the cursor
   * carries only the key id it stopped at and the position is rebuilt here (docs/security.md: cursors).
   */
  async all(store: Store, page: PageRequest): Promise<Page<ApiKey>> {
    const state = decodeCursor(page.cursor) as { after?: string } | undefined;
    let cursor: string | undefined;
    if (state) {
      const found = typeof state.after === "string" ? await KeyItem.byId(store, state.after) : undefined;
      if (!found)
        throw validationError("Invalid cursor", [
          { path: "cursor", message: "Not a cursor this API issued" },
        ]);
      cursor = encodeCursor({ ...found.ref, gsi1pk: ALL, gsi1sk: state.after });
    }
    const res = await queryPage(store, { gsi1pk: ALL }, { limit: page.limit, cursor }, fromItem);
    const last = res.items.at(-1);
    return {
      items: res.items,
      nextCursor: res.nextCursor && last ? encodeCursor({ after: last.keyId }) : undefined,
    };
  },
};
