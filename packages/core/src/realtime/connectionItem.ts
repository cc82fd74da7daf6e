import { DeleteCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { guard, type Store } from "../store/client";

/**
 * An open API Gateway WebSocket connection listening to one stall's payments (AWS only; locally the server holds its
 * sockets in memory). Found by its id on `$disconnect`, by stall when a payment lands (docs/data-model.md).
 *  - by connection id ... pk CONN#<connectionId>  sk CONN   (TTL `expiresAt`: API Gateway closes a socket at 2 h)
 *  - byStall (gsi1) ..... gsi1pk STALLCONNS#<stallId>  gsi1sk <connectionId>
 */
const key = (connectionId: string) => ({ pk: `CONN#${connectionId}`, sk: "CONN" });
const byStall = (stallId: string) => `STALLCONNS#${stallId}`;

export interface Listener {
  connectionId: string;
  keyId: string;
  connectedAt: string;
}

/** API Gateway's own limit on a WebSocket connection's life, plus a margin. */
const CONNECTION_LIFETIME_S = 2 * 3600 + 300;

export const ConnectionItem = {
  async put(store: Store, connectionId: string, stallId: string, keyId: string, now: Date): Promise<void> {
    await guard(() =>
      store.doc.send(
        new PutCommand({
          TableName: store.table,
          Item: {
            ...key(connectionId),
            gsi1pk: byStall(stallId),
            gsi1sk: connectionId,
            type: "realtimeConnection",
            v: 1,
            stallId,
            keyId,
            connectedAt: now.toISOString(),
            expiresAt: Math.floor(now.getTime() / 1000) + CONNECTION_LIFETIME_S,
          },
        }),
      ),
    );
  },
  async remove(store: Store, connectionId: string): Promise<void> {
    await guard(() => store.doc.send(new DeleteCommand({ TableName: store.table, Key: key(connectionId) })));
  },
  /** byStall: the connections listening to a stall (a handful: a vendor's phones), with their keys. */
  async ofStall(store: Store, stallId: string): Promise<Listener[]> {
    const ids: Listener[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await guard(() =>
        store.doc.send(
          new QueryCommand({
            TableName: store.table,
            IndexName: "gsi1",
            KeyConditionExpression: "gsi1pk = :pk",
            ExpressionAttributeValues: { ":pk": byStall(stallId) },
            ProjectionExpression: "gsi1sk, keyId, connectedAt",
            ExclusiveStartKey: start,
          }),
        ),
      );
      for (const item of res.Items ?? [])
        ids.push({
          connectionId: String(item.gsi1sk),
          keyId: String(item.keyId ?? ""),
          connectedAt: String(item.connectedAt ?? ""),
        });
      start = res.LastEvaluatedKey;
    } while (start);
    return ids;
  },
};
