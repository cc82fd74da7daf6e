import type { Clock } from "../clock";
import type { Store } from "../store/client";
import type { CloseReason } from "./announcement";
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
  const opened = await Tickets.redeem(deps, ticket);
  if (opened)
    await ConnectionItem.put(deps.store, connectionId, opened.stallId, opened.keyId, deps.clock.now());
  return opened?.stallId;
}

/** `$disconnect`, or a connection API Gateway says is gone. */
export const close = (store: Store, connectionId: string) => ConnectionItem.remove(store, connectionId);

/**
 * The connections listening to a stall, split into those to tell of a payment and those to close: every connection
 * of a key revoked since it opened (`revoked`), and a key's connections beyond its newest
 * {@link Tickets.SOCKETS_PER_KEY} (`replaced`). In AWS this is decided at each announcement — the first moment
 * anything is sent to a connection (docs/contract.md §14).
 */
export async function listeners(
  store: Store,
  stallId: string,
): Promise<{ live: string[]; close: { connectionId: string; reason: CloseReason }[] }> {
  const all = await ConnectionItem.ofStall(store, stallId);
  const keys = [...new Set(all.map((l) => l.keyId))];
  const liveKeys = new Set(
    (await Promise.all(keys.map(async (k) => ((await Tickets.keyIsLive(store, k)) ? k : "")))).filter(
      Boolean,
    ),
  );
  const live: string[] = [];
  const close: { connectionId: string; reason: CloseReason }[] = [];
  const seen = new Map<string, number>();
  // Newest first: a key keeps its newest sockets.
  for (const l of [...all].sort((a, b) => b.connectedAt.localeCompare(a.connectedAt))) {
    if (!liveKeys.has(l.keyId)) {
      close.push({ connectionId: l.connectionId, reason: "revoked" });
      continue;
    }
    const n = (seen.get(l.keyId) ?? 0) + 1;
    seen.set(l.keyId, n);
    if (n > Tickets.SOCKETS_PER_KEY) close.push({ connectionId: l.connectionId, reason: "replaced" });
    else live.push(l.connectionId);
  }
  return { live, close };
}
