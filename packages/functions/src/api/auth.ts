import type { Principal } from "@market40/core/auth/keys";
import * as ApiKeys from "@market40/core/auth/keys";
import type { SignInSession } from "@market40/core/auth/signInSessions";
import * as SignInSessions from "@market40/core/auth/signInSessions";
import { DomainError, unauthorized } from "@market40/core/errors";
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv, Deps } from "./context";
import { RateLimiter } from "./rateLimit";

/** The scheme is case-insensitive (RFC 9110 §11.1): `bearer` and `BEARER` are accepted. */
const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]{8,200})$/i;

/**
 * Where a request comes from, as the edge saw it (docs/security.md: sign-in failures). In Lambda behind CloudFront:
 * `CloudFront-Viewer-Address` (the viewer's own IP and port), which CloudFront sets itself and overwrites if the
 * viewer sent one — API Gateway's source IP there is one of a handful of CloudFront edge addresses shared by every
 * viewer. Without that header (API Gateway called directly): API Gateway's source IP. Locally: the socket's peer —
 * no header, since nothing in front of `npm start` would overwrite it.
 */
export function clientAddress(c: Context): string {
  const env = c.env as
    | {
        requestContext?: { http?: { sourceIp?: string } };
        incoming?: { socket?: { remoteAddress?: string } };
      }
    | undefined;
  if (env?.requestContext) {
    const viewer = c.req.header("cloudfront-viewer-address");
    // "203.0.113.7:52144" or "2001:db8::1:52144": the address is all but the last ":port".
    const ip = viewer?.includes(":") ? viewer.slice(0, viewer.lastIndexOf(":")) : undefined;
    if (ip && /^[0-9A-Fa-f:.]{2,45}$/.test(ip)) return ip;
    return env.requestContext.http?.sourceIp ?? "unknown";
  }
  return env?.incoming?.socket?.remoteAddress ?? "unknown";
}

function tooMany(c: Context, seconds: number): never {
  c.header("Retry-After", String(Math.max(1, seconds)));
  throw new DomainError("rate_limited", "Too many requests; slow down and retry later");
}

const DEFAULT_LIMITS = { failedAuthPerIp: 30, requestsPerKey: 1200 };

/** Failed sign-ins per source address in this process: bad keys and unknown invitation codes count alike. */
export function signInFailures(deps: Deps): RateLimiter {
  return new RateLimiter((deps.config.rateLimits ?? DEFAULT_LIMITS).failedAuthPerIp, 60_000);
}

/**
 * Guards a route whose path carries a credential with no key (an invitation's code, long or typed): a source over
 * the failed sign-in limit gets 429 before any lookup, and each unknown or malformed code counts as a failure —
 * so the 40-bit typed code cannot be guessed from one address faster than bad keys can. Signing in with a passkey
 * counts its refusals (`401`) too.
 */
export function codeGuessingGuard(
  failures: RateLimiter,
  counted: readonly number[] = [400, 404],
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const address = clientAddress(c);
    const blocked = failures.blocked(address);
    if (blocked) tooMany(c, blocked);
    await next();
    if (counted.includes(c.res.status)) failures.hit(address);
  };
}

/** The cookie a browser's session rides in (`Secure; HttpOnly; SameSite=Strict; Path=/`). */
export const SESSION_COOKIE = "m40_session";
const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Sends a session's token as its cookie, for as long as the session would live if not used again. */
export function sendSessionCookie(c: Context, token: string, expiresAt: string, now: Date): void {
  setCookie(c, SESSION_COOKIE, token, {
    secure: true,
    httpOnly: true,
    sameSite: "Strict",
    path: "/",
    maxAge: Math.max(0, Math.floor((Date.parse(expiresAt) - now.getTime()) / 1000)),
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { secure: true, httpOnly: true, sameSite: "Strict", path: "/" });
}

const csrfRefused = (message: string) => new DomainError("csrf_failed", message);

/** The one origin a browser's state-changing request may come from: the configured public address's. */
function expectedOrigin(deps: Deps): string | undefined {
  return deps.config.publicUrl ? new URL(deps.config.publicUrl).origin : undefined;
}

/**
 * A route that sets a session cookie with no credential yet (signing in, accepting an invitation) refuses a browser
 * request from another origin, so no other site can sign a browser in as someone else (login CSRF). A client that
 * is no browser sends no `Origin` and is let through: it gets no cookie it did not ask for.
 */
export function sameOriginIfBrowser(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const origin = c.req.header("origin");
    if (origin !== undefined && origin !== expectedOrigin(deps))
      throw csrfRefused("This request came from another site; open the app at its own address");
    await next();
  };
}

