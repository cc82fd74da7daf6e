import { createRoute } from "@hono/zod-openapi";
import * as People from "@market40/core/person/people";
import { z } from "zod";
import type { Deps } from "../context";
import { bearer, commonErrors, conflictError, json, jsonBody, router } from "../openapi";

const PersonParams = z.object({ personId: z.string().max(64) });

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

  return app;
}
