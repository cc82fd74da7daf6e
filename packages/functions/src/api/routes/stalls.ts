import { createRoute } from "@hono/zod-openapi";
import { Access } from "@market40/core/auth/access";
import * as Market from "@market40/core/market/market";
import { languageOf, translate } from "@market40/core/messages";
import { XLSX_TYPE } from "@market40/core/report/workbook";
import { PageQuerySchema } from "@market40/core/schemas";
import { IMPORT_TEMPLATE, ImportResultSchema } from "@market40/core/stall/import";
import { renderImportTemplate } from "@market40/core/stall/importTemplate";
import * as Stall from "@market40/core/stall/stall";
import * as Stalls from "@market40/core/stall/workflows";
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
      summary: "A market's stalls in code order, phone and account masked unless `reveal=1`",
      description:
        "`reveal=1` gives phones and account numbers in full, for the manager's stalls screen (calling a vendor, " +
        "searching by phone or account). Only the market's manager and admins list stalls at all.",
      security: bearer,
      request: {
        params: MarketParams,
        query: PageQuerySchema.extend({ reveal: z.enum(["0", "1"]).optional() }),
      },
      responses: { 200: json(listOf(Stall.StallSchema)), ...commonErrors },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      await Market.get(store, id);
      const query = c.req.valid("query");
      const page = await Stall.listByMarket(store, id, query);
      return c.json(query.reveal === "1" ? page : { ...page, items: page.items.map(Stall.masked) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/markets/{id}/stalls/import",
      tags: ["Stalls"],
      summary: "Import stalls from Excel (.xlsx, first sheet) or CSV (UTF-8, BOM allowed)",
      description:
        "Columns `code,vendorName,phone,category,bankBin,accountNumber,accountName`, or their Vietnamese names " +
        "(`Mã quầy`, `Tên người bán`, `Số điện thoại`, `Ngành hàng`, `Ngân hàng`, `Số tài khoản`, `Chủ tài khoản`; " +
        "the alias table is docs/contract.md §4), in any order; CSV separated by `,` or `;` (as the header line is). " +
        "`bankBin` is a 6-digit BIN or a bank's short name or code (`Agribank`, `VCB`). Spaces, dots and dashes in " +
        "account numbers and phones are removed; a number Excel turned into scientific notation, a phone that lost " +
        "its leading 0, or (in .xlsx) an account number stored as a number is refused with the value as received. " +
        "Good rows are created; bad rows are reported by line (the sheet's row) and stall code, in the " +
        "`Accept-Language` language, and create nothing; rows matching an existing stall are skipped.",
      security: bearer,
      request: {
        params: MarketParams,
        body: tableRequestBody,
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
      const report = await Stalls.importStalls(deps, c.var.principal, id, await readTableUpload(c));
      const lang = languageOf(c.req.header("accept-language"));
      c.header("Content-Language", lang);
      return c.json(
        { ...report, errors: report.errors.map((e) => ({ ...e, message: translate(e.message, lang) })) },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/markets/{id}/stalls/import/template.csv",
      tags: ["Stalls"],
      summary:
        "The import template as CSV: Vietnamese headers and one example row (`;`, UTF-8 with BOM, opens in Excel)",
      security: bearer,
      request: { params: MarketParams },
      responses: {
        200: { description: "The template", content: { "text/csv": { schema: z.string() } } },
        ...commonErrors,
      },
    }),
    (c) => {
      Access.manageMarket(c.var.principal, c.req.valid("param").id);
      c.header("Content-Type", "text/csv; charset=utf-8");
      c.header("Content-Disposition", 'attachment; filename="mau-nhap-quay.csv"');
      return c.body(IMPORT_TEMPLATE, 200) as never;
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/markets/{id}/stalls/import/template.xlsx",
      tags: ["Stalls"],
      summary: "The import template as an Excel workbook",
      description:
        "Sheet `Danh sách quầy`: Vietnamese headers and one example row; the bank column a drop-down of every " +
        "VietQR bank (sheet `Ngân hàng`); stall code, phone and account number columns formatted as text.",
      security: bearer,
      request: { params: MarketParams },
      responses: {
        200: {
          description: "The template",
          content: { [XLSX_TYPE]: { schema: z.string().meta({ format: "binary" }) } },
        },
        ...commonErrors,
      },
    }),
    async (c) => {
      Access.manageMarket(c.var.principal, c.req.valid("param").id);
      c.header("Content-Type", XLSX_TYPE);
      c.header("Content-Disposition", 'attachment; filename="mau-nhap-quay.xlsx"');
      return c.body((await renderImportTemplate()) as Uint8Array<ArrayBuffer>, 200) as never;
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
