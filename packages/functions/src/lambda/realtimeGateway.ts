import {
  ApiGatewayManagementApiClient,
  type ApiGatewayManagementApiClientConfig,
  DeleteConnectionCommand,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import type { PaymentAnnouncer, PaymentMessage } from "@market40/core/realtime/announcement";
import { closingMessage } from "@market40/core/realtime/announcement";
import * as Connections from "@market40/core/realtime/connections";
import type { Store } from "@market40/core/store/client";
import type { AppLogger } from "../log";

/**
 * The callbacks function's announcer in AWS: after a payment's transaction committed, it posts the message to each
 * of the stall's connections through API Gateway's management API; a connection API Gateway no longer knows
 * (`410 Gone`: the phone went away without `$disconnect`) is deleted. Connections of a key revoked since, or beyond
 * its newest few, are told why (`{type: "closed", code, reason}`) and closed instead (docs/contract.md §14).
 */
export function apiGatewayAnnouncer(
  store: Store,
  endpoint: string,
  logger: AppLogger,
  client: ApiGatewayManagementApiClientConfig = {},
): PaymentAnnouncer {
  // Short timeouts and one attempt: the callback's 200 waits for these posts, and a slow gateway must not cost it
  // (receive() also caps the wait; a missed announcement is filled in by the page from the API).
  const api = new ApiGatewayManagementApiClient({
    endpoint,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 500, requestTimeout: 1500 } as never,
    ...client,
  });
  return {
    async announce(message: PaymentMessage) {
      const data = new TextEncoder().encode(JSON.stringify(message));
      const { live, close } = await Connections.listeners(store, message.stallId).catch((err: Error) => {
        logger.warn("announce failed: listeners not read", { stallId: message.stallId, error: err.message });
        return { live: [] as string[], close: [] };
      });
      const ended = close.map(async ({ connectionId, reason }) => {
        try {
          const why = new TextEncoder().encode(JSON.stringify(closingMessage(reason)));
          await api
            .send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: why }))
            .catch(() => {});
          await api.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
        } catch {
          // Already gone: forgetting it is all that is left.
        }
        await Connections.close(store, connectionId);
      });
      await Promise.all([
        ...ended,
        ...live.map(async (id) => {
          try {
            await api.send(new PostToConnectionCommand({ ConnectionId: id, Data: data }));
          } catch (err) {
            const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; message?: string };
            if (e.name === "GoneException" || e.$metadata?.httpStatusCode === 410)
              await Connections.close(store, id);
            else logger.warn("announce failed", { connection: id, error: e.message ?? String(err) });
          }
        }),
      ]);
    },
  };
}
