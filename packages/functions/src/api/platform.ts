import { randomUUID } from "node:crypto";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv, Deps } from "./context";
import { errorBody, toErrorResponse } from "./errors";
import { API_SECURITY_HEADERS, setHeaders } from "./securityHeaders";

/** Logging, headers and the one error handler every app of ours shares. */
export function platformApp(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();

  // One JSON log line per request: id, route pattern (never the raw path with ids), status, latency.
  app.use("*", async (c, next) => {
    const started = performance.now();
    const requestId = c.req.header("x-request-id")?.slice(0, 64) || randomUUID();
    c.set("requestId", requestId);
    c.header("X-Request-Id", requestId);
    await next();
    deps.logger.info("request", {
      requestId,
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
  app.use("/api/*", setHeaders(API_SECURITY_HEADERS));

  app.notFound((c) => c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((err, c) => toErrorResponse(err, c, deps.logger));
  return app;
}
