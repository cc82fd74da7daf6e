import { OpenAPIHono } from "@hono/zod-openapi";
import { DomainError } from "@market40/core/errors";
import { bodyLimit } from "hono/body-limit";
import { authenticate, codeGuessingGuard, SESSION_COOKIE, sameOriginIfBrowser, signInFailures } from "./auth";
import { callbackGuard } from "./callbackGuard";
import type { AppEnv, Deps } from "./context";
import { platformApp } from "./platform";
import { auditRoutes } from "./routes/audit";
import { callbackRoutes } from "./routes/callbacks";
import { evaluationRoutes } from "./routes/evaluations";
import { feeBillRoutes } from "./routes/feeBills";
import { feeRoutes } from "./routes/fees";
import { healthRoutes } from "./routes/health";
import { acceptRoutes, invitationRoutes } from "./routes/invitations";
import { keyRoutes } from "./routes/keys";
import { marketRoutes } from "./routes/markets";
import { joinRoutes, peopleRoutes } from "./routes/people";
import { publicRoutes } from "./routes/public";
import { qrRoutes } from "./routes/qr";
import { realtimeRoutes } from "./routes/realtime";
import { sessionRoutes, sessionStateRoutes, signInRoutes } from "./routes/signIn";
import { stallRoutes } from "./routes/stalls";
import { reconciliationRoutes, transactionRoutes } from "./routes/transactions";
import { uptimeRoutes } from "./routes/uptime";

/** JSON bodies are small; CSV imports and callbacks set their own limits. */
export const JSON_BODY_LIMIT = 256 * 1024;

/**
 * The whole HTTP API as one Hono app: served by `@hono/node-server` locally and by `hono/aws-lambda`
 * in AWS. Tests call `createApp(deps).request(...)` with no server at all.
 */
export function createApp(deps: Deps) {
  const app = platformApp(deps);
  // JSON bodies are small; CSV uploads (stall imports, statements) may be larger and set their own limits.
  const jsonLimit = bodyLimit({
    maxSize: JSON_BODY_LIMIT,
    onError: () => {
      throw new DomainError(
        "payload_too_large",
        `The request body is larger than ${JSON_BODY_LIMIT / 1024} KiB`,
      );
    },
  });
  app.route("/api", healthRoutes(deps));
  // The public calendar answers without a key (docs/security.md); registered before `authenticate`.
  app.route("/api", publicRoutes(deps));
  app.use("/api/callbacks/:provider", callbackGuard);
  app.route("/api", callbackRoutes(deps));
  // One count of failed sign-ins per source: bad keys and guessed invitation codes alike (docs/security.md).
  const failures = signInFailures(deps);
  app.use("/api/invitations/:code/accept", codeGuessingGuard(failures));
  app.route("/api", acceptRoutes(deps));
  // Once: `/x/*` matches `/x` too (registered for both, an unknown code counted twice).
  app.use("/api/join/:code/*", codeGuessingGuard(failures));
  app.route("/api", joinRoutes(deps));
  // Signing in with a passkey needs no key (docs/contract.md §19): a refused passkey counts as a failed sign-in,
  // a page of another site may not sign a browser in, and the bodies are small.
  app.use("/api/auth/passkey/*", codeGuessingGuard(failures, [400, 401]));
  for (const path of ["/api/auth/passkey", "/api/join/:code/passkey"])
    app.use(path, sameOriginIfBrowser(deps));
  app.use("/api/auth/passkey/*", jsonLimit);
  app.use("/api/join/:code/*", jsonLimit);
  app.route("/api", signInRoutes(deps));
  // Who is signed in answers without a credential too (nobody).
  app.use("/api/auth/session", authenticate(deps, failures, { optional: true }));
  app.route("/api", sessionStateRoutes(deps));
  app.doc31("/api/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "market40 API",
      version: "1.0.0",
      description:
        "Cashless payment at traditional markets: markets, stalls, VietQR, callbacks, uptake, evaluations.",
    },
    servers: [{ url: "/" }],
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer" });
  app.openAPIRegistry.registerComponent("securitySchemes", "sessionCookie", {
    type: "apiKey",
    in: "cookie",
    name: SESSION_COOKIE,
    description: "A browser's session (§19); state-changing requests also need `x-csrf-token` and `Origin`",
  });

  const api = new OpenAPIHono<AppEnv>();
  api.use("*", (c, next) =>
    c.req.header("content-type")?.startsWith("text/csv") ? next() : jsonLimit(c, next),
  );
  api.use("*", authenticate(deps, failures));
  api.route("/", keyRoutes(deps));
  api.route("/", marketRoutes(deps));
  api.route("/", stallRoutes(deps));
  api.route("/", qrRoutes(deps));
  api.route("/", transactionRoutes(deps));
  api.route("/", reconciliationRoutes(deps));
  api.route("/", uptimeRoutes(deps));
  api.route("/", evaluationRoutes(deps));
  api.route("/", auditRoutes(deps));
  api.route("/", invitationRoutes(deps));
  api.route("/", realtimeRoutes(deps));
  api.route("/", feeRoutes(deps));
  api.route("/", feeBillRoutes(deps));
  api.route("/", peopleRoutes(deps));
  api.route("/", sessionRoutes(deps));
  app.route("/api", api);

  return app;
}

export type App = ReturnType<typeof createApp>;
