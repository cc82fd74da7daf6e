import { createRoute } from "@hono/zod-openapi";
import { Access } from "@market40/core/auth/access";
import { assertRangeLength } from "@market40/core/calendar/localDate";
import {
  getMapping,
  StatementMappingInputSchema,
  StatementMappingSchema,
  setMapping,
} from "@market40/core/callback/bankStatement";
import { reconcileUpload } from "@market40/core/callback/exports";
import { AssignPaymentSchema, assignUnmatched } from "@market40/core/callback/matching";
import { ReconciliationReportSchema } from "@market40/core/callback/reconcile";
import * as Transactions from "@market40/core/callback/transactions";
import { PROVIDERS } from "@market40/core/callback/types";
import * as Market from "@market40/core/market/market";
import { languageOf, translate } from "@market40/core/messages";
import { DateRangePageQuerySchema, PageQuerySchema } from "@market40/core/schemas";
import * as Stall from "@market40/core/stall/stall";
import { z } from "zod";
import type { Deps } from "../context";
import {
  bearer,
  commonErrors,
  conflictError,
  csvLimit,
  json,
  jsonBody,
  listOf,
  readTableUpload,
  router,
  tableRequestBody,
  tooLargeError,
} from "../openapi";

const RangePage = DateRangePageQuerySchema;

const checkRange = (range: { from: string; to: string }) => assertRangeLength(range.from, range.to);

/** Transaction listings (docs/contract.md §6) and the unmatched queue. */
export function transactionRoutes(deps: Deps) {
  const { store } = deps;
  const app = router();

  app.openapi(
    createRoute({
      method: "get",
      path: "/stalls/{stallId}/transactions",
      tags: ["Transactions"],
      summary: "A stall's transactions paid between two local dates (its vendor, its manager, admin)",
      security: bearer,
      request: { params: z.object({ stallId: z.string().max(64) }), query: RangePage },
      responses: { 200: json(listOf(Transactions.TransactionSchema)), ...commonErrors },
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
      responses: { 200: json(listOf(Transactions.TransactionSchema)), ...commonErrors },
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
        200: json(listOf(Transactions.UnmatchedTransactionSchema)),
        ...commonErrors,
      },
    }),
    async (c) => {
      Access.admin(c.var.principal);
      return c.json(await Transactions.listUnmatched(store, c.req.valid("query")), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/callbacks/unmatched/{id}/assign",
      tags: ["Callbacks"],
      summary: "Give a waiting payment to a stall (admin); audited",
      description:
        "`id` is the payment's id as the unmatched list shows it, or `provider:id` when two providers used the same id. " +
        "A suspended stall is refused (409); a stall whose account is not the one paid needs a written `reason` (400 without).",
      security: bearer,
      request: {
        params: z.object({ id: z.string().min(1).max(140) }),
        body: jsonBody(AssignPaymentSchema),
      },
      responses: { 200: json(Transactions.TransactionSchema), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      Access.admin(c.var.principal);
      const txn = await assignUnmatched(deps, c.var.principal, c.req.valid("param").id, c.req.valid("json"));
      return c.json(Transactions.present(txn), 200);
    },
  );

  return app;
}

/** Statement reconciliation (admin): what a provider sent that we lack, and the reverse. */
export function reconciliationRoutes(deps: Deps) {
  const app = router();
  app.openapi(
    createRoute({
      method: "post",
      path: "/reconciliation/{provider}",
      tags: ["Callbacks"],
      summary:
        "Compare a provider's statement with stored transactions; optionally ingest what is missing (admin)",
      description:
        "CSV with header `id,paidAt,accountNumber,amount,description` and optional `bin`; `paidAt` ISO 8601 with an " +
        "offset or local `YYYY-MM-DD HH:mm:ss`. For `sepay` and `casso`, also their transaction export as `.xlsx` or " +
        'CSV (columns in docs/callbacks.md, "Reconciling with a provider\'s export"); bad rows are reported by line ' +
        "(the sheet's row) with the column and the value as received, in the `Accept-Language` language. `?ingest=true` stores the missing rows through the exactly-once path (`source: statement`) and writes one " +
        "`statement.ingested` audit entry (provider, the file's SHA-256, count and total stored) in the same transactions.",
      security: bearer,
      request: {
        params: z.object({ provider: z.enum(PROVIDERS) }),
        query: z.object({
          ingest: z.enum(["true", "false"]).default("false"),
          bank: z
            .string()
            .regex(/^\d{6}$/)
            .optional()
            .describe(
              "The BIN of a bank whose own statement this is: read through the column mapping set at " +
                "`PUT /api/reconciliation/mappings/{bin}`, its rows compared with stored payments by the bank's reference",
            ),
        }),
        body: tableRequestBody,
      },
      middleware: [csvLimit] as const,
      responses: { 200: json(ReconciliationReportSchema), ...commonErrors, ...tooLargeError },
    }),
    async (c) => {
      Access.admin(c.var.principal);
      const body = await readTableUpload(c);
      const report = await reconcileUpload(deps, c.var.principal, c.req.valid("param").provider, body, {
        ingestMissing: c.req.valid("query").ingest === "true",
        ...(c.req.valid("query").bank ? { bank: c.req.valid("query").bank } : {}),
      });
      const lang = languageOf(c.req.header("accept-language"));
      c.header("Content-Language", lang);
      return c.json(
        { ...report, errors: report.errors.map((e) => ({ ...e, message: translate(e.message, lang) })) },
        200,
      );
    },
  );

  const bin = z.object({ bin: z.string().regex(/^\d{6}$/, "a 6-digit bank BIN") });
  app.openapi(
    createRoute({
      method: "get",
      path: "/reconciliation/mappings/{bin}",
      tags: ["Callbacks"],
      summary: "The column mapping remembered for a bank's statement (admin)",
      security: bearer,
      request: { params: bin },
      responses: { 200: json(StatementMappingSchema), ...commonErrors },
    }),
    async (c) => {
      Access.admin(c.var.principal);
      return c.json(await getMapping(deps.store, c.req.valid("param").bin), 200);
    },
  );
  app.openapi(
    createRoute({
      method: "put",
      path: "/reconciliation/mappings/{bin}",
      tags: ["Callbacks"],
      summary: "Set which columns of a bank's statement hold what, once per bank (admin; audited)",
      description:
        "Headers as the bank's file names them (compared without case, accents, spaces or punctuation): the bank's " +
        "reference, the date and time with its format (`dd`, `MM`, `yyyy`, `HH`, `mm`, `ss`), the credit amount, " +
        "the account number's column or one fixed account, and optionally the description. Writes a " +
        "`statement.mappingChanged` audit entry with what changed.",
      security: bearer,
      request: { params: bin, body: jsonBody(StatementMappingInputSchema) },
      responses: { 200: json(StatementMappingSchema), ...commonErrors },
    }),
    async (c) => {
      Access.admin(c.var.principal);
      return c.json(
        await setMapping(deps, c.var.principal, c.req.valid("param").bin, c.req.valid("json")),
        200,
      );
    },
  );
  return app;
}
