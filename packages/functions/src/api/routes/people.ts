import { createRoute } from "@hono/zod-openapi";
import * as SignInSessions from "@market40/core/auth/signInSessions";
import * as PersonInvitations from "@market40/core/invitation/personInvitations";
import * as People from "@market40/core/person/people";
import { z } from "zod";
import type { Deps } from "../context";
import { bearer, commonErrors, conflictError, errorResponse, json, jsonBody, router } from "../openapi";
import { baseUrl } from "./invitations";

const PersonParams = z.object({ personId: z.string().max(64) });
const CodeParam = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);
const InviteBody = PersonInvitations.PersonInvitationRequestSchema;

/** People who sign in as themselves (docs/contract.md §19): created, listed and suspended. */
export function peopleRoutes(deps: Deps) {
  const { store } = deps;
  const app = router();

  app.openapi(
    createRoute({
      method: "post",
      path: "/people",
      tags: ["People"],
      summary: "Add a person: any role (admin), or a co-manager of one's own market (its manager)",
      security: bearer,
      request: { body: jsonBody(People.PersonInputSchema) },
      responses: { 201: json(People.PersonSchema, "Created"), ...commonErrors, ...conflictError },
    }),
    async (c) => c.json(await People.create(deps, c.var.principal, c.req.valid("json")), 201),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/people",
      tags: ["People"],
      summary:
        "People: everyone or one market's (admin), one's own market's managers (its manager); phones masked",
      security: bearer,
      request: { query: z.object({ marketId: z.string().max(40).optional() }) },
      responses: { 200: json(z.object({ items: z.array(People.PersonSchema) })), ...commonErrors },
    }),
    async (c) => {
      const people = await People.list(store, c.var.principal, c.req.valid("query").marketId);
      return c.json({ items: people.map(People.listed) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/people/{personId}/suspend",
      tags: ["People"],
      summary:
        "Suspend a person: they sign in no more and their sessions end (admin, or their market's manager)",
      security: bearer,
      request: { params: PersonParams },
      responses: { 200: json(People.PersonSchema), ...commonErrors, ...conflictError },
    }),
    async (c) =>
      c.json(People.listed(await People.suspend(deps, c.var.principal, c.req.valid("param").personId)), 200),
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/people/{personId}/sessions",
      tags: ["People"],
      summary: "End every session of a person: each device signs in again (admin, or their market's manager)",
      description: "Audited as `person.sessionsEnded`; `ended` counts the sessions that were still live.",
      security: bearer,
      request: { params: PersonParams },
      responses: { 200: json(z.object({ ended: z.number().int() })), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const ended = await SignInSessions.endAllOf(deps, c.var.principal, c.req.valid("param").personId);
      return c.json({ ended }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/people/{personId}/invitations",
      tags: ["People"],
      summary: `An invitation for a person: valid ${PersonInvitations.VALID_HOURS} h, usable once to register a passkey`,
      description:
        "`join` (admin, or the market's manager for its co-manager) or `recovery` (admin only). Voids the person's " +
        "earlier invitations. A suspended person gets none (409).",
      security: bearer,
      request: {
        params: PersonParams,
        body: { required: false, content: { "application/json": { schema: InviteBody } } },
      },
      responses: {
        201: json(PersonInvitations.PersonInvitationSchema, "Created"),
        ...commonErrors,
        ...conflictError,
      },
    }),
    async (c) => {
      const { purpose } = c.req.valid("json") ?? { purpose: "join" as const };
      const { personId } = c.req.valid("param");
      return c.json(
        await PersonInvitations.invite(deps, c.var.principal, personId, purpose ?? "join", baseUrl(deps)),
        201,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/people/{personId}/invitations",
      tags: ["People"],
      summary: "A person's outstanding invitation (at most one), without its code",
      security: bearer,
      request: { params: PersonParams },
      responses: {
        200: json(z.object({ items: z.array(PersonInvitations.OutstandingPersonInvitationSchema) })),
        ...commonErrors,
      },
    }),
    async (c) => {
      const items = await PersonInvitations.outstanding(deps, c.var.principal, c.req.valid("param").personId);
      return c.json({ items }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/people/{personId}/invitations/{invitationId}",
      tags: ["People"],
      summary: "Cancel a person's invitation (who may invite them)",
      security: bearer,
      request: { params: PersonParams.extend({ invitationId: z.string().max(64) }) },
      responses: { 204: { description: "Cancelled" }, ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const { personId, invitationId } = c.req.valid("param");
      await PersonInvitations.cancel(deps, c.var.principal, personId, invitationId);
      return c.body(null, 204);
    },
  );

  return app;
}

/** A person's invitation needs no key to open: the code is the credential (docs/security.md). */
export function joinRoutes(deps: Deps) {
  const app = router();
  app.openapi(
    createRoute({
      method: "get",
      path: "/join/{code}",
      tags: ["People"],
      summary: "Whom a person's invitation (long or typed short code) is for, while it still works",
      request: { params: z.object({ code: CodeParam }) },
      responses: {
        200: json(PersonInvitations.InvitationOpenedSchema),
        400: errorResponse("Invalid code"),
        404: errorResponse("No such invitation"),
        410: errorResponse("Used, cancelled, expired or void"),
      },
    }),
    async (c) => c.json(await PersonInvitations.describe(deps, c.req.valid("param").code), 200),
  );
  return app;
}
