import * as Connections from "@market40/core/realtime/connections";
import { TICKET_PARAM } from "@market40/core/realtime/tickets";
import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from "aws-lambda";
import { deps } from "./config";

type ConnectEvent = APIGatewayProxyWebsocketEventV2 & {
  queryStringParameters?: Record<string, string | undefined>;
};

/**
 * API Gateway WebSocket `$connect` (docs/contract.md §14): the ticket in the URL opens the connection, once, for its
 * stall; anything else is refused (401) before the socket exists.
 */
export async function connect(event: ConnectEvent): Promise<APIGatewayProxyResultV2> {
  const stallId = await Connections.open(
    deps,
    event.requestContext.connectionId,
    event.queryStringParameters?.[TICKET_PARAM],
  );
  return { statusCode: stallId ? 200 : 401 };
}

/** `$disconnect`: the connection is forgotten (its TTL would remove it anyway). */
export async function disconnect(event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResultV2> {
  await Connections.close(deps.store, event.requestContext.connectionId);
  return { statusCode: 200 };
}
