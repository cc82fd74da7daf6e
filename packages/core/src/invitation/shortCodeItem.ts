import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { guard, type Store } from "../store/client";
import { putNew, type WriteItem } from "../store/transact";

/**
 * Where a typed short code leads (issue 26): written in the same transaction as its invitation, never changed.
 *  - by short code hash ... pk INVITESHORT#<sha256(shortCode)>  sk INVITESHORT  → codeHash of the invitation
 * Keeps the invitation's `expiresAt`, so the table's TTL never matters and a late one still answers `410`.
 */
const key = (shortHash: string) => ({ pk: `INVITESHORT#${shortHash}`, sk: "INVITESHORT" });

export const ShortCodeItem = {
  /** Fails (condition) if another live invitation already has this short code: the caller draws a new code. */
  create: (store: Store, shortHash: string, codeHash: string): WriteItem =>
    putNew(store, { ...key(shortHash), type: "invitationShortCode", v: 1, codeHash }),
  async codeHashOf(store: Store, shortHash: string): Promise<string | undefined> {
    const res = await guard(() =>
      store.doc.send(new GetCommand({ TableName: store.table, Key: key(shortHash), ConsistentRead: true })),
    );
    return res.Item ? String(res.Item.codeHash) : undefined;
  },
};
