import { DomainError, type ErrorCode, type ErrorIssue, zodIssues } from "@market40/core/errors";
import { languageOf, localize } from "@market40/core/messages";
import { isUnavailable } from "@market40/core/store/client";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ZodError } from "zod";
import type { AppLogger } from "../log";

/** The one place a domain error becomes an HTTP status (docs/contract.md §2). */
export const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  validation_error: 400,
  unauthorized: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  unprocessable: 422,
  internal_error: 500,
};

/** True when `err` will be answered `503` (the store cannot serve now): such an answer acknowledges nothing. */
export function answersUnavailable(err: unknown): boolean {
  return isUnavailable(err) || (err instanceof DomainError && err.code === "unavailable");
}

export function errorBody(code: ErrorCode, message: string, issues: ErrorIssue[] = []) {
  return { error: { code, message, ...(issues.length ? { issues } : {}) } };
}

/**
 * An error answer in the reader's language (`Accept-Language`, Vietnamese by default; docs/contract.md §13):
 * `code` and issue paths stay as they are, messages are translated in one place (`core/messages.ts`).
 */
export function sendError(
  c: Context,
  body: ReturnType<typeof errorBody>,
  status: ContentfulStatusCode,
): Response {
  const lang = languageOf(c.req.header("accept-language"));
  c.header("Content-Language", lang);
  c.header("Vary", "Accept-Language", { append: true });
  return c.json(localize(body, lang), status);
}

/** Maps anything thrown in a route to the error envelope; never leaks a stack trace. */
export function toErrorResponse(err: unknown, c: Context, logger: AppLogger): Response {
  if (c.req.raw.signal?.aborted && !(err instanceof DomainError)) {
    // The client went away mid-request (an aborted upload): its doing, not the store's. Nobody reads this answer;
    // it is a 400 (nginx would log 499) logged as one info line, never "store unavailable", never a stack trace.
    logger.info("client closed the request", { error: (err as Error)?.name });
    return sendError(c, errorBody("validation_error", "The request was closed before it was received"), 400);
  }
  if (err instanceof ZodError) {
    return sendError(c, errorBody("validation_error", "The request is not valid", zodIssues(err)), 400);
  }
  if (err instanceof DomainError) {
    if (err.code === "unavailable") {
      logger.warn("store unavailable", { error: String((err as { cause?: unknown }).cause ?? err.message) });
      c.header("Retry-After", "5");
    }
    return sendError(c, errorBody(err.code, err.message, err.issues), STATUS[err.code]);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code: ErrorCode =
      status === 413
        ? "payload_too_large"
        : status === 415
          ? "unsupported_media_type"
          : status === 401
            ? "unauthorized"
            : "validation_error";
    const message = status === 413 ? "The request body is too large" : err.message || "Bad request";
    return sendError(c, errorBody(code, message), STATUS[code]);
  }
  if (isUnavailable(err)) {
    logger.warn("store unavailable", { error: (err as Error).name });
    c.header("Retry-After", "5");
    return sendError(c, errorBody("unavailable", "The data store is unavailable; retry later"), 503);
  }
  if ((err as Error)?.name === "ValidationException" && c.req.query("cursor")) {
    // A well-formed cursor for another listing: the store refuses its start key. The caller's fault.
    return sendError(
      c,
      errorBody("validation_error", "Invalid cursor", [
        { path: "cursor", message: "Not a cursor for this list" },
      ]),
      400,
    );
  }
  logger.error("unhandled error", { error: err as Error });
  return sendError(c, errorBody("internal_error", "Something went wrong on our side"), 500);
}
