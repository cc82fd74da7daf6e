import type { Clock } from "../clock";
import type { Store } from "../store/client";
import { ConnectionItem } from "./connectionItem";
import * as Tickets from "./tickets";

/**
 * API Gateway's WebSocket connections (AWS; docs/contract.md §14), kept in the table so the callbacks function —
 * another Lambda — can find a stall's listeners when a payment lands.
 */

/** `$connect`: takes the ticket and records the connection for its stall; `undefined` (refuse it) on a bad ticket. */
export async function open(
  deps: { store: Store; clock: Clock },
  connectionId: string,
  ticket: string | null | undefined,
): Promise<string | undefined> {
  const stallId = await Tickets.redeem(deps, ticket);
  if (stallId) await ConnectionItem.put(deps.store, connectionId, stallId, deps.clock.now());
  return stallId;
}

/** `$disconnect`, or a connection API Gateway says is gone. */
export const close = (store: Store, connectionId: string) => ConnectionItem.remove(store, connectionId);

/** The connections listening to a stall. */
export const listeners = (store: Store, stallId: string) => ConnectionItem.ofStall(store, stallId);
