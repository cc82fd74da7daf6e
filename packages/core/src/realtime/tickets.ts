import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import * as ApiKeys from "../auth/keys";
import type { Clock } from "../clock";
import type { Store } from "../store/client";
import { TicketItem } from "./ticketItem";

/** How long a ticket may wait before it opens a socket (docs/contract.md §14). */
export const TICKET_TTL_MS = 60_000;

/** Sockets one key may hold open: a vendor's phone or two and a speaker; a newer one closes the oldest. */
export const SOCKETS_PER_KEY = 4;

/** The query parameter the socket URL carries its ticket in. */
export const TICKET_PARAM = "ticket";

export const TicketRequestSchema = z
  .object({ stallId: z.string().min(1).max(64) })
  .meta({ id: "RealtimeTicketRequest" });

export const TicketSchema = z
  .object({
    url: z.string().meta({ description: "The WebSocket URL to open, ticket included (single use)" }),
    expiresAt: z.string().meta({ description: "UTC instant after which the ticket opens nothing" }),
  })
  .meta({ id: "RealtimeTicket" });
export type Ticket = z.infer<typeof TicketSchema>;

const hashTicket = (ticket: string) => createHash("sha256").update(ticket, "utf8").digest("hex");

/**
 * A single-use ticket to open `socketUrl` for one stall's payments, valid 60 s. Only its SHA-256 is stored: the
 * ticket is 192 random bits, so a fast hash is enough, and a leaked table opens no socket (docs/security.md).
 * @example const { url } = await Tickets.issue(deps, principal, stall.id, "wss://example/api/realtime/socket");
 */
export async function issue(
  deps: { store: Store; clock: Clock },
  holder: { keyId: string },
  stallId: string,
  socketUrl: string,
): Promise<Ticket> {
  const ticket = randomBytes(24).toString("base64url");
  const validUntil = new Date(deps.clock.now().getTime() + TICKET_TTL_MS).toISOString();
  await TicketItem.put(deps.store, hashTicket(ticket), { stallId, keyId: holder.keyId, validUntil });
  const url = new URL(socketUrl);
  url.searchParams.set(TICKET_PARAM, ticket);
  return { url: url.toString(), expiresAt: validUntil };
}

/**
 * The stall a ticket opens and the key it was issued to, taking the ticket (it opens one socket, once);
 * `undefined` if unknown, used, expired, or its key has been revoked since.
 */
export async function redeem(
  deps: { store: Store; clock: Clock },
  ticket: string | null | undefined,
): Promise<{ stallId: string; keyId: string } | undefined> {
  if (!ticket || ticket.length > 100) return undefined;
  const taken = await TicketItem.take(deps.store, hashTicket(ticket), deps.clock.now());
  if (!taken || !(await keyIsLive(deps.store, taken.keyId))) return undefined;
  return { stallId: taken.stallId, keyId: taken.keyId };
}

/** Whether a socket's key still stands (checked at connect, and again while the socket is open). */
export async function keyIsLive(store: Store, keyId: string): Promise<boolean> {
  const key = keyId ? await ApiKeys.find(store, keyId) : undefined;
  return key !== undefined && !key.revokedAt;
}