/** Who a request's credential names; `undefined`: it carries none; `null`: it carries one that is not valid. */
type Identified =
  | { principal: Principal; session?: { held: SignInSession; token: string; cookie: boolean } }
  | null
  | undefined;

async function identify(deps: Deps, c: Context): Promise<Identified> {
  const header = c.req.header("authorization");
  if (header !== undefined) {
    const match = BEARER.exec(header.trim());
    if (!match) return null;
    const token = match[1]!;
    const key = await ApiKeys.findByToken(deps.store, token);
    if (key && !key.revokedAt)
      return {
        principal: {
          keyId: key.keyId,
          role: key.role,
          marketId: key.marketId,
          stallId: key.stallId,
          province: key.province,
          label: key.label,
        },
      };
    const found = await SignInSessions.resolve(deps, token);
    if (!found) return null;
    return {
      principal: SignInSessions.principalOf(found.person, found.session),
      session: { held: found.session, token, cookie: false },
    };
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  if (!cookie) return undefined;
  const found = await SignInSessions.resolve(deps, cookie);
  if (!found) return null;
  // The cookie's own lifetime follows the session's, whenever its expiry moved.
  if (found.touched) sendSessionCookie(c, cookie, found.session.expiresAt, deps.clock.now());
  return {
    principal: SignInSessions.principalOf(found.person, found.session),
    session: { held: found.session, token: cookie, cookie: true },
  };
}

/**
 * Resolves a request's credential to a principal, trying in order: `Authorization: Bearer <token>` as an API key,
 * the same as a session's token, and the `m40_session` cookie (docs/contract.md §19). A person's rights are read
 * from their record on every request, so a suspension or a changed scope counts from the next one. Unknown,
 * malformed, missing, revoked, ended or expired credentials are all the same 401, so the answer tells nothing about
 * which exist. A request carried by the cookie that changes something (POST, PUT, PATCH, DELETE) must also come
 * from the app's own origin (`Origin`, required) and carry the session's CSRF token in `x-csrf-token`; bearer
 * requests need neither — no browser sends them on its own. Failures are counted per source address (as the edge
 * saw it); a source over the limit gets 429 for its failed attempts only — a request with a valid credential always
 * passes, whatever others on its address did, so no one can lock a vendor or an admin out. A key (or a person)
 * making too many requests is slowed down on its own. With `optional`, a request with no credential at all passes
 * with no principal (who is signed in: nobody).
 */
export function authenticate(
  deps: Deps,
  failures = signInFailures(deps),
  { optional = false } = {},
): MiddlewareHandler<AppEnv> {
  const limits = deps.config.rateLimits ?? DEFAULT_LIMITS;
  const perKey = new RateLimiter(limits.requestsPerKey, 60_000);
  return async (c, next) => {
    // A path no route serves is a 404 for everyone (docs/contract.md §12): only middleware matched it.
    // On the local server the web app's `GET /*` matches too: only an API route counts.
    if (!c.req.matchedRoutes.some((r) => r.method !== "ALL" && r.path.startsWith("/api/"))) return next();
    const address = clientAddress(c);
    // An absent or malformed credential from a blocked source costs no lookup.
    const blocked = failures.blocked(address);
    const header = c.req.header("authorization");
    const presented =
      header !== undefined ? BEARER.test(header.trim()) : Boolean(getCookie(c, SESSION_COOKIE));
    if (blocked && !presented && !(optional && header === undefined)) tooMany(c, blocked);
    const who = await identify(deps, c);
    if (who === undefined && optional) return next();
    if (!who) {
      if (header === undefined && who === null) clearSessionCookie(c);
      const wait = failures.hit(address);
      if (wait) tooMany(c, wait);
      throw unauthorized();
    }
    const session = who.session;
    if (session?.cookie && STATE_CHANGING.has(c.req.method)) {
      const origin = c.req.header("origin");
      if (origin === undefined || origin !== expectedOrigin(deps))
        throw csrfRefused("This request did not come from the app's own address");
      if (!SignInSessions.csrfMatches(session.held, c.req.header("x-csrf-token")))
        throw csrfRefused("The x-csrf-token header is missing or wrong; reload the app and try again");
    }
    const keyWait = perKey.hit(who.principal.keyId);
    if (keyWait) tooMany(c, keyWait);
    c.set("principal", who.principal);
    if (session) c.set("signInSession", session);
    await next();
  };
}
