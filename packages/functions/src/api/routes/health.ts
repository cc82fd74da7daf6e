import { createRoute } from "@hono/zod-openapi";
import * as Banks from "@market40/core/bank/directory";
import { HealthSchema, ping } from "@market40/core/store/health";
import { z } from "zod";
import type { Deps } from "../context";
import { json, router } from "../openapi";

/** Public routes: health and the bank directory. */
export function healthRoutes({ store, clock }: Deps) {
  const app = router();

  app.openapi(
    createRoute({
      method: "get",
      path: "/health",
      tags: ["Platform"],
      summary: "Liveness and the store's reachability",
      responses: { 200: json(HealthSchema), 503: json(HealthSchema, "The store is unreachable") },
    }),
    async (c) => {
      const ok = await ping(store);
      const body = {
        status: ok ? "ok" : "unavailable",
        store: ok ? "ok" : "unreachable",
        time: clock.now().toISOString(),
      } as const;
      return ok ? c.json(body, 200) : c.json(body, 503);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/banks",
      tags: ["Platform"],
      summary: "The bank directory (VietQR BINs)",
      responses: { 200: json(z.object({ items: z.array(Banks.BankSchema) })) },
    }),
    (c) => {
      c.header("Cache-Control", "public, max-age=86400");
      return c.json(
        { items: Banks.list().map(({ bin, shortName, name }) => ({ bin, shortName, name })) },
        200,
      );
    },
  );

  return app;
}
