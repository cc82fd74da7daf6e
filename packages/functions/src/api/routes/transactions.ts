import { createRoute } from "@hono/zod-openapi";
import { Access } from "@market40/core/auth/access";
import { daysBetween } from "@market40/core/calendar/localDate";
import * as Transactions from "@market40/core/callback/transactions";
import { validationError } from "@market40/core/errors";
import * as Market from "@market40/core/market/market";
import { DateRangePageQuerySchema, PageQuerySchema } from "@market40/core/schemas";
import * as Stall from "@market40/core/stall/stall";
import { z } from "zod";
import type { Deps } from "../context";
import { bearer, commonErrors, json, listOf, router } from "../openapi";

export const TransactionSchema = z
  .object({
    id: z.string(),
    provider: z.string(),
    stallId: z.string().nullable(),
    marketId: z.string().nullable(),
    amount: z.number().int(),
    paidAt: z.string(),
    receivedAt: z.string(),
    description: z.string(),
    accountNumber: z.string().meta({ description: "Receiving account, masked" }),
  })
  .meta({ id: "Transaction" });

const RangePage = DateRangePageQuerySchema;

function checkRange(range: { from: string; to: string }) {
  if (daysBetween(range.from, range.to) > 366)
    throw validationError("The range may cover at most 366 days", [
      { path: "to", message: "Range too long" },
    ]);
}

/** Transaction listings (contract §6) and the unmatched queue. */
export function transactionRoutes({ store }: Deps) {
  const app = router();

  app.openapi(
    createRoute({
      method: "get",
      path: "/stalls/{stallId}/transactions",
      tags: ["Transactions"],
      summary: "A stall's transactions paid between two local dates (its vendor, its manager, admin)",
      security: bearer,
      request: { params: z.object({ stallId: z.string().max(64) }), query: RangePage },
      responses: { 200: json(listOf(TransactionSchema)), ...commonErrors },
    }),
    async (c) => {
      const stall = await Stall.get(store, c.req.valid("param").stallId);
      Access.readStall(c.var.principal, stall);
      const q = c.req.valid("query");
      checkRange(q);
      return c.json(await Transactions.listForStall(store, stall.id, q, q), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/markets/{id}/transactions",
      tags: ["Transactions"],
      summary: "A market's transactions paid between two local dates",
      security: bearer,
      request: { params: z.object({ id: z.string().max(40) }), query: RangePage },
      responses: { 200: json(listOf(TransactionSchema)), ...commonErrors },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      await Market.get(store, id);
      const q = c.req.valid("query");
      checkRange(q);
      return c.json(await Transactions.listForMarket(store, id, q, q), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/callbacks/unmatched",
      tags: ["Callbacks"],
      summary: "Transactions whose account no stall has yet (admin)",
      security: bearer,
      request: { query: PageQuerySchema },
      responses: {
        200: json(listOf(TransactionSchema.extend({ bin: z.string().nullable() }))),
        ...commonErrors,
      },
    }),
    async (c) => {
      Access.admin(c.var.principal);
      return c.json(await Transactions.listUnmatched(store, c.req.valid("query")), 200);
    },
  );

  return app;
}
