import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import {
  type PaymentAnnouncer,
  type PaymentMessage,
  PING,
  PING_INTERVAL_MS,
} from "@market40/core/realtime/announcement";
import * as Tickets from "@market40/core/realtime/tickets";
import { type WebSocket, WebSocketServer } from "ws";
import type { Deps } from "../api/context";
import { SOCKET_PATH } from "../api/routes/realtime";

/**
 * The local server's WebSockets (docs/contract.md §14): each socket opened with a ticket listens to one stall, and a
 * payment the callback route has just committed is sent to that stall's sockets in-process. What AWS does with API
 * Gateway and the table (lambda/realtime.ts), done here in memory: one process holds every socket.
 */
export interface RealtimeHub extends PaymentAnnouncer {
  /** The HTTP server's `upgrade` handler. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Open sockets (the benchmark's figure). */
  size(): number;
  /** Closes every socket (a server stopping: its `close` would otherwise wait for them). */
  close(): void;
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * A browser always sends `Origin` on a WebSocket: only the page's own origin may open one, so a page elsewhere that
 * got hold of a ticket cannot listen in. Clients that are not browsers send none and rely on the ticket alone.
 */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export function realtimeHub(deps: Pick<Deps, "store" | "clock" | "logger">): RealtimeHub {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const byStall = new Map<string, Set<WebSocket>>();
  const ping = setInterval(() => {
    const text = JSON.stringify(PING);
    for (const sockets of byStall.values()) for (const ws of sockets) ws.send(text);
  }, PING_INTERVAL_MS);
  ping.unref();

  const listen = (ws: WebSocket, stallId: string) => {
    let sockets = byStall.get(stallId);
    if (!sockets) {
      sockets = new Set();
      byStall.set(stallId, sockets);
    }
    sockets.add(ws);
    ws.on("close", () => {
      sockets.delete(ws);
      if (sockets.size === 0 && byStall.get(stallId) === sockets) byStall.delete(stallId);
    });
    // The socket only listens: anything a client sends is ignored.
    ws.on("error", () => ws.terminate());
  };

  return {
    upgrade(req, socket, head) {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname !== SOCKET_PATH) return refuse(socket, 404, "Not Found");
      if (!sameOrigin(req)) return refuse(socket, 403, "Forbidden");
      Tickets.redeem(deps, url.searchParams.get(Tickets.TICKET_PARAM))
        .then((stallId) => {
          if (!stallId) return refuse(socket, 401, "Unauthorized");
          wss.handleUpgrade(req, socket, head, (ws) => listen(ws, stallId));
        })
        .catch((err: Error) => {
          deps.logger.warn("realtime upgrade failed", { error: err.message });
          refuse(socket, 503, "Service Unavailable");
        });
    },
    async announce(message: PaymentMessage) {
      const sockets = byStall.get(message.stallId);
      if (!sockets) return;
      const text = JSON.stringify(message);
      for (const ws of sockets) ws.send(text);
    },
    size: () => [...byStall.values()].reduce((n, s) => n + s.size, 0),
    close() {
      clearInterval(ping);
      for (const sockets of byStall.values()) for (const ws of sockets) ws.terminate();
      byStall.clear();
      wss.close();
    },
  };
}
