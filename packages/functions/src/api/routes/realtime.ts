import { createRoute } from "@hono/zod-openapi";
import { Access } from "@market40/core/auth/access";
import { DomainError } from "@market40/core/errors";
import { PaymentMessageSchema } from "@market40/core/realtime/announcement";
import * as Tickets from "@market40/core/realtime/tickets";
import * as Stall from "@market40/core/stall/stall";
import type { Deps } from "../context";
import { bearer, commonErrors, json, jsonBody, router } from "../openapi";

/** Where the local server serves the socket (local/realtimeHub.ts). */
export const SOCKET_PATH = "/api/realtime/socket";

/**
 * Where sockets are opened: the WebSocket API in AWS; locally this server's socket path under the configured public
 * address — never the request's `Host`, which the caller writes.
 */
function socketUrl(deps: Deps): string {
  if (deps.config.realtimeUrl) return deps.config.realtimeUrl;
  if (!deps.config.publicUrl)
    throw new DomainError("unavailable", "The web app's public address is not configured yet; retry later");
  const base = new URL(deps.config.publicUrl);
  return `${base.protocol === "https:" ? "wss:" : "ws:"}//${base.host}${SOCKET_PATH}`;
}

/** Payments as they happen (docs/contract.md §14): a ticket to open the stall's WebSocket. */
export function realtimeRoutes(deps: Deps) {
  const app = router();

  app.openapi(
    createRoute({
      method: "post",
      path: "/realtime/tickets",
      tags: ["Realtime"],
      summary: "A single-use WebSocket ticket for a stall's payments (its vendor, its manager, admin)",
      description:
        'The `url` opens a WebSocket within 60 s, once. It then receives `{type: "payment", id, stallId, ' +
        'amount, paidAt, description}` for each newly stored payment of the stall (never a duplicate) and `{type: "ping"}` ' +
        "every 30 s.",
      security: bearer,
      request: { body: jsonBody(Tickets.TicketRequestSchema) },
      responses: { 201: json(Tickets.TicketSchema, "Created"), ...commonErrors },
    }),
    async (c) => {
      const stall = await Stall.get(deps.store, c.req.valid("json").stallId);
      Access.readStall(c.var.principal, stall);
      return c.json(await Tickets.issue(deps, c.var.principal, stall.id, socketUrl(deps)), 201);
    },
  );

  // What the socket sends: documented as a component (a WebSocket message has no OpenAPI operation).
  // A copy made now: zod gives a schema its methods when it is made, so one made before @hono/zod-openapi extended
  // zod (core's module evaluated first) has no `.openapi`, which registering calls.
  app.openAPIRegistry.register("RealtimePayment", PaymentMessageSchema.clone());
  return app;
}
