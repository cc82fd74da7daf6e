import { createRoute } from "@hono/zod-openapi";
import * as SignInSessions from "@market40/core/auth/signInSessions";
import * as PersonInvitations from "@market40/core/invitation/personInvitations";
import * as Passkeys from "@market40/core/passkey/passkeys";
import * as SignIn from "@market40/core/passkey/signIn";
import type { Context } from "hono";
import { z } from "zod";
import { clearSessionCookie, sendSessionCookie } from "../auth";
import type { AppEnv, Deps } from "../context";
import { bearer, commonErrors, conflictError, errorResponse, json, jsonBody, router } from "../openapi";
import { baseUrl } from "./invitations";

const CodeParam = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

/** The relying party: the configured public address, never a request header (docs/security.md). */
const relyingParty = (deps: Deps) => Passkeys.relyingParty(baseUrl(deps));

/** A session's token goes out as the `m40_session` cookie, or in the body for a client that asked for it. */
function signedIn(c: Context<AppEnv>, deps: Deps, started: SignIn.Started, transport?: string) {
  const { token, ...answer } = started;
  if (transport === "bearer") return { ...answer, token };
  sendSessionCookie(c, token, started.session.expiresAt, deps.clock.now());
  return answer;
}

const signInErrors = {
  400: errorResponse("Invalid input (validation_error)"),
  401: errorResponse("The passkey was not accepted (unknown, replayed, another origin or RP id, suspended)"),
  403: errorResponse("Sent from another site's page (csrf_failed)"),
  429: errorResponse("Too many failed sign-ins from this address"),
  503: errorResponse("The store is unavailable, or the public address is not configured; retry"),
} as const;

/**
 * Signing in needs no key (docs/contract.md §19): a passkey is the credential. Sign-in options and sign-in, and a
 * person's invitation accepted with a new passkey — which signs that device in too.
 */
export function signInRoutes(deps: Deps) {
  const app = router();

  app.openapi(
    createRoute({
      method: "post",
      path: "/auth/passkey/options",
      tags: ["Sign-in"],
      summary:
        "Sign-in options: a challenge (5 minutes, once) and an empty allow-list — the device offers its own",
      responses: { 200: json(SignIn.CeremonyOptionsSchema), ...signInErrors },
    }),
    async (c) => c.json(await Passkeys.signInOptions(deps, relyingParty(deps)), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/auth/passkey",
      tags: ["Sign-in"],
      summary: "Sign in with a passkey: a session, as the m40_session cookie (or in the body for bearer)",
      description:
        "Sets `m40_session` (`Secure; HttpOnly; SameSite=Strict; Path=/`) unless `transport` is `bearer`, which " +
        "puts the token in the body instead. `csrf` goes in `x-csrf-token` on every state-changing cookie request.",
      request: { body: jsonBody(SignIn.PasskeySignInRequestSchema) },
      responses: { 200: json(SignInSessions.SignedInSchema), ...signInErrors },
    }),
    async (c) => {
      const { response, transport } = c.req.valid("json");
      const started = await SignIn.withPasskey(
        deps,
        relyingParty(deps),
        response,
        c.req.header("user-agent"),
      );
      return c.json(signedIn(c, deps, started, transport), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/join/{code}/passkey/options",
      tags: ["Sign-in"],
      summary: "Registration options for the person a live invitation names (a discoverable passkey)",
      request: { params: z.object({ code: CodeParam }) },
      responses: {
        200: json(SignIn.CeremonyOptionsSchema),
        ...signInErrors,
        404: errorResponse("No such invitation"),
        410: errorResponse("Used, cancelled, expired or void"),
      },
    }),
    async (c) => c.json(await Passkeys.joinOptions(deps, relyingParty(deps), c.req.valid("param").code), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/join/{code}/passkey",
      tags: ["Sign-in"],
      summary: "Accept a person's invitation with a new passkey; that device is signed in (a session)",
      description:
        "Registers the passkey, uses the invitation up and starts a session as `POST /api/auth/passkey` does. A " +
        "`recovery` invitation also ends every session the person had.",
      request: { params: z.object({ code: CodeParam }), body: jsonBody(SignIn.PasskeySignInRequestSchema) },
      responses: {
        201: json(SignInSessions.SignedInSchema, "Registered and signed in"),
        ...signInErrors,
        404: errorResponse("No such invitation"),
        409: errorResponse("A concurrent change; retry"),
        410: errorResponse("Used, cancelled, expired or void"),
      },
    }),
    async (c) => {
      const { response, transport } = c.req.valid("json");
      const started = await SignIn.withInvitation(
        deps,
        relyingParty(deps),
        c.req.valid("param").code,
        response,
        c.req.header("user-agent"),
      );
      return c.json(signedIn(c, deps, started, transport), 201);
    },
  );

  return app;
}

