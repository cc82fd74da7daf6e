import { createRoute } from "@hono/zod-openapi";
import { Access } from "@market40/core/auth/access";
import { toCsv } from "@market40/core/evaluation/csv";
import * as Evaluations from "@market40/core/evaluation/evaluations";
import { evaluateMarkets, FailedRunSchema } from "@market40/core/evaluation/scheduled";
import * as Market from "@market40/core/market/market";
import { z } from "zod";
import type { Deps } from "../context";
import { bearer, commonErrors, json, jsonBody, router } from "../openapi";

/** Evaluations (docs/contract.md §9): run, the liaison's export, and a market's history. */
export function evaluationRoutes(deps: Deps) {
  const { store } = deps;
  const app = router();

  app.openapi(
    createRoute({
      method: "post",
      path: "/evaluations/run",
      tags: ["Evaluations"],
      summary: "Evaluate every market (or one) for a month or a date range (admin)",
      security: bearer,
      request: { body: jsonBody(Evaluations.EvaluationRunSchema) },
      responses: {
        200: json(z.object({ items: z.array(z.union([Evaluations.EvaluationSchema, FailedRunSchema])) })),
        ...commonErrors,
      },
    }),
    async (c) => {
      Access.admin(c.var.principal);
      const { marketId, ...period } = c.req.valid("json");
      return c.json({ items: await evaluateMarkets(deps, period, marketId, c.var.principal) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/evaluations",
      tags: ["Evaluations"],
      summary: "The latest evaluation of every market for a month, as JSON or CSV (liaison, admin)",
      description:
        "`format=csv`: UTF-8 with BOM, one row per market, a header row of the flattened field names.",
      security: bearer,
      request: {
        query: z.object({
          period: z
            .string()
            .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Expected YYYY-MM")
            .meta({ example: "2026-10" }),
          format: z.enum(["json", "csv"]).default("json"),
        }),
      },
      responses: {
        200: {
          description: "The evaluations",
          content: {
            "application/json": { schema: z.object({ items: z.array(Evaluations.EvaluationSchema) }) },
            "text/csv": { schema: z.string() },
          },
        },
        ...commonErrors,
      },
    }),
    async (c) => {
      Access.readEvaluations(c.var.principal);
      const { period, format } = c.req.valid("query");
      const items = await Evaluations.latestForPeriod(store, period, Access.province(c.var.principal));
      if (format === "csv") {
        c.header("Content-Type", "text/csv; charset=utf-8");
        c.header("Content-Disposition", `attachment; filename="market40-evaluations-${period}.csv"`);
        return c.body(toCsv(items), 200) as never;
      }
      return c.json({ items }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/markets/{id}/evaluations",
      tags: ["Evaluations"],
      summary: "Every version of the market's evaluations, newest first",
      security: bearer,
      request: { params: z.object({ id: z.string().max(40) }) },
      responses: { 200: json(z.object({ items: z.array(Evaluations.EvaluationSchema) })), ...commonErrors },
    }),
    async (c) => {
      const market = await Market.get(store, c.req.valid("param").id);
      Access.readEvaluations(c.var.principal, market);
      return c.json({ items: await Evaluations.historyOf(store, market.id) }, 200);
    },
  );

  return app;
}
