import { createRoute } from "@hono/zod-openapi";
import { ADAPTERS } from "@market40/core/callback/providers/adapters";
import { GenericCallbackSchema } from "@market40/core/callback/providers/generic";
import { receive } from "@market40/core/callback/receive";
import { PROVIDERS, ReplySchema } from "@market40/core/callback/types";
import { DomainError } from "@market40/core/errors";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import type { Deps } from "../context";
import { answersUnavailable } from "../errors";
import { ErrorSchema, json, router, tooLargeError } from "../openapi";

export const CALLBACK_BODY_LIMIT = 64 * 1024;

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorSchema } },
});

/**
 * Provider callbacks (docs/contract.md §6): public routes, authenticated by each provider's own signature over the raw
 * bytes. The reply carries both our `{ok, status}` and the `{success: true}` payOS, SePay and Casso expect.
 */
export function callbackRoutes(deps: Deps) {
  const app = router();
  const { clock, config } = deps;

  app.openapi(
    createRoute({
      method: "post",
      path: "/callbacks/{provider}",
      tags: ["Callbacks"],
      summary: "A provider's transaction notification (signed)",
      description:
        '`generic`: `X-Signature: t=<unix s>,v1=HMAC-SHA256(secret, "<t>.<raw body>")`, ±300 s. `payos`: body ' +
        "`signature` over sorted `data`, as payOS's SDK signs it. `sepay`: `X-SePay-Timestamp` and " +
        '`X-SePay-Signature: sha256=HMAC-SHA256(secret, "<timestamp>.<raw body>")`, ±300 s, or ' +
        "`Authorization: Apikey <key>`. `casso`: `X-Casso-Signature: " +
        't=<ms>,v1=HMAC-SHA512(secret, "<t>." + sorted JSON)` (Node or PHP JSON), or legacy `secure-token`. ' +
        "Idempotent on (provider, transaction id). Providers' test deliveries are answered `test` and not stored.",
      // The body is deliberately not declared for validation: nothing may read or judge it before the
      // signature over its raw bytes is checked. Its `generic` shape is the `GenericCallback` component.
      request: { params: z.object({ provider: z.enum(PROVIDERS) }) },
      middleware: [
        bodyLimit({
          maxSize: CALLBACK_BODY_LIMIT,
          onError: () => {
            throw new DomainError("payload_too_large", "Callbacks are at most 64 KiB");
          },
        }),
      ] as const,
      responses: {
        200: json(ReplySchema, "Durably stored (or a duplicate, a test, or acknowledged and ignored)"),
        400: errorResponse("Not the provider's format, or an amount out of range; nothing stored"),
        401: errorResponse("Bad or missing signature; nothing stored"),
        ...tooLargeError,
        503: errorResponse("The store is unavailable; nothing acknowledged — retry"),
      },
    }),
    async (c) => {
      const { provider } = c.req.valid("param");
      const body = new Uint8Array(await c.req.arrayBuffer());
      if (body.length > CALLBACK_BODY_LIMIT)
        throw new DomainError("payload_too_large", "Callbacks are at most 64 KiB");
      const delivery = ADAPTERS[provider].verifyAndParse(
        { body, header: (n) => c.req.header(n) },
        config.secrets,
        clock.now(),
      );
      try {
        return c.json(await receive(deps, delivery), 200);
      } catch (err) {
        // The log says what the provider was told: a 503 is not an acknowledgement, and the provider will retry.
        if (answersUnavailable(err))
          deps.logger.warn("callback answered 503, not acknowledged", {
            requestId: c.var.requestId,
            provider,
            transactions: delivery.transactions.length,
          });
        throw err;
      }
    },
  );

  // A copy made now: zod gives a schema its methods when it is made, so one made before @hono/zod-openapi extended
  // zod (core's module evaluated first) has no `.openapi`, which registering calls.
  app.openAPIRegistry.register("GenericCallback", GenericCallbackSchema.clone());
  return app;
}
