import { type ZodError, z } from "zod";
// Every schema failure reads as a plain sentence (the app-wide zod messages live with their translations).
import "./messages";

/**
 * Domain errors. Core throws these; the HTTP layer maps each `code` to a status in one place
 * (`packages/functions/src/api/errors.ts`), so a route never builds an error body by hand.
 */
export type ErrorCode =
  | "validation_error"
  | "unauthorized"
  | "forbidden"
  /** A cookie-carried request without the app's origin or its session's CSRF token (docs/contract.md §19). */
  | "csrf_failed"
  | "not_found"
  | "conflict"
  | "gone"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "unavailable"
  | "unprocessable"
  | "internal_error";

export interface ErrorIssue {
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: ErrorIssue[] = [],
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const validationError = (message: string, issues: ErrorIssue[] = []) =>
  new DomainError("validation_error", message, issues);
export const notFound = (what: string) => new DomainError("not_found", `${what} not found`);
export const conflict = (message: string, issues: ErrorIssue[] = []) =>
  new DomainError("conflict", message, issues);
/** Something that existed and is used up or expired (a spent invitation): `410`. */
export const gone = (message: string) => new DomainError("gone", message);
export const forbidden = (message = "This key may not do that") => new DomainError("forbidden", message);
export const unauthorized = (message = "A valid API key is required") =>
  new DomainError("unauthorized", message);

/** The store could not be reached or refused the request for capacity reasons: the caller should retry. */
export class StoreUnavailableError extends DomainError {
  constructor(
    message = "The data store is unavailable; retry later",
    override readonly cause?: unknown,
  ) {
    super("unavailable", message);
    this.name = "StoreUnavailableError";
  }
}

/** A zod failure as the error envelope's issues: `{path: "bank.bin", message}`. */
export function zodIssues(err: ZodError): ErrorIssue[] {
  return err.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
}

/** The error envelope every failed request is answered with (docs/contract.md §2). */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: "validation_error" }),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: "Error" });
