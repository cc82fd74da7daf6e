import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { guard, queryAll, type Store } from "../store/client";
import { putNew, type WriteItem } from "../store/transact";
import type { Invitation } from "./invitations";
import type { PersonInvitation } from "./personInvitations";

/**
 * A stored sign-in invitation, found by its code's hash; the code itself is never stored (docs/security.md). One
 * kind for every role: a stall's vendor (§13) or a person (§19), each with the same lifecycle.
 *  - by code hash ...... pk INVITE#<sha256(code)>  sk INVITE
 *  - byStall (gsi2) .... gsi2pk STALL#<stallId>#INVITES  gsi2sk <invitationId>   (the stall's, oldest first)
 *  - byPerson (gsi2) ... gsi2pk PERSON#<personId>#INVITES  gsi2sk <invitationId>  (the person's, oldest first)
 *  - a stall's newest .. pk INVITE#STALL#<stallId>  sk LATEST   ({invitationId}: only that one may be accepted)
 *  - a person's newest . pk INVITE#PERSON#<personId>  sk LATEST
 */
const key = (codeHash: string) => ({ pk: `INVITE#${codeHash}`, sk: "INVITE" });
/** Whom an invitation is for: a stall's vendor or a person. */
export type Subject = { stallId: string } | { personId: string };
const isPerson = (s: Subject): s is { personId: string } => "personId" in s && Boolean(s.personId);
const stallOf = (s: Subject) => (s as { stallId: string }).stallId;
const bySubjectPk = (s: Subject) =>
  isPerson(s) ? `PERSON#${s.personId}#INVITES` : `STALL#${stallOf(s)}#INVITES`;
const latestKey = (s: Subject) => ({
  pk: isPerson(s) ? `INVITE#PERSON#${s.personId}` : `INVITE#STALL#${stallOf(s)}`,
  sk: "LATEST",
});

function fromItem(item: Record<string, unknown>): Invitation | PersonInvitation {
  if (item.personId) {
    const p = item as unknown as PersonInvitation;
    return {
      id: p.id,
      codeHash: p.codeHash,
      personId: p.personId,
      purpose: p.purpose,
      createdAt: p.createdAt,
      createdBy: p.createdBy,
      ...(p.createdByPerson ? { createdByPerson: true } : {}),
      expiresAt: p.expiresAt,
      ...(p.cancelledAt ? { cancelledAt: p.cancelledAt, cancelledBy: p.cancelledBy } : {}),
      ...(p.usedAt ? { usedAt: p.usedAt, credentialId: p.credentialId } : {}),
    };
  }
  const i = item as unknown as Invitation;
  return {
    // Invitations made before they had ids are named by their code's hash (never shown: listings show live ones).
    id: i.id ?? i.codeHash,
    codeHash: i.codeHash,
    stallId: i.stallId,
    marketId: i.marketId,
    createdAt: i.createdAt,
    createdBy: i.createdBy,
    ...(i.createdByPerson ? { createdByPerson: true } : {}),
    expiresAt: i.expiresAt,
    ...(i.vendorSeal ? { vendorSeal: i.vendorSeal } : {}),
    ...(i.cancelledAt ? { cancelledAt: i.cancelledAt, cancelledBy: i.cancelledBy } : {}),
    ...(i.usedAt ? { usedAt: i.usedAt, keyId: i.keyId } : {}),
  };
}

export const InvitationItem = {
  /** A new invitation, which becomes its subject's newest: every earlier one of the stall or person stops working. */
  create: (store: Store, invitation: Invitation | PersonInvitation): WriteItem[] => [
    putNew(store, {
      ...key(invitation.codeHash),
      gsi2pk: bySubjectPk(invitation),
      gsi2sk: invitation.id,
      type: "invitation",
      v: 2,
      ...invitation,
    }),
    {
      Put: {
        TableName: store.table,
        Item: {
          ...latestKey(invitation),
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
  consume: (
    store: Store,
    codeHash: string,
    now: string,
    keyId: string,
    /** What the acceptance made: the vendor's key, or the person's first passkey (`credentialId`). */
    made: "keyId" | "credentialId" = "keyId",
  ): WriteItem => ({
    Update: {
      TableName: store.table,
      Key: key(codeHash),
      UpdateExpression: `SET usedAt = :now, ${made} = :key`,
      ConditionExpression:
        "attribute_exists(pk) AND attribute_not_exists(usedAt) AND attribute_not_exists(cancelledAt) AND expiresAt > :now",
      ExpressionAttributeValues: { ":now": now, ":key": keyId },
    },
  }),
  /** Holds the transaction to the invitation still being its subject's newest (no newer card printed meanwhile). */
  stillNewest: (store: Store, invitation: { id: string } & Subject): WriteItem => ({
    ConditionCheck: {
      TableName: store.table,
      Key: latestKey(invitation),
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
  async get(store: Store, codeHash: string): Promise<Invitation | PersonInvitation | undefined> {
    const res = await guard(() =>
      store.doc.send(new GetCommand({ TableName: store.table, Key: key(codeHash), ConsistentRead: true })),
    );
    return res.Item ? fromItem(res.Item) : undefined;
  },
  /** The id of the stall's (or person's) newest invitation, read consistently. */
  async newestOf(store: Store, subject: string | Subject): Promise<string | undefined> {
    const of = typeof subject === "string" ? { stallId: subject } : subject;
    const res = await guard(() =>
      store.doc.send(new GetCommand({ TableName: store.table, Key: latestKey(of), ConsistentRead: true })),
    );
    return res.Item ? String(res.Item.invitationId) : undefined;
  },
  /** byStall: the stall's invitations, oldest first (a few: one per card printed). */
  async ofStall(store: Store, stallId: string): Promise<Invitation[]> {
    const items = await queryAll(store, {
      IndexName: "gsi2",
      KeyConditionExpression: "gsi2pk = :pk",
      ExpressionAttributeValues: { ":pk": bySubjectPk({ stallId }) },
    });
    return items.map(fromItem) as Invitation[];
  },
  /** byPerson: the person's invitations, oldest first. */
  async ofPerson(store: Store, personId: string): Promise<PersonInvitation[]> {
    const items = await queryAll(store, {
      IndexName: "gsi2",
      KeyConditionExpression: "gsi2pk = :pk",
      ExpressionAttributeValues: { ":pk": bySubjectPk({ personId }) },
    });
    return items.map(fromItem) as PersonInvitation[];
  },
};
