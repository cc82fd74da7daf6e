import { createRoute } from "@hono/zod-openapi";
import { Access } from "@market40/core/auth/access";
import { toCsv } from "@market40/core/evaluation/csv";
import * as Evaluations from "@market40/core/evaluation/evaluations";
import * as MonthOverMonth from "@market40/core/evaluation/monthOverMonth";
import { evaluateMarkets, FailedRunSchema } from "@market40/core/evaluation/scheduled";
import * as Market from "@market40/core/market/market";
import { toExcelCsv } from "@market40/core/report/excelCsv";
import * as Reports from "@market40/core/report/reports";
import { XLSX_TYPE } from "@market40/core/report/workbook";
import { wholeNumberQuery } from "@market40/core/schemas";
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
      summary:
        "The latest evaluation of every market for a month, as JSON, CSV, an Excel workbook or a printable PDF (liaison, admin)",
      description: [
        "A province's liaison gets that province's markets only (§15).",
        "`format=json`: each item carries `monthOverMonth`, its change from the previous month's latest version (null when the market was not evaluated then).",
        "`format=csv`: UTF-8 with BOM, one row per market, a header row of the flattened field names (for scripts); the board's fees (`fees.*`, §20) come after `id`, empty for a market without fees.",
        '`format=excel-csv` ("CSV cho Excel"): the workbook\'s first sheet as `;`-separated UTF-8 with a BOM, Vietnamese headers, decimal commas and dd/MM/yyyy dates, so it opens in columns in Excel set to Vietnamese.',
        "`format=xlsx`: sheets `Đánh giá` (one row per market, Vietnamese headers, numbers as numbers, shares as percentages, VND `#,##0`), `Định nghĩa` (definitions and thresholds), `So với tháng trước` (month-over-month change).",
        `\`format=pdf\`: an A4 monthly report — a summary table, then a page per market with its daily transactions and value, its fees (§20) and the incidents that cost it uptime. At most ${Reports.REPORT_PART_SIZE} markets to a file: beyond that (a national report) the answer is part \`part\` (default 1) with \`X-Report-Part: n/N\` and a \`Link\` header to the next part (rel="next").`,
      ].join("\n\n"),
      security: bearer,
      request: {
        query: z.object({
          period: z
            .string()
            .regex(/^20\d{2}-(0[1-9]|1[0-2])$/, "Expected YYYY-MM")
            .meta({ example: "2026-10" }),
          format: z.enum(["json", "csv", "excel-csv", "xlsx", "pdf"]).default("json"),
          part: wholeNumberQuery(1, 10_000, 1).meta({
            description: "`format=pdf` only: which part of a report over more markets than one part holds",
          }),
        }),
      },
      responses: {
        200: {
          description: "The evaluations",
          content: {
            "application/json": {
              schema: z.object({ items: z.array(MonthOverMonth.PeriodEvaluationSchema) }),
            },
            "text/csv": { schema: z.string() },
            [XLSX_TYPE]: { schema: z.string().meta({ format: "binary" }) },
            "application/pdf": { schema: z.string().meta({ format: "binary" }) },
          },
        },
        ...commonErrors,
      },
    }),
    async (c) => {
      Access.readEvaluations(c.var.principal);
      const { period, format, part } = c.req.valid("query");
      const province = Access.province(c.var.principal);
      if (format === "xlsx" || format === "pdf") {
        const file =
          format === "xlsx"
            ? await Reports.workbook(store, period, province)
            : await Reports.monthlyReport(deps, period, province, part, { fontDir: deps.config.fontDir });
        if (file.parts > 1) {
          c.header("X-Report-Part", `${file.part}/${file.parts}`);
          if (file.part < file.parts)
            c.header(
              "Link",
              `</api/evaluations?period=${period}&format=pdf&part=${file.part + 1}>; rel="next"`,
            );
        }
        c.header("Content-Type", file.contentType);
        c.header("Content-Disposition", `attachment; filename="${file.filename}"`);
        return c.body(file.body as Uint8Array<ArrayBuffer>, 200) as never;
      }
      const items = await MonthOverMonth.forMonth(store, period, province);
      if (format === "excel-csv") {
        c.header("Content-Type", "text/csv; charset=utf-8");
        c.header("Content-Disposition", `attachment; filename="market40-danh-gia-excel-${period}.csv"`);
        return c.body(toExcelCsv(items), 200) as never;
      }
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
