import { createRoute } from "@hono/zod-openapi";
import { Access } from "@market40/core/auth/access";
import * as Market from "@market40/core/market/market";
import { PageQuerySchema } from "@market40/core/schemas";
import { ImportResultSchema } from "@market40/core/stall/import";
import * as Stall from "@market40/core/stall/stall";
import * as Stalls from "@market40/core/stall/workflows";
import { z } from "zod";
import type { Deps } from "../context";
import {
  bearer,
  commonErrors,
  conflictError,
  csvLimit,
  csvRequestBody,
  json,
  jsonBody,
  listOf,
  readCsv,
  router,
  tooLargeError,
} from "../openapi";

const MarketParams = z.object({ id: z.string().max(40) });
const StallParams = z.object({ stallId: z.string().max(64) });

/** Stalls and their CSV import (docs/contract.md §4). */
export function stallRoutes(deps: Deps) {
  const { store } = deps;
  const app = router();

  app.openapi(
    createRoute({
      method: "post",
      path: "/markets/{id}/stalls",
      tags: ["Stalls"],
      summary: "Register a stall (admin, the market's manager)",
      security: bearer,
      request: { params: MarketParams, body: jsonBody(Stall.StallInputSchema) },
      responses: { 201: json(Stall.StallSchema, "Created"), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      return c.json(await Stalls.registerStall(deps, c.var.principal, id, c.req.valid("json")), 201);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/markets/{id}/stalls",
      tags: ["Stalls"],
      summary: "A market's stalls in code order, phone and account masked",
      security: bearer,
      request: { params: MarketParams, query: PageQuerySchema },
      responses: { 200: json(listOf(Stall.StallSchema)), ...commonErrors },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      await Market.get(store, id);
      const page = await Stall.listByMarket(store, id, c.req.valid("query"));
      return c.json({ ...page, items: page.items.map(Stall.masked) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/markets/{id}/stalls/import",
      tags: ["Stalls"],
      summary: "Import stalls from CSV (UTF-8, BOM allowed)",
      description:
        "Header `code,vendorName,phone,category,bankBin,accountNumber,accountName`. Good rows are created, bad rows " +
        "are reported by line and create nothing; rows matching an existing stall are skipped.",
      security: bearer,
      request: {
        params: MarketParams,
        body: csvRequestBody,
      },
      middleware: [csvLimit] as const,
      responses: {
        200: json(ImportResultSchema),
        ...commonErrors,
        ...tooLargeError,
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      return c.json(await Stalls.importStalls(deps, c.var.principal, id, await readCsv(c)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/stalls/{stallId}",
      tags: ["Stalls"],
      summary: "One stall, unmasked (admin, its manager, its vendor)",
      security: bearer,
      request: { params: StallParams },
      responses: { 200: json(Stall.StallSchema), ...commonErrors },
    }),
    async (c) => {
      const stall = await Stall.get(store, c.req.valid("param").stallId);
      Access.readStall(c.var.principal, stall);
      return c.json(stall, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "patch",
      path: "/stalls/{stallId}",
      tags: ["Stalls"],
      summary: "Change or suspend a stall (admin, its manager)",
      security: bearer,
      request: { params: StallParams, body: jsonBody(Stall.StallPatchSchema) },
      responses: { 200: json(Stall.StallSchema), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const stall = await Stall.get(store, c.req.valid("param").stallId);
      Access.manageMarket(c.var.principal, stall.marketId);
      return c.json(await Stalls.changeStall(deps, c.var.principal, stall, c.req.valid("json")), 200);
    },
  );

  return app;
}
