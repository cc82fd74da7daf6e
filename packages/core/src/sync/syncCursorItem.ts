import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { guard, type Store } from "../store/client";

/**
 * Where the pull sync of a provider's transaction API stopped (docs/data-model.md):
 *  - sync cursor ... pk SYNC#<provider>  sk CURSOR
 * Written only after the page it follows is stored, and conditioned on the cursor read, so two runs at once cannot
 * move it backwards; a crash mid-page leaves it where it was and the page is asked for (and stored) again.
 */
const key = (provider: string) => ({ pk: `SYNC#${provider}`, sk: "CURSOR" });

export interface SyncCursor {
  cursor: string | null;
  updatedAt: string | null;
  /** Transactions the sync stored (new) since it began: what recovered, for the money-stops alarm and the bench. */
  recovered: number;
}

export const SyncCursorItem = {
  async get(store: Store, provider: string): Promise<SyncCursor> {
    const res = await guard(() =>
      store.doc.send(new GetCommand({ TableName: store.table, Key: key(provider), ConsistentRead: true })),
    );
    return {
      cursor: (res.Item?.cursor as string | undefined) ?? null,
      updatedAt: (res.Item?.updatedAt as string | undefined) ?? null,
      recovered: Number(res.Item?.recovered ?? 0),
    };
  },
  /** Moves the cursor from `seen` to `next`; false when another run moved it meanwhile. */
  async advance(store: Store, provider: string, seen: string | null, next: SyncCursor): Promise<boolean> {
    try {
      await guard(() =>
        store.doc.send(
          new PutCommand({
            TableName: store.table,
            Item: { ...key(provider), type: "syncCursor", v: 1, ...next },
            ...(seen === null
              ? { ConditionExpression: "attribute_not_exists(pk)" }
              : {
                  ConditionExpression: "#cursor = :seen",
                  ExpressionAttributeNames: { "#cursor": "cursor" },
                  ExpressionAttributeValues: { ":seen": seen },
                }),
          }),
        ),
      );
      return true;
    } catch (err) {
      if ((err as Error).name === "ConditionalCheckFailedException") return false;
      throw err;
    }
  },
};
