import { createRoute } from "@hono/zod-openapi";
import { Access } from "@market40/core/auth/access";
import { wholeNumberQuery } from "@market40/core/schemas";
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

const PartQuery = z.object({
  part: wholeNumberQuery(1, 10_000, 1),
});
const partUrl = (marketId: string, part: number) => `/api/markets/${marketId}/posters.pdf?part=${part}`;

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
  size: wholeNumberQuery(128, 2048, 512),
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
      path: "/markets/{id}/posters",
      tags: ["Payment QR"],
      summary: `The parts a market's posters come in: at most ${Issuance.POSTER_PART_SIZE} stalls each, stall-code order`,
      security: bearer,
      request: { params: MarketParams },
      responses: { 200: json(Issuance.PosterPartsSchema), ...commonErrors },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      const parts = await Issuance.marketPosterParts(issuing, id);
      return c.json(
        {
          parts: parts.map((p) => ({
            url: partUrl(id, p.part),
            stalls: p.stalls,
            from: p.from,
            to: p.to,
          })),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/markets/{id}/posters.pdf",
      tags: ["Payment QR"],
      summary: `One part of the market's posters (default the first): at most ${Issuance.POSTER_PART_SIZE} active stalls, stall-code order`,
      description:
        "When the market has more than one part, the answer is the part asked for (the first by default) with a " +
        '`Link: </api/markets/{id}/posters>; rel="index"` header to the list of parts.',
      security: bearer,
      request: { params: MarketParams, query: PartQuery },
      responses: { 200: binary("application/pdf", "The posters"), ...commonErrors },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { part } = c.req.valid("query");
      Access.manageMarket(c.var.principal, id);
      const result = await Issuance.marketPosterPart(issuing, id, part);
      c.header("Content-Type", "application/pdf");
      c.header(
        "Content-Disposition",
        `inline; filename="posters-${id}${result.parts > 1 ? `-${result.part!.part}` : ""}.pdf"`,
      );
      if (result.parts > 1) {
        c.header("Link", `</api/markets/${id}/posters>; rel="index"`);
        c.header("X-Poster-Part", `${result.part!.part}/${result.parts}`);
      }
      return c.body(result.pdf as Uint8Array<ArrayBuffer>, 200) as never;
    },
  );

  return app;
}
