import { createRoute } from "@hono/zod-openapi";
import { Access } from "@market40/core/auth/access";
import * as ApiKeys from "@market40/core/auth/keys";
import { DomainError, notFound } from "@market40/core/errors";
import * as Invitations from "@market40/core/invitation/invitations";
import { wholeNumberQuery } from "@market40/core/schemas";
import * as Stall from "@market40/core/stall/stall";
import type { Context } from "hono";
import { z } from "zod";
import type { Deps } from "../context";
import {
  bearer,
  commonErrors,
  conflictError,
  errorResponse,
  json,
  jsonBody,
  listOf,
  router,
} from "../openapi";

const StallParams = z.object({ stallId: z.string().max(64) });
const MarketParams = z.object({ id: z.string().max(40) });
const CodeParam = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

const pdf = (description: string) => ({
  description,
  content: { "application/pdf": { schema: z.string() } },
});

/**
 * Where the web app is, for invitation URLs: configuration only (`PUBLIC_URL` locally, the stage's web address in
 * AWS; docs/security.md). Never `Host`, `Origin` or `X-Forwarded-Host`: a card printed under a forged header would
 * send a vendor's sign-in code to someone else's site.
 */
export const baseUrl = (deps: Deps) => {
  if (!deps.config.publicUrl)
    throw new DomainError("unavailable", "The web app's public address is not configured yet; retry later");
  return deps.config.publicUrl;
};

function sendPdf(c: Context, body: Uint8Array, filename: string) {
  c.header("Content-Type", "application/pdf");
  c.header("Content-Disposition", `inline; filename="${filename.replace(/[^A-Za-z0-9.-]/g, "_")}"`);
  c.header("Cache-Control", "no-store");
  return c.body(body as Uint8Array<ArrayBuffer>, 200) as never;
}

