import { createRoute } from "@hono/zod-openapi";
import { Access } from "@market40/core/auth/access";
import * as Bills from "@market40/core/fee/billViews";
import * as Receipts from "@market40/core/fee/receipt";
import * as Market from "@market40/core/market/market";
import * as Stall from "@market40/core/stall/stall";
import { z } from "zod";
import type { Deps } from "../context";
import { bearer, commonErrors, errorResponse, json, router } from "../openapi";

const MarketParams = z.object({ id: z.string().max(40) });
const StallParams = z.object({ stallId: z.string().max(64) });
const BillParams = MarketParams.extend({ billId: z.string().max(40) });

/** A market's fee bills, a stall's own, and their receipts (docs/contract.md §20). */
export function feeBillRoutes(deps: Deps) {
  const { store } = deps;
  const app = router();

  app.openapi(
    createRoute({
      method: "get",
      path: "/markets/{id}/fees/bills",
      tags: ["Fees"],
      summary: "The market's bills of a date or a month, by stall code (admin, the market's manager)",
      description:
        "`period` a date: that session's or day's bills; a month: every bill of the month (its days' and its own). " +
        "`status` narrows to one status. Each bill's `id` (its reference's letters and digits) names it in URLs.",
      security: bearer,
      request: { params: MarketParams, query: Bills.BillQuerySchema },
      responses: { 200: json(Bills.BillListSchema), ...commonErrors },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      await Market.get(store, id);
      return c.json({ items: await Bills.ofMarket(store, id, c.req.valid("query")) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/stalls/{stallId}/bills",
      tags: ["Fees"],
      summary: "A stall's bills, newest period first (its vendor, the market's manager, admin)",
      security: bearer,
      request: {
        params: StallParams,
        query: Bills.BillStatusQuerySchema,
      },
      responses: { 200: json(Bills.BillListSchema), ...commonErrors },
    }),
    async (c) => {
      const stall = await Stall.get(store, c.req.valid("param").stallId);
      Access.readStall(c.var.principal, stall);
      return c.json({ items: await Bills.ofStall(store, stall.id, c.req.valid("query").status) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/markets/{id}/fees/bills/{billId}/receipt.pdf",
      tags: ["Fees"],
      summary:
        "A settled bill's receipt (biên lai thu phí) as an A5 PDF (the stall's vendor, the market's manager, admin)",
      description:
        "For a bill paid (by QR or in cash) or partly paid: the market, the board's account holder, the stall and " +
        "its vendor, the period, the reference, the amount received in figures and in Vietnamese words, how and " +
        "when it was paid, and a receipt number (`BL-` and the bill's id; a reprint carries the same). `409` for " +
        "an open or waived bill. The stall's vendor reads its own stall's receipts through this same route.",
      security: bearer,
      request: { params: BillParams },
      responses: {
        200: { description: "The receipt", content: { "application/pdf": { schema: z.string() } } },
        ...commonErrors,
        409: errorResponse("Open (nothing paid) or waived: no receipt"),
      },
    }),
    async (c) => {
      const { id, billId } = c.req.valid("param");
      // Before anything is read: another market's key learns nothing of this market's bills.
      if (c.var.principal.role !== "vendor") Access.manageMarket(c.var.principal, id);
      const bill = await Bills.find(store, id, billId);
      const stall = await Bills.stallOf(store, bill);
      Access.readStall(c.var.principal, stall);
      const file = await Receipts.receipt(deps, bill, stall, { fontDir: deps.config.fontDir });
      c.header("Content-Type", "application/pdf");
      c.header("Content-Disposition", `inline; filename="${file.filename}"`);
      c.header("Cache-Control", "no-store");
      return c.body(file.body as Uint8Array<ArrayBuffer>, 200) as never;
    },
  );

  return app;
}
