import { createRoute } from "@hono/zod-openapi";
import { Access } from "@market40/core/auth/access";
import { claimUnmatched } from "@market40/core/callback/ingest";
import * as Market from "@market40/core/market/market";
import { PageQuerySchema } from "@market40/core/schemas";
import { importCsv } from "@market40/core/stall/import";
import * as Stall from "@market40/core/stall/stall";
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
import { StallSchema } from "../schemas";

const MarketParams = z.object({ id: z.string().max(40) });
const StallParams = z.object({ stallId: z.string().max(64) });

/** Stalls and their CSV import (contract §4). */
export function stallRoutes(deps: Deps) {
  const { store, clock } = deps;
  const app = router();

  /** Payments that arrived before their account was registered are matched and counted now. */
  async function claimFor(stalls: Stall.Stall[]) {
    for (let i = 0; i < stalls.length; i += 16)
      await Promise.all(
        stalls.slice(i, i + 16).map((s) =>
          claimUnmatched(deps, {
            id: s.id,
            marketId: s.marketId,
            bin: s.bank.bin,
            accountNumber: s.bank.accountNumber,
          }),
        ),
      );
  }

  app.openapi(
    createRoute({
      method: "post",
      path: "/markets/{id}/stalls",
      tags: ["Stalls"],
      summary: "Register a stall (admin, the market's manager)",
      security: bearer,
      request: { params: MarketParams, body: jsonBody(Stall.StallInputSchema) },
      responses: { 201: json(StallSchema, "Created"), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      await Market.get(store, id);
      const stall = await Stall.register(store, clock, id, c.req.valid("json"));
      await claimFor([stall]);
      return c.json(stall, 201);
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
      responses: { 200: json(listOf(StallSchema)), ...commonErrors },
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
        200: json(
          z.object({
            created: z.number(),
            skipped: z.number(),
            errors: z.array(z.object({ line: z.number(), message: z.string() })),
          }),
        ),
        ...commonErrors,
        ...tooLargeError,
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      await Market.get(store, id);
      const body = await readCsv(c);
      return c.json(await importCsv(store, clock, id, body, claimFor), 200);
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
      responses: { 200: json(StallSchema), ...commonErrors },
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
      responses: { 200: json(StallSchema), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const { stallId } = c.req.valid("param");
      const stall = await Stall.get(store, stallId);
      Access.manageMarket(c.var.principal, stall.marketId);
      const updated = await Stall.update(store, clock, stallId, c.req.valid("json"));
      if (updated.bank.accountNumber !== stall.bank.accountNumber || updated.bank.bin !== stall.bank.bin)
        await claimFor([updated]);
      return c.json(updated, 200);
    },
  );

  return app;
}