/** Onboarding a stall's vendor (docs/contract.md §13): invitations, sign-in cards, hand-over and vendor keys. */
export function invitationRoutes(deps: Deps) {
  const { store } = deps;
  const app = router();

  app.openapi(
    createRoute({
      method: "post",
      path: "/stalls/{stallId}/invitations",
      tags: ["Onboarding"],
      summary: "A sign-in invitation for the stall's vendor: valid 7 days, usable once (admin, its manager)",
      description:
        "Voids the stall's earlier invitations (only the newest card works). A suspended stall gets none (409).",
      security: bearer,
      request: { params: StallParams },
      responses: { 201: json(Invitations.InvitationSchema, "Created"), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const stall = await Stall.get(store, c.req.valid("param").stallId);
      Access.manageMarket(c.var.principal, stall.marketId);
      return c.json(await Invitations.invite(deps, c.var.principal, stall, baseUrl(deps)), 201);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/stalls/{stallId}/invitations/{code}/card.pdf",
      tags: ["Onboarding"],
      summary: "The invitation as a printable card: a QR code of its URL, the stall and how to use it",
      security: bearer,
      request: { params: StallParams.extend({ code: CodeParam }) },
      responses: {
        200: pdf("The card"),
        ...commonErrors,
        410: errorResponse(
          "Used, expired, cancelled or void (a newer card, a new vendor, suspended, maker revoked)",
        ),
      },
    }),
    async (c) => {
      const { stallId, code } = c.req.valid("param");
      const stall = await Stall.get(store, stallId);
      Access.manageMarket(c.var.principal, stall.marketId);
      const body = await Invitations.card(
        { ...deps, fontDir: deps.config.fontDir },
        stall,
        code,
        baseUrl(deps),
      );
      return sendPdf(c, body, `the-${stall.code}.pdf`);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/markets/{id}/invitations/cards.pdf",
      tags: ["Onboarding"],
      summary: "Sign-in cards for the market's active stalls, eight to an A4 page, in parts like posters",
      description:
        "Makes a new invitation for each active stall of the part (at most 200 stalls, stall-code order), voiding " +
        "each stall's earlier ones. " +
        "`X-Card-Part: n/total` says which part this is when there is more than one.",
      security: bearer,
      request: {
        params: MarketParams,
        query: z.object({ part: wholeNumberQuery(1, 10_000, 1) }),
      },
      responses: { 200: pdf("The cards"), ...commonErrors },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { part } = c.req.valid("query");
      Access.manageMarket(c.var.principal, id);
      const result = await Invitations.marketCards(
        { ...deps, fontDir: deps.config.fontDir },
        c.var.principal,
        id,
        baseUrl(deps),
        part,
      );
      if (result.parts > 1) c.header("X-Card-Part", `${part}/${result.parts}`);
      return sendPdf(c, result.pdf, `the-dang-nhap-${id}-${part}.pdf`);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/stalls/{stallId}/invitations",
      tags: ["Onboarding"],
      summary: "The stall's outstanding invitations, without codes (admin, its manager)",
      description:
        "Those that would be accepted now: at most one, the newest. Each: id, who made it, when, until when.",
      security: bearer,
      request: { params: StallParams },
      responses: { 200: json(listOf(Invitations.OutstandingInvitationSchema)), ...commonErrors },
    }),
    async (c) => {
      const stall = await Stall.get(store, c.req.valid("param").stallId);
      Access.manageMarket(c.var.principal, stall.marketId);
      return c.json({ items: await Invitations.outstanding(deps, stall) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/stalls/{stallId}/invitations/{invitationId}",
      tags: ["Onboarding"],
      summary:
        "Cancel one of the stall's invitations: its card no longer signs anyone in (admin, its manager)",
      security: bearer,
      request: { params: StallParams.extend({ invitationId: z.string().min(1).max(64) }) },
      responses: {
        204: { description: "Cancelled (or already was)" },
        ...commonErrors,
        410: errorResponse("Already used"),
      },
    }),
    async (c) => {
      const { stallId, invitationId } = c.req.valid("param");
      const stall = await Stall.get(store, stallId);
      Access.manageMarket(c.var.principal, stall.marketId);
      await Invitations.cancel(deps, c.var.principal, stall, invitationId);
      return c.body(null, 204) as never;
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/stalls/{stallId}/handover",
      tags: ["Onboarding"],
      summary: "Mark the stall's payment poster as handed over to its vendor (what QR share counts)",
      security: bearer,
      request: { params: StallParams },
      responses: { 200: json(Stall.StallSchema), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const stall = await Stall.get(store, c.req.valid("param").stallId);
      Access.manageMarket(c.var.principal, stall.marketId);
      return c.json(await Stall.handOver(store, deps.clock, c.var.principal, stall), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/markets/{id}/stalls/handover",
      tags: ["Onboarding"],
      summary:
        "Mark several stalls' posters as handed over (suspended or already handed-over stalls are skipped)",
      security: bearer,
      request: {
        params: MarketParams,
        body: jsonBody(z.strictObject({ stallIds: z.array(z.string().max(64)).min(1).max(500) })),
      },
      responses: { 200: json(z.object({ handedOver: z.number().int() })), ...commonErrors },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      let handedOver = 0;
      for (const stallId of new Set(c.req.valid("json").stallIds)) {
        const stall = await Stall.find(store, stallId);
        if (!stall || stall.marketId !== id || stall.status !== "active" || stall.qrIssuedAt) continue;
        await Stall.handOver(store, deps.clock, c.var.principal, stall);
        handedOver++;
      }
      return c.json({ handedOver }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/stalls/{stallId}/keys",
      tags: ["Onboarding"],
      summary: "The stall's vendor keys, without tokens (admin, its manager)",
      security: bearer,
      request: { params: StallParams },
      responses: { 200: json(listOf(ApiKeys.ApiKeySchema)), ...commonErrors },
    }),
    async (c) => {
      const stall = await Stall.get(store, c.req.valid("param").stallId);
      Access.manageMarket(c.var.principal, stall.marketId);
      return c.json({ items: (await ApiKeys.listForStall(store, stall.id)).map(ApiKeys.present) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/stalls/{stallId}/keys/{keyId}",
      tags: ["Onboarding"],
      summary: "Revoke one of the stall's vendor keys (admin, its manager)",
      security: bearer,
      request: { params: StallParams.extend({ keyId: z.string().max(64) }) },
      responses: { 200: json(ApiKeys.ApiKeySchema), ...commonErrors },
    }),
    async (c) => {
      const { stallId, keyId } = c.req.valid("param");
      const stall = await Stall.get(store, stallId);
      Access.manageMarket(c.var.principal, stall.marketId);
      const key = await ApiKeys.find(store, keyId);
      // A manager reaches only its own stalls' vendor keys; any other key is simply not there.
      if (key?.role !== "vendor" || key.stallId !== stall.id) throw notFound("API key");
      return c.json(ApiKeys.present(await ApiKeys.revoke(store, deps.clock, c.var.principal, keyId)), 200);
    },
  );

  return app;
}

/** Accepting an invitation needs no key: the code is the credential (docs/contract.md §13, docs/security.md). */
export function acceptRoutes(deps: Deps) {
  const app = router();
  app.openapi(
    createRoute({
      method: "post",
      path: "/invitations/{code}/accept",
      tags: ["Onboarding"],
      summary: "Accept a sign-in invitation: the first time, a new vendor key for its stall",
      request: { params: z.object({ code: CodeParam }) },
      responses: {
        200: json(Invitations.AcceptedSchema),
        400: errorResponse("Invalid code"),
        404: errorResponse("No such invitation"),
        410: errorResponse("Already used or expired"),
      },
    }),
    async (c) => c.json(await Invitations.accept(deps, c.req.valid("param").code), 200),
  );
  return app;
}
