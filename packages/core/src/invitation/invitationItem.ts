import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { guard, type Store } from "../store/client";
import { putNew, type WriteItem } from "../store/transact";
import type { Invitation } from "./invitations";

/**
 * A stored sign-in invitation, found by its code's hash; the code itself is never stored (docs/security.md).
 *  - by code hash ... pk INVITE#<sha256(code)>  sk INVITE
 */
const key = (codeHash: string) => ({ pk: `INVITE#${codeHash}`, sk: "INVITE" });

function fromItem(item: Record<string, unknown>): Invitation {
  const i = item as unknown as Invitation;
  return {
    codeHash: i.codeHash,
    stallId: i.stallId,
    marketId: i.marketId,
    createdAt: i.createdAt,
    createdBy: i.createdBy,
    expiresAt: i.expiresAt,
    ...(i.usedAt ? { usedAt: i.usedAt, keyId: i.keyId } : {}),
  };
}

export const InvitationItem = {
  create: (store: Store, invitation: Invitation): WriteItem =>
    putNew(store, { ...key(invitation.codeHash), type: "invitation", v: 1, ...invitation }),
  /**
   * Uses the invitation up: fails unless it is still unused and unexpired at `now`. In the same transaction as the
   * key it creates, so two concurrent accepts cannot both succeed.
   */
  consume: (store: Store, codeHash: string, now: string, keyId: string): WriteItem => ({
    Update: {
      TableName: store.table,
      Key: key(codeHash),
      UpdateExpression: "SET usedAt = :now, keyId = :key",
      ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(usedAt) AND expiresAt > :now",
      ExpressionAttributeValues: { ":now": now, ":key": keyId },
    },
  }),
  async get(store: Store, codeHash: string): Promise<Invitation | undefined> {
    const res = await guard(() =>
      store.doc.send(new GetCommand({ TableName: store.table, Key: key(codeHash), ConsistentRead: true })),
    );
    return res.Item ? fromItem(res.Item) : undefined;
  },
};
