import { createRoute } from "@hono/zod-openapi";
import { Access } from "@market40/core/auth/access";
import { notFound } from "@market40/core/errors";
import * as Fees from "@market40/core/fee/board";
import { FeeScheduleInputSchema, FeeScheduleSchema } from "@market40/core/fee/schedule";
import * as Market from "@market40/core/market/market";
import { z } from "zod";
import type { Deps } from "../context";
import { bearer, commonErrors, conflictError, json, jsonBody, router } from "../openapi";

const MarketParams = z.object({ id: z.string().max(40) });

/** A market board's collection account and fee schedule (docs/contract.md §20). */
export function feeRoutes(deps: Deps) {
  const { store, clock } = deps;
  const app = router();

  app.openapi(
    createRoute({
      method: "get",
      path: "/markets/{id}/fees/account",
      tags: ["Fees"],
      summary: "The market board's collection account (admin, the market's manager)",
      security: bearer,
      request: { params: MarketParams },
      responses: { 200: json(Fees.BoardAccountSchema), ...commonErrors },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      await Market.get(store, id);
      const account = await Fees.boardAccount(store, id);
      if (!account) throw notFound("Board account");
      return c.json(account, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "put",
      path: "/markets/{id}/fees/account",
      tags: ["Fees"],
      summary: "Set or change the market board's collection account (admin, the market's manager)",
      description:
        "Held like a stall's account: no stall or other board may hold the same (BIN, account), and a manager may " +
        "not take an account number another market's stall or board holds at any bank (409, naming neither). Audited.",
      security: bearer,
      request: { params: MarketParams, body: jsonBody(Fees.BoardAccountInputSchema) },
      responses: { 200: json(Fees.BoardAccountSchema), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      return c.json(await Fees.setBoardAccount(store, clock, c.var.principal, id, c.req.valid("json")), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/markets/{id}/fees/schedule",
      tags: ["Fees"],
      summary:
        "The market's fee schedule: every rate with the date it applies from (admin, the market's manager)",
      security: bearer,
      request: { params: MarketParams },
      responses: { 200: json(FeeScheduleSchema), ...commonErrors },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      await Market.get(store, id);
      return c.json(await Fees.schedule(store, id), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "put",
      path: "/markets/{id}/fees/schedule",
      tags: ["Fees"],
      summary: "Replace the market's fee schedule (admin, the market's manager)",
      description:
        "Per session for a phiên market, per day or per month for a daily one. The most specific rate applies (a " +
        "stall's, its category's, the market's), the latest started. A manager may add, change or remove only " +
        "rates starting after today; an admin any. Audited.",
      security: bearer,
      request: { params: MarketParams, body: jsonBody(FeeScheduleInputSchema) },
      responses: { 200: json(FeeScheduleSchema), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      return c.json(await Fees.setSchedule(store, clock, c.var.principal, id, c.req.valid("json")), 200);
    },
  );

  return app;
}
