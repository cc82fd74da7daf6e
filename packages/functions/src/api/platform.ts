import { OpenAPIHono } from "@hono/zod-openapi";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv, Deps } from "./context";
import { errorBody, sendError, toErrorResponse } from "./errors";

/**
 * Headers on every API answer: JSON, PNG, SVG and PDF are never to be sniffed, framed or run as a page. Hono's
 * defaults, except the cross-origin resource rule: the web app may be served from another origin (CloudFront).
 */
const apiSecurityHeaders = secureHeaders({
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  xFrameOptions: "DENY",
  crossOriginResourcePolicy: false,
});

/** Request ids, logging, headers and the one error handler every app of ours shares. */
export function platformApp(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();

  // A caller's own id is kept when it is short and plain (it ends up in our logs); otherwise one is made.
  app.use("*", requestId({ limitLength: 64 }));
  // One JSON log line per request: id, route pattern (never the raw path with ids), status, latency.
  app.use("*", async (c, next) => {
    const started = performance.now();
    await next();
    deps.logger.info("request", {
      requestId: c.var.requestId,
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      latencyMs: Math.round((performance.now() - started) * 10) / 10,
      role: c.get("principal")?.role,
    });
  });

  app.use("/api/*", async (c, next) => {
    c.header("Cache-Control", "no-store");
    await next();
  });
  app.use("/api/*", apiSecurityHeaders);

  app.notFound((c) =>
    sendError(c, errorBody("not_found", `No route for ${c.req.method} ${c.req.path}`), 404),
  );
  app.onError((err, c) => toErrorResponse(err, c, deps.logger));
  return app;
}
