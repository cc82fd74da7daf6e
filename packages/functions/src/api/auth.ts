import * as ApiKeys from "@market40/core/auth/keys";
import { unauthorized } from "@market40/core/errors";
import type { MiddlewareHandler } from "hono";
import type { AppEnv, Deps } from "./context";

const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]{8,200})$/;

/**
 * Resolves `Authorization: Bearer <token>` to a principal. Unknown, malformed, missing or revoked
 * tokens are all the same 401, so the answer tells an attacker nothing about which keys exist.
 */
export function authenticate(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = BEARER.exec(header.trim());
    if (!match) throw unauthorized();
    const key = await ApiKeys.findByToken(deps.store, match[1]!);
    if (!key || key.revokedAt) throw unauthorized();
    c.set("principal", {
      keyId: key.keyId,
      role: key.role,
      marketId: key.marketId,
      stallId: key.stallId,
      label: key.label,
    });
    await next();
  };
}