/** Who is signed in: answered with or without a credential (nobody, then). */
export function sessionStateRoutes(_deps: Deps) {
  const app = router();
  app.openapi(
    createRoute({
      method: "get",
      path: "/auth/session",
      tags: ["Sign-in"],
      summary:
        "Who is signed in: a person and their session (with its CSRF token), a machine's key, or nobody",
      description:
        "No credential: `{}`. An ended, expired or unknown one: `401` (and the cookie is cleared).",
      security: [...bearer, {}],
      responses: {
        200: json(SignInSessions.SessionStateSchema),
        401: errorResponse("The credential sent is not valid (any more)"),
        503: errorResponse("The store is unavailable; retry"),
      },
    }),
    (c) => c.json(SignInSessions.stateOf(c.get("principal"), c.get("signInSession")?.held), 200),
  );
  return app;
}

/** A signed-in person's own sessions and devices (docs/contract.md §19: "Thiết bị đã đăng nhập"). */
export function sessionRoutes(deps: Deps) {
  const app = router();

  app.openapi(
    createRoute({
      method: "post",
      path: "/auth/logout",
      tags: ["Sign-in"],
      summary: "Sign out: the current session ends and its cookie is cleared (a key: nothing to end)",
      security: bearer,
      responses: { 204: { description: "Signed out" }, ...commonErrors },
    }),
    async (c) => {
      const session = c.get("signInSession");
      if (session) await SignInSessions.end(deps, session.token);
      clearSessionCookie(c);
      return c.body(null, 204) as never;
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/auth/sessions",
      tags: ["Sign-in"],
      summary:
        "The signed-in person's sessions: device, when started, last seen, until when; the current marked",
      security: bearer,
      responses: {
        200: json(z.object({ items: z.array(SignInSessions.ListedSessionSchema) })),
        ...commonErrors,
      },
    }),
    async (c) => c.json({ items: await SignInSessions.listOwn(deps, c.var.principal) }, 200),
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/auth/sessions/{sessionId}",
      tags: ["Sign-in"],
      summary: "End one of one's own sessions (another device's, or this one); another person's is a 404",
      security: bearer,
      request: { params: z.object({ sessionId: z.string().max(64) }) },
      responses: { 204: { description: "Ended" }, ...commonErrors },
    }),
    async (c) => {
      const { sessionId } = c.req.valid("param");
      await SignInSessions.endOwn(deps, c.var.principal, sessionId);
      if (sessionId === c.var.principal.sessionId) clearSessionCookie(c);
      return c.body(null, 204) as never;
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/auth/devices",
      tags: ["Sign-in"],
      summary: `Add a device: an invitation to oneself, valid ${PersonInvitations.DEVICE_MINUTES} minutes, used once`,
      description:
        "Open its `url` (or type its `shortCode`) on the new device, which registers its own passkey through " +
        "`/api/join/{code}/passkey…` and is signed in. Only a person signed in with a session (403 for a key). " +
        "Voids the person's earlier invitations.",
      security: bearer,
      responses: {
        201: json(PersonInvitations.PersonInvitationSchema, "Created"),
        ...commonErrors,
        ...conflictError,
      },
    }),
    async (c) => c.json(await PersonInvitations.forDevice(deps, c.var.principal, baseUrl(deps)), 201),
  );

  return app;
}
