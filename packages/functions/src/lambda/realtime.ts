import * as Connections from "@market40/core/realtime/connections";
import { TICKET_PARAM } from "@market40/core/realtime/tickets";
import { deps } from "./config";

/** What API Gateway's WebSocket events carry that these handlers read. */
interface SocketEvent {
  requestContext: { connectionId: string };
}
type ConnectEvent = SocketEvent & { queryStringParameters?: Record<string, string | undefined> };

/**
 * API Gateway WebSocket `$connect` (docs/contract.md §14): the ticket in the URL opens the connection, once, for its
 * stall; anything else is refused (401) before the socket exists.
 */
export async function connect(event: ConnectEvent): Promise<{ statusCode: number }> {
  const stallId = await Connections.open(
    deps,
    event.requestContext.connectionId,
    event.queryStringParameters?.[TICKET_PARAM],
  );
  return { statusCode: stallId ? 200 : 401 };
}

/** `$disconnect`: the connection is forgotten (its TTL would remove it anyway). */
export async function disconnect(event: SocketEvent): Promise<{ statusCode: number }> {
  await Connections.close(deps.store, event.requestContext.connectionId);
  return { statusCode: 200 };
}
