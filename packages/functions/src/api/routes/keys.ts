import { createRoute } from "@hono/zod-openapi";
import { Access } from "@market40/core/auth/access";
import * as ApiKeys from "@market40/core/auth/keys";
import { PageQuerySchema } from "@market40/core/schemas";
import { z } from "zod";
import type { Deps } from "../context";
import { bearer, commonErrors, json, jsonBody, listOf, router } from "../openapi";

/** API keys (docs/contract.md §2): created by an admin, the token shown once, stored hashed. */
export function keyRoutes({ store, clock }: Deps) {
  const app = router();

  app.openapi(
    createRoute({
      method: "post",
      path: "/keys",
      tags: ["Keys"],
      summary: "Create an API key (admin); the token is in this answer only",
      security: bearer,
      request: { body: jsonBody(ApiKeys.KeyRequestSchema) },
      responses: {
        201: json(ApiKeys.ApiKeySchema.extend({ token: z.string() }), "Created"),
        ...commonErrors,
      },
    }),
    async (c) => {
      Access.admin(c.var.principal);
      const { token, ...key } = await ApiKeys.issue(store, clock, c.var.principal, c.req.valid("json"));
      return c.json({ ...ApiKeys.present(key), token }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/keys",
      tags: ["Keys"],
      summary: "List API keys, without tokens (admin)",
      security: bearer,
      request: { query: PageQuerySchema },
      responses: { 200: json(listOf(ApiKeys.ApiKeySchema)), ...commonErrors },
    }),
    async (c) => {
      Access.admin(c.var.principal);
      const page = await ApiKeys.list(store, c.req.valid("query"));
      return c.json({ ...page, items: page.items.map(ApiKeys.present) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/keys/{keyId}",
      tags: ["Keys"],
      summary: "Revoke an API key (admin)",
      security: bearer,
      request: { params: z.object({ keyId: z.string().max(64) }) },
      responses: { 200: json(ApiKeys.ApiKeySchema), ...commonErrors },
    }),
    async (c) => {
      Access.admin(c.var.principal);
      return c.json(
        ApiKeys.present(await ApiKeys.revoke(store, clock, c.var.principal, c.req.valid("param").keyId)),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/me",
      tags: ["Keys"],
      summary: "The calling key's role and scope",
      security: bearer,
      responses: { 200: json(ApiKeys.ApiKeySchema.omit({ createdAt: true })), ...commonErrors },
    }),
    (c) => {
      const { keyId, ...rest } = c.var.principal;
      return c.json({ id: keyId, ...rest }, 200);
    },
  );

  return app;
}
