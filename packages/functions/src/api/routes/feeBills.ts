import { createRoute } from "@hono/zod-openapi";
import { Access } from "@market40/core/auth/access";
import * as Receipts from "@market40/core/fee/receipt";
import * as Settlement from "@market40/core/fee/settlement";
import * as Stall from "@market40/core/stall/stall";
import { z } from "zod";
import type { Deps } from "../context";
import { bearer, commonErrors, errorResponse, router } from "../openapi";

const MarketParams = z.object({ id: z.string().max(40) });
const BillParams = MarketParams.extend({ billId: z.string().max(120) });

/** A settled fee bill's receipt (docs/contract.md §20); the bills themselves are listed by routes/fees.ts. */
export function feeBillRoutes(deps: Deps) {
  const { store } = deps;
  const app = router();

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
        "when it was paid, and a receipt number (`BL-` and the reference's letters and digits; a reprint carries " +
        "the same). `409` for " +
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
      const bill = await Settlement.billOf(store, id, billId);
      const stall = await Stall.get(store, bill.stallId);
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
