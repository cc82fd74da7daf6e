import * as ApiKeys from "@market40/core/auth/keys";
import { DomainError, unauthorized } from "@market40/core/errors";
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv, Deps } from "./context";
import { RateLimiter } from "./rateLimit";

/** The scheme is case-insensitive (RFC 9110 §11.1): `bearer` and `BEARER` are accepted. */
const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]{8,200})$/i;

/** The caller's address: API Gateway's source IP in Lambda, the socket's peer locally. Never a client header. */
export function clientAddress(c: Context): string {
  const env = c.env as
    | {
        requestContext?: { http?: { sourceIp?: string } };
        incoming?: { socket?: { remoteAddress?: string } };
      }
    | undefined;
  return env?.requestContext?.http?.sourceIp ?? env?.incoming?.socket?.remoteAddress ?? "unknown";
}

function tooMany(c: Context, seconds: number): never {
  c.header("Retry-After", String(Math.max(1, seconds)));
  throw new DomainError("rate_limited", "Too many requests; slow down and retry later");
}

/**
 * Resolves `Authorization: Bearer <token>` to a principal. Unknown, malformed, missing or revoked tokens are all
 * the same 401, so the answer tells nothing about which keys exist; an address that keeps failing is answered 429
 * before any lookup, and a key making too many requests is slowed down too.
 */
export function authenticate(deps: Deps): MiddlewareHandler<AppEnv> {
  const limits = deps.config.rateLimits ?? { failedAuthPerIp: 30, requestsPerKey: 1200 };
  const failures = new RateLimiter(limits.failedAuthPerIp, 60_000);
  const perKey = new RateLimiter(limits.requestsPerKey, 60_000);
  return async (c, next) => {
    // A path no route serves is a 404 for everyone (docs/contract.md §12): only middleware matched it.
    if (!c.req.matchedRoutes.some((r) => r.method !== "ALL")) return next();
    const address = clientAddress(c);
    const wait = failures.blocked(address);
    if (wait) tooMany(c, wait);
    const header = c.req.header("authorization") ?? "";
    const match = BEARER.exec(header.trim());
    const key = match ? await ApiKeys.findByToken(deps.store, match[1]!) : undefined;
    if (!key || key.revokedAt) {
      failures.hit(address);
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
