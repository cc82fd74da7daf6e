import { createRoute } from "@hono/zod-openapi";
import { Access } from "@market40/core/auth/access";
import { notFound } from "@market40/core/errors";
import { BillSchema, present } from "@market40/core/fee/bill";
import { BillQrSchema, billCode, billImage } from "@market40/core/fee/billQr";
import * as Fees from "@market40/core/fee/board";
import { FeeScheduleInputSchema, FeeScheduleSchema } from "@market40/core/fee/schedule";
import * as Bills from "@market40/core/fee/settlement";
import * as Market from "@market40/core/market/market";
import { DateRangePageQuerySchema, PageQuerySchema, wholeNumberQuery } from "@market40/core/schemas";
import * as Stall from "@market40/core/stall/stall";
import type { MiddlewareHandler } from "hono";
import { etag } from "hono/etag";
import { z } from "zod";
import type { Deps } from "../context";
import { bearer, commonErrors, conflictError, json, jsonBody, listOf, router } from "../openapi";

const MarketParams = z.object({ id: z.string().max(40) });
const BillParams = MarketParams.extend({ billId: z.string().max(120) });
const PaymentParams = MarketParams.extend({ paymentId: z.string().max(140) });
const ImageQuery = z.object({ size: wholeNumberQuery(128, 2048, 512) });

const binary = (type: string, description: string) => ({
  description,
  content: { [type]: { schema: z.string().meta({ format: "binary" }) } },
});

