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
      const p = c.var.principal;
      if (p.role === "manager") {
        const own = await Market.find(store, p.marketId!);
        return c.json({ items: own ? [own] : [] }, 200);
      }
      if (p.role !== "admin" && p.role !== "liaison") Access.admin(p);
      return c.json(await Market.list(store, c.req.valid("query")), 200);
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
      const { id } = c.req.valid("param");
      Access.readMarket(c.var.principal, id);
      return c.json(await Market.get(store, id), 200);
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
      const { id } = c.req.valid("param");
      Access.readMarket(c.var.principal, id);
      const { from, to } = c.req.valid("query");
      const market = await Market.get(store, id);
      return c.json({ items: Market.sessions(market, from, to) }, 200);
    },
  );

  return app;
}
