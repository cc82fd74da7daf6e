import { ReturnValue } from "@aws-sdk/client-dynamodb";
import { DeleteCommand } from "@aws-sdk/lib-dynamodb";
import { guard, type Store } from "../store/client";
import { putNew, type WriteItem } from "../store/transact";

/**
 * A WebAuthn challenge the server handed out (docs/contract.md §19), kept server-side so each is used once:
 *  - by challenge hash ... pk CHALLENGE#<sha256(challenge)>  sk CHALLENGE   (expiresAt: epoch seconds, the table's TTL)
 * Taking it deletes it (conditionally), so a replayed response finds nothing; the TTL only sweeps unused ones.
 */
const key = (hash: string) => ({ pk: `CHALLENGE#${hash}`, sk: "CHALLENGE" });

export interface StoredChallenge {
  purpose: "register" | "authenticate";
  /** For a registration: the invitation's code hash (joining) or the signed-in person (a second device). */
  codeHash?: string;
  personId?: string;
  /** Epoch seconds. */
  expiresAt: number;
}

export const ChallengeItem = {
  create: (store: Store, hash: string, challenge: StoredChallenge): WriteItem =>
    putNew(store, { ...key(hash), type: "passkeyChallenge", v: 1, ...challenge }),
  /** Deletes the challenge and returns what it held, or undefined if it was never issued or already taken. */
  async take(store: Store, hash: string): Promise<StoredChallenge | undefined> {
    try {
      const res = await guard(() =>
        store.doc.send(
          new DeleteCommand({
            TableName: store.table,
            Key: key(hash),
            ConditionExpression: "attribute_exists(pk)",
            ReturnValues: ReturnValue.ALL_OLD,
          }),
        ),
      );
      const item = res.Attributes;
      if (!item) return undefined;
      return {
        purpose: item.purpose as StoredChallenge["purpose"],
        ...(item.codeHash ? { codeHash: String(item.codeHash) } : {}),
        ...(item.personId ? { personId: String(item.personId) } : {}),
        expiresAt: Number(item.expiresAt),
      };
    } catch (err) {
      if ((err as { name?: string }).name === "ConditionalCheckFailedException") return undefined;
      throw err;
    }
  },
};