/** A bill's code changes with every payment (the amount owed): revalidated each time, never kept stale. */
const noStale: MiddlewareHandler = async (c, next) => {
  await next();
  c.header("Cache-Control", "private, no-cache");
};

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

  app.openapi(
    createRoute({
      method: "get",
      path: "/markets/{id}/fees/bills",
      tags: ["Fees"],
      summary:
        "The market's bills of a month or of one session or day, by stall or status (admin, the manager)",
      description:
        "By period then stall code order of issue. `stallId` and `status` filter the month's bills, so a page may " +
        "hold fewer than `limit` and still have a `nextCursor`.",
      security: bearer,
      request: { params: MarketParams, query: Bills.BillListQuerySchema },
      responses: { 200: json(listOf(BillSchema)), ...commonErrors },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      await Market.get(store, id);
      const q = c.req.valid("query");
      return c.json(await Bills.listBills(store, clock, id, q, q), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/markets/{id}/fees/bills/{billId}",
      tags: ["Fees"],
      summary: "One bill (admin, the manager, the stall's vendor)",
      security: bearer,
      request: { params: BillParams },
      responses: { 200: json(BillSchema), ...commonErrors },
    }),
    async (c) => {
      const { id, billId } = c.req.valid("param");
      const bill = await Bills.billOf(store, id, billId);
      Access.readStall(c.var.principal, { id: bill.stallId, marketId: id });
      return c.json(present(bill), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/markets/{id}/fees/bills/{billId}/cash",
      tags: ["Fees"],
      summary: "Record that what is owed on a bill was paid in cash (admin, the manager)",
      description:
        "An open or partly paid bill becomes `paid-cash`: `paidCash` is what was still owed. Audited (`bill.paidCash`). " +
        "409 when it is already settled or waived.",
      security: bearer,
      request: { params: BillParams, body: jsonBody(Bills.CashInputSchema) },
      responses: { 200: json(BillSchema), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const { id, billId } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      return c.json(await Bills.recordCash(deps, c.var.principal, id, billId, c.req.valid("json")), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/markets/{id}/fees/bills/{billId}/waive",
      tags: ["Fees"],
      summary: "Waive a bill, with a reason (admin, the manager)",
      description:
        "An open or partly paid bill becomes `waived`; `waivedReason` is required. Audited (`bill.waived`). " +
        "409 when it is already settled or waived.",
      security: bearer,
      request: { params: BillParams, body: jsonBody(Bills.WaiveInputSchema) },
      responses: { 200: json(BillSchema), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const { id, billId } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      return c.json(await Bills.waive(deps, c.var.principal, id, billId, c.req.valid("json")), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/markets/{id}/fees/bills/{billId}/qr",
      tags: ["Fees"],
      summary:
        "The bill's dynamic VietQR: what is owed, to the board's account, its reference as the purpose",
      description:
        "Readable by the stall's vendor and the market's manager (and admin). 409 when nothing is owed or the board " +
        "has no collection account.",
      security: bearer,
      request: { params: BillParams },
      responses: { 200: json(BillQrSchema), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const { id, billId } = c.req.valid("param");
      const bill = await Bills.billOf(store, id, billId);
      Access.readStall(c.var.principal, { id: bill.stallId, marketId: id });
      return c.json(await billCode(store, bill), 200);
    },
  );

  for (const format of ["svg", "png"] as const) {
    app.openapi(
      createRoute({
        method: "get",
        path: `/markets/{id}/fees/bills/{billId}/qr.${format}`,
        tags: ["Fees"],
        summary: `The bill's code as ${format.toUpperCase()} (decodes to exactly the payload)`,
        security: bearer,
        middleware: [etag(), noStale] as const,
        request: { params: BillParams, query: ImageQuery },
        responses: {
          200: binary(format === "svg" ? "image/svg+xml" : "image/png", "The image"),
          304: { description: "Not modified" },
          ...commonErrors,
          ...conflictError,
        },
      }),
      async (c) => {
        const { id, billId } = c.req.valid("param");
        const bill = await Bills.billOf(store, id, billId);
        Access.readStall(c.var.principal, { id: bill.stallId, marketId: id });
        const image = await billImage(store, bill, format, c.req.valid("query").size);
        c.header("Content-Type", image.contentType);
        return c.body(image.body as string, 200) as never;
      },
    );
  }

  app.openapi(
    createRoute({
      method: "get",
      path: "/markets/{id}/fees/payments/waiting",
      tags: ["Fees"],
      summary:
        "Payments to the board's account waiting for the manager: no bill named, or one closed (admin, the manager)",
      security: bearer,
      request: { params: MarketParams, query: PageQuerySchema },
      responses: { 200: json(listOf(Bills.BoardPaymentSchema)), ...commonErrors },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      await Market.get(store, id);
      return c.json(await Bills.waitingPayments(store, id, c.req.valid("query")), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/markets/{id}/fees/payments",
      tags: ["Fees"],
      summary:
        "Payments to the board's account that settle bills, paid between two local dates (admin, the manager)",
      security: bearer,
      request: { params: MarketParams, query: DateRangePageQuerySchema },
      responses: { 200: json(listOf(Bills.BoardPaymentSchema)), ...commonErrors },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      await Market.get(store, id);
      const q = c.req.valid("query");
      return c.json(await Bills.settlingPayments(store, id, q, q), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/markets/{id}/fees/payments/{paymentId}/assign",
      tags: ["Fees"],
      summary: "Give a waiting payment to one of the market's bills (admin, the manager)",
      description:
        "`paymentId` is `provider:id` (or the provider's id alone when unambiguous). In one transaction the payment " +
        "stops waiting and the bill counts it (a bill paid in cash takes it as excess); audited " +
        "(`bill.paymentAssigned`). 409 when it settles a bill already or the bill was waived.",
      security: bearer,
      request: { params: PaymentParams, body: jsonBody(Bills.AssignBoardPaymentSchema) },
      responses: { 200: json(BillSchema), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const { id, paymentId } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      return c.json(
        await Bills.assignPayment(deps, c.var.principal, id, paymentId, c.req.valid("json")),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/stalls/{stallId}/bills",
      tags: ["Fees"],
      summary: "A stall's fee bills, newest period first (its vendor, its manager, admin)",
      security: bearer,
      request: { params: z.object({ stallId: z.string().max(64) }), query: Bills.StallBillQuerySchema },
      responses: { 200: json(listOf(BillSchema)), ...commonErrors },
    }),
    async (c) => {
      const stall = await Stall.get(store, c.req.valid("param").stallId);
      Access.readStall(c.var.principal, stall);
      const q = c.req.valid("query");
      return c.json(await Bills.stallBills(store, stall.id, q.status, q), 200);
    },
  );

  return app;
}
