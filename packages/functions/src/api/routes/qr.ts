import { createHash } from "node:crypto";
import { createRoute } from "@hono/zod-openapi";
import { Access } from "@market40/core/auth/access";
import { conflict } from "@market40/core/errors";
import * as Market from "@market40/core/market/market";
import * as Poster from "@market40/core/poster/poster";
import * as Stall from "@market40/core/stall/stall";
import * as QrImage from "@market40/core/vietqr/image";
import * as PaymentQr from "@market40/core/vietqr/stallQr";
import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv, Deps } from "../context";
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

/** Payment codes, their images and printable posters (contract §5). */
export function qrRoutes({ store, clock }: Deps) {
  const app = router();

  /** The stall, if the caller may see it and it may be paid. */
  async function payableStall(c: Context<AppEnv>, stallId: string) {
    const stall = await Stall.get(store, stallId);
    Access.readStall(c.var.principal, stall);
    if (stall.status !== "active") throw conflict("This stall is suspended; its payment code is not issued");
    return stall;
  }

  /**
   * Images of a stall's static code change only with its bank details, so they are cached privately and
   * revalidated by ETag. The first image or poster handed out sets the stall's `qrIssuedAt`.
   */
  function cached(
    c: Context<AppEnv>,
    etagSource: string,
    type: string,
    body: () => Promise<Uint8Array | string>,
  ) {
    const etag = `"${createHash("sha256").update(etagSource).digest("base64url").slice(0, 27)}"`;
    c.header("Cache-Control", "private, max-age=86400");
    c.header("ETag", etag);
    if (c.req.header("if-none-match") === etag) return c.body(null, 304);
    return body().then((b) => {
      c.header("Content-Type", type);
      return c.body(typeof b === "string" ? b : (b as Uint8Array<ArrayBuffer>), 200);
    });
  }

  app.openapi(
    createRoute({
      method: "get",
      path: "/stalls/{stallId}/qr",
      tags: ["Payment QR"],
      summary: "The stall's VietQR payload: static, or dynamic with an amount",
      security: bearer,
      request: { params: StallParams, query: QrQuery },
      responses: {
        200: json(
          z.object({ payload: z.string(), kind: z.enum(["static", "dynamic"]) }).meta({ id: "PaymentQr" }),
        ),
        ...commonErrors,
        ...conflictError,
      },
    }),
    async (c) => {
      const stall = await payableStall(c, c.req.valid("param").stallId);
      return c.json(PaymentQr.forStall(stall, c.req.valid("query")), 200);
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
        request: { params: StallParams, query: ImageQuery },
        responses: {
          200: binary(format === "svg" ? "image/svg+xml" : "image/png", "The image"),
          304: { description: "Not modified" },
          ...commonErrors,
          ...conflictError,
        },
      }),
      async (c) => {
        const stall = await payableStall(c, c.req.valid("param").stallId);
        const { size, ...options } = c.req.valid("query");
        const { payload } = PaymentQr.forStall(stall, options);
        await Stall.markQrIssued(store, clock, stall);
        return cached(
          c,
          `${format}:${size}:${payload}`,
          format === "svg" ? "image/svg+xml" : "image/png",
          async () => (format === "svg" ? QrImage.toSvg(payload, size) : QrImage.toPng(payload, size)),
        ) as never;
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
      const stall = await payableStall(c, c.req.valid("param").stallId);
      const market = await Market.get(store, stall.marketId);
      const { payload } = PaymentQr.forStall(stall);
      const pdf = await Poster.render({ marketName: market.name, stall, payload });
      await Stall.markQrIssued(store, clock, stall);
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
      const market = await Market.get(store, id);
      const stalls = (await Stall.allOfMarket(store, id)).filter((s) => s.status === "active");
      const pdf = await Poster.renderMany(
        `Mã QR — ${market.name}`,
        stalls.map((stall) => ({
          marketName: market.name,
          stall,
          payload: PaymentQr.forStall(stall).payload,
        })),
      );
      await Stall.markManyQrIssued(store, clock, stalls);
      c.header("Content-Type", "application/pdf");
      c.header("Content-Disposition", `inline; filename="posters-${id}.pdf"`);
      return c.body(pdf as Uint8Array<ArrayBuffer>, 200) as never;
    },
  );

  return app;
}
