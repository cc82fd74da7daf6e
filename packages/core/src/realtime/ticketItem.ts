import { ReturnValue } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { guard, type Store } from "../store/client";

/**
 * A WebSocket ticket, found by its hash; the ticket itself is never stored (docs/data-model.md).
 *  - by ticket hash ... pk TICKET#<sha256>  sk TICKET   (TTL `expiresAt`, epoch seconds)
 */
const key = (ticketHash: string) => ({ pk: `TICKET#${ticketHash}`, sk: "TICKET" });

export interface StoredTicket {
  stallId: string;
  /** The key it was issued to: a ticket of a key revoked since opens nothing (docs/contract.md §14). */
  keyId: string;
  /** UTC ISO instant after which the ticket no longer opens a socket. */
  validUntil: string;
}

export const TicketItem = {
  async put(store: Store, ticketHash: string, ticket: StoredTicket): Promise<void> {
    await guard(() =>
      store.doc.send(
        new PutCommand({
          TableName: store.table,
          Item: {
            ...key(ticketHash),
            type: "realtimeTicket",
            v: 1,
            ...ticket,
            // DynamoDB's TTL removes it later; `validUntil` is what decides (TTL deletion can lag for hours).
            expiresAt: Math.ceil(Date.parse(ticket.validUntil) / 1000) + 60,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    );
  },
  /**
   * Takes a ticket: deletes it and returns what it held, only if it existed and is still valid at `now` — one
   * conditional delete, so two sockets racing with the same ticket cannot both win.
   */
  async take(store: Store, ticketHash: string, now: Date): Promise<StoredTicket | undefined> {
    try {
      const res = await guard(() =>
        store.doc.send(
          new DeleteCommand({
            TableName: store.table,
            Key: key(ticketHash),
            ConditionExpression: "attribute_exists(pk) AND validUntil > :now",
            ExpressionAttributeValues: { ":now": now.toISOString() },
            ReturnValues: ReturnValue.ALL_OLD,
          }),
        ),
      );
      const item = res.Attributes;
      return item
        ? {
            stallId: String(item.stallId),
            keyId: String(item.keyId ?? ""),
            validUntil: String(item.validUntil),
          }
        : undefined;
    } catch (err) {
      if ((err as Error).name === "ConditionalCheckFailedException") return undefined;
      throw err;
    }
  },
};
