import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { guard, queryAll, type Store } from "../store/client";
import { putNew, type WriteItem } from "../store/transact";
import type { Invitation } from "./invitations";

/**
 * A stored sign-in invitation, found by its code's hash; the code itself is never stored (docs/security.md).
 *  - by code hash ..... pk INVITE#<sha256(code)>  sk INVITE
 *  - byStall (gsi2) ... gsi2pk STALL#<stallId>#INVITES  gsi2sk <invitationId>   (the stall's, oldest first)
 *  - a stall's newest . pk INVITE#STALL#<stallId>  sk LATEST   ({invitationId}: only that one may be accepted)
 */
const key = (codeHash: string) => ({ pk: `INVITE#${codeHash}`, sk: "INVITE" });
const byStallPk = (stallId: string) => `STALL#${stallId}#INVITES`;
const latestKey = (stallId: string) => ({ pk: `INVITE#STALL#${stallId}`, sk: "LATEST" });

function fromItem(item: Record<string, unknown>): Invitation {
  const i = item as unknown as Invitation;
  return {
    // Invitations made before they had ids are named by their code's hash (never shown: listings show live ones).
    id: i.id ?? i.codeHash,
    codeHash: i.codeHash,
    stallId: i.stallId,
    marketId: i.marketId,
    createdAt: i.createdAt,
    createdBy: i.createdBy,
    expiresAt: i.expiresAt,
    ...(i.vendorSeal ? { vendorSeal: i.vendorSeal } : {}),
    ...(i.cancelledAt ? { cancelledAt: i.cancelledAt, cancelledBy: i.cancelledBy } : {}),
    ...(i.usedAt ? { usedAt: i.usedAt, keyId: i.keyId } : {}),
  };
}

export const InvitationItem = {
  /** A new invitation, which becomes the stall's newest: every earlier one of the stall stops working. */
  create: (store: Store, invitation: Invitation): WriteItem[] => [
    putNew(store, {
      ...key(invitation.codeHash),
      gsi2pk: byStallPk(invitation.stallId),
      gsi2sk: invitation.id,
      type: "invitation",
      v: 2,
      ...invitation,
    }),
    {
      Put: {
        TableName: store.table,
        Item: {
          ...latestKey(invitation.stallId),
          type: "invitationLatest",
          v: 1,
          invitationId: invitation.id,
        },
      },
    },
  ],
  /**
   * Uses the invitation up: fails unless it is still unused, not cancelled and unexpired at `now`. In the same
   * transaction as the key it creates, so two concurrent accepts cannot both succeed.
   */
  consume: (store: Store, codeHash: string, now: string, keyId: string): WriteItem => ({
    Update: {
      TableName: store.table,
      Key: key(codeHash),
      UpdateExpression: "SET usedAt = :now, keyId = :key",
      ConditionExpression:
        "attribute_exists(pk) AND attribute_not_exists(usedAt) AND attribute_not_exists(cancelledAt) AND expiresAt > :now",
      ExpressionAttributeValues: { ":now": now, ":key": keyId },
    },
  }),
  /** Holds the transaction to the invitation still being the stall's newest (no newer card printed meanwhile). */
  stillNewest: (store: Store, invitation: Pick<Invitation, "id" | "stallId">): WriteItem => ({
    ConditionCheck: {
      TableName: store.table,
      Key: latestKey(invitation.stallId),
      ConditionExpression: "invitationId = :id",
      ExpressionAttributeValues: { ":id": invitation.id },
    },
  }),
  /** Cancels an invitation; fails if it was used or cancelled meanwhile. */
  cancel: (store: Store, codeHash: string, at: string, by: string): WriteItem => ({
    Update: {
      TableName: store.table,
      Key: key(codeHash),
      UpdateExpression: "SET cancelledAt = :at, cancelledBy = :by",
      ConditionExpression:
        "attribute_exists(pk) AND attribute_not_exists(usedAt) AND attribute_not_exists(cancelledAt)",
      ExpressionAttributeValues: { ":at": at, ":by": by },
    },
  }),
  async get(store: Store, codeHash: string): Promise<Invitation | undefined> {
    const res = await guard(() =>
      store.doc.send(new GetCommand({ TableName: store.table, Key: key(codeHash), ConsistentRead: true })),
    );
    return res.Item ? fromItem(res.Item) : undefined;
  },
  /** The id of the stall's newest invitation, read consistently. */
  async newestOf(store: Store, stallId: string): Promise<string | undefined> {
    const res = await guard(() =>
      store.doc.send(
        new GetCommand({ TableName: store.table, Key: latestKey(stallId), ConsistentRead: true }),
      ),
    );
    return res.Item ? String(res.Item.invitationId) : undefined;
  },
  /** byStall: the stall's invitations, oldest first (a few: one per card printed). */
  async ofStall(store: Store, stallId: string): Promise<Invitation[]> {
    const items = await queryAll(store, {
      IndexName: "gsi2",
      KeyConditionExpression: "gsi2pk = :pk",
      ExpressionAttributeValues: { ":pk": byStallPk(stallId) },
    });
    return items.map(fromItem);
  },
};
