import { DomainError, validationError } from "@market40/core/errors";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./context";
import { CALLBACK_BODY_LIMIT } from "./routes/callbacks";

/** Deeper than any provider's format (payOS, SePay and Casso nest 2–3 levels); a deeper body is refused. */
export const CALLBACK_MAX_DEPTH = 32;

/** How deep a JSON text nests arrays and objects, ignoring brackets inside strings. Never recursive. */
export function jsonDepth(bytes: Uint8Array): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x5b || b === 0x7b) max = Math.max(max, ++depth);
    else if (b === 0x5d || b === 0x7d) depth--;
  }
  return max;
}

/** Reads at most `limit` bytes of a copy of the request body; `undefined` when it is longer. */
async function readCapped(request: Request, limit: number): Promise<Uint8Array | undefined> {
  const body = request.clone().body;
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      // Not awaited: a tee'd branch's cancel settles only once the other branch is cancelled too.
      void reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * Before a provider callback reaches its adapter (docs/contract.md §12): it must be sent as JSON — payOS, SePay and
 * Casso all send `application/json`, and so must the generic scheme; SePay's webhook may also be set up to post a
 * form (`application/x-www-form-urlencoded`, §16) — else 415; and it may nest at most
 * {@link CALLBACK_MAX_DEPTH} levels, else 400, so no adapter ever walks a hostile 10,000-deep document. Both are
 * judged on headers and bracket counts only: nothing of the body is interpreted before its signature is checked.
 */
export const callbackGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method !== "POST") return next();
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const form = type === "application/x-www-form-urlencoded" && c.req.path.endsWith("/callbacks/sepay");
  if (type !== "application/json" && !form)
    throw new DomainError("unsupported_media_type", "Callbacks are sent with Content-Type: application/json");
  const bytes = await readCapped(c.req.raw, CALLBACK_BODY_LIMIT);
  if (!bytes) throw new DomainError("payload_too_large", "Callbacks are at most 64 KiB");
  if (jsonDepth(bytes) > CALLBACK_MAX_DEPTH)
    throw validationError(`The body nests deeper than ${CALLBACK_MAX_DEPTH} levels`, [
      { path: "", message: `At most ${CALLBACK_MAX_DEPTH} levels of arrays and objects` },
    ]);
  return next();
};
