import { existsSync } from "node:fs";
import { relative, resolve } from "node:path";
import { type ServerType, serve } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import { localize } from "@market40/core/messages";
import { webSecurityHeaders } from "@market40/web/securityPolicy";
import { Hono } from "hono";
import { createApp } from "../api/app";
import type { Deps } from "../api/context";
import { errorBody, sendError } from "../api/errors";
import { setHeaders } from "../api/securityHeaders";
import { type RealtimeHub, realtimeHub } from "./realtimeHub";

/** The web UI's built files (`npm install` and `npm start` build them with Vite). */
export function webRoot(): string {
  const dist = resolve(import.meta.dirname, "../../../web/dist");
  if (!existsSync(dist)) throw new Error("The web UI is not built: run `npm run build:web`");
  return dist;
}

/** The API and the web UI on one origin, as a plain Node HTTP server. */
export function createLocalApp(deps: Deps) {
  const api = createApp(deps);
  const root = relative(process.cwd(), webRoot()) || ".";
  const site = new Hono();
  site.route("/", api);
  // An API path nothing answers is a 404 in the error envelope, never the web app's page with a 200.
  site.all("/api", (c) =>
    sendError(c, errorBody("not_found", `No route for ${c.req.method} ${c.req.path}`), 404),
  );
  site.all("/api/*", (c) =>
    sendError(c, errorBody("not_found", `No route for ${c.req.method} ${c.req.path}`), 404),
  );
  site.use("/*", setHeaders(webSecurityHeaders()));
  site.use("/*", serveStatic({ root }));
  // Client-side routes fall back to the app shell.
  site.get("/*", serveStatic({ root, path: "index.html" }));
  return site;
}

/**
 * Serves the app, and its payment WebSockets on the same port (local/realtimeHub.ts): the callback route announces
 * each new payment to this server's sockets. Closing the server closes its sockets too.
 */
export async function listen(
  deps: Deps,
  port: number,
  hostname: string,
  realtime?: Parameters<typeof realtimeHub>[1],
): Promise<ServerType & { realtime: RealtimeHub }> {
  const hub = realtimeHub(deps, realtime);
  const app = createLocalApp({ ...deps, announcer: hub });
  const server = await new Promise<ServerType>((res, rej) => {
    const s = serve({ fetch: app.fetch, port, hostname }, () => res(s));
    s.once("error", rej);
  });
  server.on("upgrade", hub.upgrade);
  // Node answers headers over its 16 KiB limit with a bare 431 before any route runs: answer it in the error
  // envelope instead (Vietnamese: the headers that would say otherwise were not read).
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const [status, text, code, message] =
      err.code === "HPE_HEADER_OVERFLOW"
        ? [431, "Request Header Fields Too Large", "validation_error", "Request headers are too large"]
        : [400, "Bad Request", "validation_error", "The request is not valid"];
    const body = JSON.stringify(localize(errorBody(code as "validation_error", message), "vi"));
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Language: vi\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  // An open WebSocket would hold `close` up for ever: a stopping server drops its sockets (clients reconnect).
  const http = server as unknown as { close(done?: (err?: Error) => void): unknown };
  const close = http.close.bind(server);
  http.close = (done) => {
    hub.close();
    return close(done);
  };
  return Object.assign(server, { realtime: hub });
}
