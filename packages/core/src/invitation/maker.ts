import type { Actor } from "../audit/audit";
import * as ApiKeys from "../auth/keys";
import { PersonItem } from "../person/personItem";
import type { Store } from "../store/client";
import type { WriteItem } from "../store/transact";

/**
 * An invitation lives only as long as its maker's access (docs/contract.md §13, §19): the key that made it not
 * revoked or — made by a person signed in with a session — the person not suspended. One rule for a vendor's and a
 * person's invitations alike.
 */
export interface Made {
  /** The maker's key id, or the person's id (`createdByPerson`). */
  createdBy: string;
  createdByPerson?: boolean;
}

/** Who made an invitation, as it records them. */
export const madeBy = (actor: Actor): Made =>
  actor.personId ? { createdBy: actor.personId, createdByPerson: true } : { createdBy: actor.keyId };

/** The transaction item holding the maker's access live, or undefined if it has ended. */
export async function makerHold(store: Store, made: Made): Promise<WriteItem | undefined> {
  if (!made.createdByPerson) return ApiKeys.stillLive(store, made.createdBy);
  const maker = await PersonItem.get(store, made.createdBy);
  return maker?.status === "active" ? PersonItem.stillActive(store, maker.id) : undefined;
}
