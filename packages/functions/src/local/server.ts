import { existsSync } from "node:fs";
import { relative, resolve } from "node:path";
import { type ServerType, serve } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
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
  // An open WebSocket would hold `close` up for ever: a stopping server drops its sockets (clients reconnect).
  const http = server as unknown as { close(done?: (err?: Error) => void): unknown };
  const close = http.close.bind(server);
  http.close = (done) => {
    hub.close();
    return close(done);
  };
  return Object.assign(server, { realtime: hub });
}
