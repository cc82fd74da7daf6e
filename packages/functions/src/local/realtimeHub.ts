import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import {
  CLOSE_CODES,
  CLOSE_REASONS,
  type CloseReason,
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

/** Sockets the whole process holds at most: beyond it a new one is refused (503) before it is opened. */
export const MAX_SOCKETS = 5_000;

/** How often open sockets' keys are checked: a revoked key's sockets close within this (docs/contract.md §14). */
export const KEY_CHECK_INTERVAL_MS = PING_INTERVAL_MS;

export function realtimeHub(
  deps: Pick<Deps, "store" | "clock" | "logger">,
  limits: { maxSockets?: number; keyCheckMs?: number } = {},
): RealtimeHub {
  const maxSockets = limits.maxSockets ?? MAX_SOCKETS;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const byStall = new Map<string, Set<WebSocket>>();
  /** Each key's sockets, oldest first. */
  const byKey = new Map<string, WebSocket[]>();
  let open = 0;
  let pending = 0;
  const ping = setInterval(() => {
    const text = JSON.stringify(PING);
    for (const sockets of byStall.values()) for (const ws of sockets) ws.send(text);
  }, PING_INTERVAL_MS);
  ping.unref();

  const end = (ws: WebSocket, reason: CloseReason) => ws.close(CLOSE_CODES[reason], CLOSE_REASONS[reason]);

  // A key revoked while its sockets are open: they are closed at the next check (every 30 s).
  let checking = false;
  const keyCheck = setInterval(async () => {
    if (checking || byKey.size === 0) return;
    checking = true;
    try {
      for (const [keyId, sockets] of [...byKey]) {
        if (!(await Tickets.keyIsLive(deps.store, keyId))) for (const ws of [...sockets]) end(ws, "revoked");
      }
    } catch (err) {
      deps.logger.warn("realtime key check failed", { error: (err as Error).message });
    } finally {
      checking = false;
    }
  }, limits.keyCheckMs ?? KEY_CHECK_INTERVAL_MS);
  keyCheck.unref();

  const listen = (ws: WebSocket, stallId: string, keyId: string) => {
    let sockets = byStall.get(stallId);
    if (!sockets) {
      sockets = new Set();
      byStall.set(stallId, sockets);
    }
    sockets.add(ws);
    open++;
    const ofKey = byKey.get(keyId) ?? [];
    byKey.set(keyId, ofKey);
    ofKey.push(ws);
    // A key holds a few sockets at most: its newest opened, so the oldest is closed (a phone left open elsewhere).
    while (ofKey.length > Tickets.SOCKETS_PER_KEY) end(ofKey.shift()!, "replaced");
    ws.on("close", () => {
      open--;
      sockets.delete(ws);
      if (sockets.size === 0 && byStall.get(stallId) === sockets) byStall.delete(stallId);
      const at = ofKey.indexOf(ws);
      if (at >= 0) ofKey.splice(at, 1);
      if (ofKey.length === 0 && byKey.get(keyId) === ofKey) byKey.delete(keyId);
    });
    // The socket only listens: anything a client sends is ignored.
    ws.on("error", () => ws.terminate());
  };

  return {
    upgrade(req, socket, head) {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname !== SOCKET_PATH) return refuse(socket, 404, "Not Found");
      if (!sameOrigin(req)) return refuse(socket, 403, "Forbidden");
      // The process-wide cap, counting upgrades under way: refused before the ticket is even read.
      if (open + pending >= maxSockets) return refuse(socket, 503, "Service Unavailable");
      pending++;
      Tickets.redeem(deps, url.searchParams.get(Tickets.TICKET_PARAM))
        .then((opened) => {
          pending--;
          if (!opened) return refuse(socket, 401, "Unauthorized");
          wss.handleUpgrade(req, socket, head, (ws) => listen(ws, opened.stallId, opened.keyId));
        })
        .catch((err: Error) => {
          pending--;
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
    size: () => open,
    close() {
      clearInterval(ping);
      clearInterval(keyCheck);
      for (const sockets of byStall.values()) for (const ws of sockets) ws.terminate();
      byStall.clear();
      byKey.clear();
      wss.close();
    },
  };
}
