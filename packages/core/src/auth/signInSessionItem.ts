import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { guard, queryAll, type Store } from "../store/client";
import { putNew, type WriteItem } from "../store/transact";

/**
 * A person's sign-in session (docs/contract.md §19; not a market's session, which is calendar/sessions.ts): found by
 * its token's SHA-256 — the token itself is never stored — and listed by person for "Thiết bị đã đăng nhập".
 *  - by token hash ..... pk SESSION#<sha256(token)>  sk SESSION   (expiresAt: epoch seconds, the table's TTL)
 *  - byPerson (gsi2) ... gsi2pk PERSON#<personId>#SESSIONS  gsi2sk <sessionId>
 * `expiresAt` slides forward as the session is used; the TTL only sweeps ended ones (it may lag by days, so every
 * read checks the time itself).
 */
const key = (tokenHash: string) => ({ pk: `SESSION#${tokenHash}`, sk: "SESSION" });
const byPersonPk = (personId: string) => `PERSON#${personId}#SESSIONS`;

export interface StoredSession {
  /** The public id a person lists and ends a session by; never the token. */
  sessionId: string;
  tokenHash: string;
  personId: string;
  /** "Chrome trên Android": from the User-Agent the session was started with. */
  device: string;
  /** The synchronizer token a cookie request's `x-csrf-token` must equal. */
  csrf: string;
  createdAt: string;
  lastSeenAt: string;
  /** Epoch seconds. */
  expiresAt: number;
}

function fromItem(item: Record<string, unknown>): StoredSession {
  return {
    sessionId: String(item.sessionId),
    tokenHash: String(item.tokenHash),
    personId: String(item.personId),
    device: String(item.device ?? ""),
    csrf: String(item.csrf),
    createdAt: String(item.createdAt),
    lastSeenAt: String(item.lastSeenAt),
    expiresAt: Number(item.expiresAt),
  };
}

export const SignInSessionItem = {
  create: (store: Store, session: StoredSession): WriteItem =>
    putNew(store, {
      ...key(session.tokenHash),
      gsi2pk: byPersonPk(session.personId),
      gsi2sk: session.sessionId,
      type: "signInSession",
      v: 1,
      ...session,
    }),
  /** The session for a token's hash, read consistently (an ended session must not answer). */
  async get(store: Store, tokenHash: string): Promise<StoredSession | undefined> {
    const res = await guard(() =>
      store.doc.send(new GetCommand({ TableName: store.table, Key: key(tokenHash), ConsistentRead: true })),
    );
    return res.Item ? fromItem(res.Item) : undefined;
  },
  /**
   * Slides a session's expiry: `false` when it has ended meanwhile (deleted), so an ended session is never brought
   * back by a request that was already under way.
   */
  async touch(store: Store, tokenHash: string, lastSeenAt: string, expiresAt: number): Promise<boolean> {
    try {
      await guard(() =>
        store.doc.send(
          new UpdateCommand({
            TableName: store.table,
            Key: key(tokenHash),
            UpdateExpression: "SET lastSeenAt = :seen, expiresAt = :exp",
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeValues: { ":seen": lastSeenAt, ":exp": expiresAt },
          }),
        ),
      );
      return true;
    } catch (err) {
      if ((err as { name?: string }).name === "ConditionalCheckFailedException") return false;
      throw err;
    }
  },
  /** Ends a session: its item is deleted, so its token finds nothing from the next request on. */
  end: (store: Store, tokenHash: string): WriteItem => ({
    Delete: { TableName: store.table, Key: key(tokenHash) },
  }),
  /** byPerson: a person's sessions, oldest first (ended ones the TTL has not swept yet included). */
  async ofPerson(store: Store, personId: string): Promise<StoredSession[]> {
    const items = await queryAll(store, {
      IndexName: "gsi2",
      KeyConditionExpression: "gsi2pk = :pk",
      ExpressionAttributeValues: { ":pk": byPersonPk(personId) },
    });
    return items.map(fromItem);
  },
};
