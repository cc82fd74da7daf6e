import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { guard, queryAll, type Store } from "../store/client";
import { putNew, type WriteItem } from "../store/transact";

/**
 * A person's passkey: the public key only — the private key never leaves their device (docs/security.md).
 *  - by credential id ... pk PASSKEY#<credentialId>  sk PASSKEY
 *  - byPerson (gsi2) .... gsi2pk PERSON#<personId>#PASSKEYS  gsi2sk <credentialId>
 */
const key = (credentialId: string) => ({ pk: `PASSKEY#${credentialId}`, sk: "PASSKEY" });
const byPersonPk = (personId: string) => `PERSON#${personId}#PASSKEYS`;

export interface Passkey {
  credentialId: string;
  personId: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  /** The authenticator's signature counter as last seen (0 for authenticators that keep none). */
  counter: number;
  transports?: string[];
  createdAt: string;
  lastUsedAt?: string;
}

function fromItem(item: Record<string, unknown>): Passkey {
  const p = item as unknown as Passkey;
  return {
    credentialId: p.credentialId,
    personId: p.personId,
    publicKey: p.publicKey,
    counter: Number(p.counter),
    ...(p.transports ? { transports: p.transports } : {}),
    createdAt: p.createdAt,
    ...(p.lastUsedAt ? { lastUsedAt: p.lastUsedAt } : {}),
  };
}

export const CredentialItem = {
  create: (store: Store, passkey: Passkey): WriteItem =>
    putNew(store, {
      ...key(passkey.credentialId),
      gsi2pk: byPersonPk(passkey.personId),
      gsi2sk: passkey.credentialId,
      type: "passkey",
      v: 1,
      ...passkey,
    }),
  /** Records a use; fails if another use moved the counter meanwhile (a cloned authenticator racing). */
  used: (store: Store, credentialId: string, seen: number, counter: number, at: string): WriteItem => ({
    Update: {
      TableName: store.table,
      Key: key(credentialId),
      UpdateExpression: "SET #counter = :counter, lastUsedAt = :at",
      ConditionExpression: "attribute_exists(pk) AND #counter = :seen",
      ExpressionAttributeNames: { "#counter": "counter" },
      ExpressionAttributeValues: { ":counter": counter, ":seen": seen, ":at": at },
    },
  }),
  async get(store: Store, credentialId: string): Promise<Passkey | undefined> {
    const res = await guard(() =>
      store.doc.send(
        new GetCommand({ TableName: store.table, Key: key(credentialId), ConsistentRead: true }),
      ),
    );
    return res.Item ? fromItem(res.Item) : undefined;
  },
  async ofPerson(store: Store, personId: string): Promise<Passkey[]> {
    const items = await queryAll(store, {
      IndexName: "gsi2",
      KeyConditionExpression: "gsi2pk = :pk",
      ExpressionAttributeValues: { ":pk": byPersonPk(personId) },
    });
    return items.map(fromItem);
  },
};
