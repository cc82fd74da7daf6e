import { z } from "zod";

/**
 * What a vendor's socket hears (docs/contract.md §14): each newly stored payment of its stall, once, and a ping
 * every 30 s so a dead connection shows itself.
 */
export const PaymentMessageSchema = z
  .object({
    type: z.literal("payment"),
    id: z.string(),
    stallId: z.string(),
    amount: z.number().int(),
    paidAt: z.string(),
    description: z.string(),
  })
  .meta({ id: "RealtimePayment" });
export type PaymentMessage = z.infer<typeof PaymentMessageSchema>;

export const PING = { type: "ping" } as const;

/** Why the server closes a socket, as the last message it hears (AWS) and as its close code and reason (locally). */
export const CLOSE_CODES = {
  /** Its key opened more sockets than it may hold: this, its oldest, was closed. */
  replaced: 4008,
  /** The key the socket was opened with has been revoked. */
  revoked: 4003,
} as const;
export type CloseReason = keyof typeof CLOSE_CODES;

export const CLOSE_REASONS: Record<CloseReason, string> = {
  replaced: "too many sockets for this key; the oldest was closed",
  revoked: "the key this socket was opened with has been revoked",
};

export const closingMessage = (reason: CloseReason) => ({
  type: "closed" as const,
  code: CLOSE_CODES[reason],
  reason: CLOSE_REASONS[reason],
});
export const PING_INTERVAL_MS = 30_000;

/**
 * Tells a stall's open sockets about a payment. Called only after the payment's transaction committed and only when
 * it was new (`receive`), so a redelivery announces nothing. Locally an in-process hub; in AWS, API Gateway.
 */
export interface PaymentAnnouncer {
  announce(message: PaymentMessage): Promise<void>;
}
