import { createRoute } from "@hono/zod-openapi";
import { Access } from "@market40/core/auth/access";
import * as ApiKeys from "@market40/core/auth/keys";
import { validationError } from "@market40/core/errors";
import * as Market from "@market40/core/market/market";
import { PageQuerySchema } from "@market40/core/schemas";
import * as Stall from "@market40/core/stall/stall";
import { z } from "zod";
import type { Deps } from "../context";
import { bearer, commonErrors, json, jsonBody, listOf, router } from "../openapi";
import { ApiKeySchema } from "../schemas";

const CreateKeySchema = z
  .strictObject({
    role: z.enum(["admin", "manager", "vendor", "liaison", "device"]),
    marketId: z.string().max(40).optional(),
    stallId: z.string().max(64).optional(),
    label: z.string().trim().max(100).optional(),
  })
  .meta({ id: "CreateApiKey" });

const present = ({ keyId, ...rest }: ApiKeys.ApiKey) => ({ id: keyId, ...rest });

/** API keys (contract §2): created by an admin, the token shown once, stored hashed. */
export function keyRoutes({ store, clock }: Deps) {
  const app = router();

  app.openapi(
    createRoute({
      method: "post",
      path: "/keys",
      tags: ["Keys"],
      summary: "Create an API key (admin); the token is in this answer only",
      security: bearer,
      request: { body: jsonBody(CreateKeySchema) },
      responses: { 201: json(ApiKeySchema.extend({ token: z.string() }), "Created"), ...commonErrors },
    }),
    async (c) => {
      Access.admin(c.var.principal);
      const input = c.req.valid("json");
      let marketId = input.marketId;
      if (input.role === "manager" || input.role === "device") {
        if (!marketId)
          throw validationError("A manager or device key needs a marketId", [
            { path: "marketId", message: "Required" },
          ]);
        if (!(await Market.find(store, marketId)))
          throw validationError("No such market", [{ path: "marketId", message: "Unknown market" }]);
      }
      if (input.role === "vendor") {
        if (!input.stallId)
          throw validationError("A vendor key needs a stallId", [{ path: "stallId", message: "Required" }]);
        const stall = await Stall.find(store, input.stallId);
        if (!stall) throw validationError("No such stall", [{ path: "stallId", message: "Unknown stall" }]);
        marketId = stall.marketId;
      }
      const { token, ...key } = await ApiKeys.create(store, clock, { ...input, marketId });
      return c.json({ ...present(key), token }, 201);
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
      responses: { 200: json(listOf(ApiKeySchema)), ...commonErrors },
    }),
    async (c) => {
      Access.admin(c.var.principal);
      const page = await ApiKeys.list(store, c.req.valid("query"));
      return c.json({ ...page, items: page.items.map(present) }, 200);
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
      responses: { 200: json(ApiKeySchema), ...commonErrors },
    }),
    async (c) => {
      Access.admin(c.var.principal);
      return c.json(present(await ApiKeys.revoke(store, clock, c.req.valid("param").keyId)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/me",
      tags: ["Keys"],
      summary: "The calling key's role and scope",
      security: bearer,
      responses: { 200: json(ApiKeySchema.omit({ createdAt: true })), ...commonErrors },
    }),
    (c) => {
      const { keyId, ...rest } = c.var.principal;
      return c.json({ id: keyId, ...rest }, 200);
    },
  );

  return app;
}
