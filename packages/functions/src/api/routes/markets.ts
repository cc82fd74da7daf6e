import { createRoute } from "@hono/zod-openapi";
import { Access } from "@market40/core/auth/access";
import * as Market from "@market40/core/market/market";
import { DateRangeQuerySchema, PageQuerySchema } from "@market40/core/schemas";
import { z } from "zod";
import type { Deps } from "../context";
import { bearer, commonErrors, conflictError, json, jsonBody, listOf, router } from "../openapi";

const MarketParams = z.object({ id: z.string().max(40) });

/** Markets and their session calendars (docs/contract.md §3). */
export function marketRoutes({ store, clock }: Deps) {
  const app = router();

  app.openapi(
    createRoute({
      method: "post",
      path: "/markets",
      tags: ["Markets"],
      summary: "Register a market (admin)",
      security: bearer,
      request: { body: jsonBody(Market.MarketInputSchema) },
      responses: { 201: json(Market.MarketSchema, "Created"), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      Access.admin(c.var.principal);
      return c.json(await Market.create(store, clock, c.req.valid("json"), c.var.principal), 201);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/markets",
      tags: ["Markets"],
      summary: "List markets (a manager sees its own)",
      security: bearer,
      request: { query: PageQuerySchema },
      responses: { 200: json(listOf(Market.MarketSchema)), ...commonErrors },
    }),
    async (c) => {
      Access.listMarkets(c.var.principal);
      return c.json(await Market.listFor(store, c.var.principal, c.req.valid("query")), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/markets/{id}",
      tags: ["Markets"],
      summary: "One market",
      security: bearer,
      request: { params: MarketParams },
      responses: { 200: json(Market.MarketSchema), ...commonErrors },
    }),
    async (c) => {
      const market = await Market.get(store, c.req.valid("param").id);
      Access.readMarket(c.var.principal, market);
      return c.json(market, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "patch",
      path: "/markets/{id}",
      tags: ["Markets"],
      summary: "Change a market's details, hours or closures (admin, its manager)",
      security: bearer,
      request: { params: MarketParams, body: jsonBody(Market.MarketPatchSchema) },
      responses: { 200: json(Market.MarketSchema), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      return c.json(await Market.update(store, clock, c.var.principal, id, c.req.valid("json")), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/markets/{id}/sessions",
      tags: ["Markets"],
      summary: "Scheduled sessions in a date range (at most 366 days)",
      security: bearer,
      request: { params: MarketParams, query: DateRangeQuerySchema },
      responses: { 200: json(z.object({ items: z.array(Market.SessionSchema) })), ...commonErrors },
    }),
    async (c) => {
      const market = await Market.get(store, c.req.valid("param").id);
      Access.readMarket(c.var.principal, market);
      const { from, to } = c.req.valid("query");
      return c.json({ items: Market.sessions(market, from, to) }, 200);
    },
  );

  return app;
}
