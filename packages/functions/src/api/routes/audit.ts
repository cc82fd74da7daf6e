import { createRoute } from "@hono/zod-openapi";
import * as Audit from "@market40/core/audit/audit";
import { Access } from "@market40/core/auth/access";
import { addDays, localDateOf } from "@market40/core/calendar/localDate";
import { validationError } from "@market40/core/errors";
import * as Market from "@market40/core/market/market";
import { LocalDateSchema, PageQuerySchema } from "@market40/core/schemas";
import * as Stall from "@market40/core/stall/stall";
import { z } from "zod";
import type { Deps } from "../context";
import { bearer, commonErrors, json, listOf, router } from "../openapi";

const AuditQuery = z.object({
  marketId: z.string().max(40).optional(),
  from: LocalDateSchema.optional(),
  to: LocalDateSchema.optional(),
  ...PageQuerySchema.shape,
});

/** The audit trail (docs/contract.md §10): read-only; entries are written with the changes they record. */
export function auditRoutes({ store, clock }: Deps) {
  const app = router();

  app.openapi(
    createRoute({
      method: "get",
      path: "/audit",
      tags: ["Audit"],
      summary: "Audit entries, newest first (admin, liaison; a manager for its market)",
      description:
        "`from`/`to` are local dates (default: the last 30 days); `marketId` narrows to one market.",
      security: bearer,
      request: { query: AuditQuery },
      responses: { 200: json(listOf(Audit.AuditEntrySchema)), ...commonErrors },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const market = q.marketId ? await Market.get(store, q.marketId) : null;
      Access.readAudit(c.var.principal, market);
      const province = Access.province(c.var.principal);
      const scope =
        province && !market
          ? new Set((await Market.inProvince(store, province)).map((m) => m.id))
          : undefined;
      const today = localDateOf(clock.now());
      const to = q.to ?? today;
      const from = q.from ?? addDays(to, -30);
      if (from > to)
        throw validationError("The request is not valid", [
          { path: "to", message: "`from` must not be after `to`" },
        ]);
      const page = await Audit.list(store, market?.id ?? null, { from, to }, q, scope);
      return c.json(Audit.asReadBy(c.var.principal.role, page), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/stalls/{stallId}/audit",
      tags: ["Audit"],
      summary: "A stall's audit entries, oldest first (also its vendor)",
      security: bearer,
      request: { params: z.object({ stallId: z.string().max(64) }), query: PageQuerySchema },
      responses: { 200: json(listOf(Audit.AuditEntrySchema)), ...commonErrors },
    }),
    async (c) => {
      const stall = await Stall.get(store, c.req.valid("param").stallId);
      Access.readStallAudit(c.var.principal, stall, await Market.get(store, stall.marketId));
      const page = await Audit.ofStall(store, stall.id, c.req.valid("query"));
      return c.json(Audit.asReadBy(c.var.principal.role, page), 200);
    },
  );

  return app;
}
