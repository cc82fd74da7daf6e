import { createRoute } from "@hono/zod-openapi";
import { Access } from "@market40/core/auth/access";
import * as Stall from "@market40/core/stall/stall";
import * as Issuance from "@market40/core/vietqr/issuance";
import { PaymentQrSchema } from "@market40/core/vietqr/stallQr";
import type { MiddlewareHandler } from "hono";
import { etag } from "hono/etag";
import { z } from "zod";
import type { Deps } from "../context";
import { bearer, commonErrors, conflictError, json, router } from "../openapi";

const StallParams = z.object({ stallId: z.string().max(64) });
const MarketParams = z.object({ id: z.string().max(40) });

const QrQuery = z.object({
  amount: z
    .string()
    .regex(/^[1-9]\d{0,12}$/, "A positive whole number of VND, at most 13 digits")
    .transform(Number)
    .optional()
    .meta({ example: "50000" }),
  purpose: z.string().max(200).optional().meta({ example: "rau cai" }),
});
const ImageQuery = QrQuery.extend({
  size: z.coerce.number().int().min(128).max(2048).default(512),
});

const binary = (type: string, description: string) => ({
  description,
  content: { [type]: { schema: z.string().meta({ format: "binary" }) } },
});

/**
 * Images of a stall's code change only with its bank details: cached privately and revalidated by Hono's ETag
 * (rendering one is cheaper than a store read — docs/benchmarks.md, so hashing the body costs nothing that matters).
 */
const imageCache: MiddlewareHandler = async (c, next) => {
  await next();
  c.header("Cache-Control", "private, max-age=86400");
};

/** Payment codes, their images and printable posters (docs/contract.md §5). */
export function qrRoutes(deps: Deps) {
  const { store } = deps;
  const issuing = { ...deps, fontDir: deps.config.fontDir };
  const app = router();

  app.openapi(
    createRoute({
      method: "get",
      path: "/stalls/{stallId}/qr",
      tags: ["Payment QR"],
      summary: "The stall's VietQR payload: static, or dynamic with an amount",
      security: bearer,
      request: { params: StallParams, query: QrQuery },
      responses: { 200: json(PaymentQrSchema), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const stall = await Stall.get(store, c.req.valid("param").stallId);
      Access.readStall(c.var.principal, stall);
      return c.json(Issuance.payableCode(stall, c.req.valid("query")), 200);
    },
  );

  for (const format of ["svg", "png"] as const) {
    app.openapi(
      createRoute({
        method: "get",
        path: `/stalls/{stallId}/qr.${format}`,
        tags: ["Payment QR"],
        summary: `The payment code as ${format.toUpperCase()} (decodes to exactly the payload)`,
        security: bearer,
        middleware: [etag(), imageCache] as const,
        request: { params: StallParams, query: ImageQuery },
        responses: {
          200: binary(format === "svg" ? "image/svg+xml" : "image/png", "The image"),
          304: { description: "Not modified" },
          ...commonErrors,
          ...conflictError,
        },
      }),
      async (c) => {
        const stall = await Stall.get(store, c.req.valid("param").stallId);
        Access.readStall(c.var.principal, stall);
        const { size, ...options } = c.req.valid("query");
        const image = await Issuance.image(issuing, stall, format, size, options);
        c.header("Content-Type", image.contentType);
        return c.body(image.body as string, 200) as never;
      },
    );
  }

  app.openapi(
    createRoute({
      method: "get",
      path: "/stalls/{stallId}/poster.pdf",
      tags: ["Payment QR"],
      summary: "A printable A6 poster for the stall",
      security: bearer,
      request: { params: StallParams },
      responses: { 200: binary("application/pdf", "The poster"), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const stall = await Stall.get(store, c.req.valid("param").stallId);
      Access.readStall(c.var.principal, stall);
      const pdf = await Issuance.poster(issuing, stall);
      c.header("Content-Type", "application/pdf");
      c.header(
        "Content-Disposition",
        `inline; filename="poster-${stall.code.replace(/[^A-Za-z0-9-]/g, "_")}.pdf"`,
      );
      return c.body(pdf as Uint8Array<ArrayBuffer>, 200) as never;
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/markets/{id}/posters.pdf",
      tags: ["Payment QR"],
      summary: "One poster per active stall of the market, in stall-code order",
      security: bearer,
      request: { params: MarketParams },
      responses: { 200: binary("application/pdf", "The posters"), ...commonErrors },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      const pdf = await Issuance.marketPosters(issuing, id);
      c.header("Content-Type", "application/pdf");
      c.header("Content-Disposition", `inline; filename="posters-${id}.pdf"`);
      return c.body(pdf as Uint8Array<ArrayBuffer>, 200) as never;
    },
  );

  return app;
}
