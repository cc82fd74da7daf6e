import * as ApiKeys from "@market40/core/auth/keys";
import { DomainError, unauthorized } from "@market40/core/errors";
import type { Context, MiddlewareHandler } from "hono";
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
 * so the 40-bit typed code cannot be guessed from one address faster than bad keys can.
 */
export function codeGuessingGuard(failures: RateLimiter): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const address = clientAddress(c);
    const blocked = failures.blocked(address);
    if (blocked) tooMany(c, blocked);
    await next();
    if (c.res.status === 400 || c.res.status === 404) failures.hit(address);
  };
}

/**
 * Resolves `Authorization: Bearer <token>` to a principal. Unknown, malformed, missing or revoked tokens are all
 * the same 401, so the answer tells nothing about which keys exist. Failures are counted per source address (as the
 * edge saw it); a source over the limit gets 429 for its failed attempts only — a request with a valid key always
 * passes, whatever others on its address did, so no one can lock a vendor or an admin out. A key making too many
 * requests is slowed down on its own.
 */
export function authenticate(deps: Deps, failures = signInFailures(deps)): MiddlewareHandler<AppEnv> {
  const limits = deps.config.rateLimits ?? DEFAULT_LIMITS;
  const perKey = new RateLimiter(limits.requestsPerKey, 60_000);
  return async (c, next) => {
    // A path no route serves is a 404 for everyone (docs/contract.md §12): only middleware matched it.
    // On the local server the web app's `GET /*` matches too: only an API route counts.
    if (!c.req.matchedRoutes.some((r) => r.method !== "ALL" && r.path.startsWith("/api/"))) return next();
    const address = clientAddress(c);
    const header = c.req.header("authorization") ?? "";
    const match = BEARER.exec(header.trim());
    // A malformed or absent header from a blocked source costs no lookup.
    const blocked = failures.blocked(address);
    if (!match && blocked) tooMany(c, blocked);
    const key = match ? await ApiKeys.findByToken(deps.store, match[1]!) : undefined;
    if (!key || key.revokedAt) {
      const wait = failures.hit(address);
      if (wait) tooMany(c, wait);
      throw unauthorized();
    }
    const keyWait = perKey.hit(key.keyId);
    if (keyWait) tooMany(c, keyWait);
    c.set("principal", {
      keyId: key.keyId,
      role: key.role,
      marketId: key.marketId,
      stallId: key.stallId,
      province: key.province,
      label: key.label,
    });
    await next();
  };
}
