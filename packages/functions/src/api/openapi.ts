import { OpenAPIHono } from "@hono/zod-openapi";
import { DomainError, ErrorSchema } from "@market40/core/errors";
import { XLSX_TYPE } from "@market40/core/report/workbook";

export { ErrorSchema };

import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import type { AppEnv } from "./context";

/** Shared pieces of route definitions, so each route file states only what is its own. */
export const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorSchema } },
});

/** The error answers every authenticated route may give. */
export const commonErrors = {
  400: errorResponse("Invalid input (validation_error)"),
  401: errorResponse("Missing or unknown API key, or no live session"),
  403: errorResponse(
    "The key's (or person's) role or scope does not allow this; or csrf_failed: a cookie request without its " +
      "x-csrf-token or from another origin",
  ),
  404: errorResponse("Not found"),
  503: errorResponse("The store is unavailable; retry"),
} as const;

export const conflictError = { 409: errorResponse("Conflicts with existing data") } as const;
export const tooLargeError = { 413: errorResponse("Body too large") } as const;
/** A market's money total past 2^53 − 1: no report can state it exactly (docs/contract.md §10). */
export const unprocessableError = {
  422: errorResponse("A money total of this market is past what can be stated exactly (unprocessable)"),
} as const;

export const json = <T extends z.ZodType>(schema: T, description = "OK") => ({
  description,
  content: { "application/json": { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().optional() });

/**
 * An authenticated route takes any one of: an API key or a session's token as `Authorization: Bearer`, or the
 * session cookie (then with `x-csrf-token` and `Origin` on state-changing methods; docs/contract.md §19).
 */
export const bearer: Record<string, string[]>[] = [{ bearerAuth: [] }, { sessionCookie: [] }];

/** A router whose validation failures throw, so the app's one `onError` answers them. */
export function router(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw result.error;
    },
  });
}

export const CSV_BODY_LIMIT = 5 * 1024 * 1024;

/** Middleware for CSV uploads: at most 5 MiB, or a 413. */
export const csvLimit = bodyLimit({
  maxSize: CSV_BODY_LIMIT,
  onError: () => {
    throw new DomainError("payload_too_large", "The file is larger than 5 MiB; split it");
  },
});

/** The request body of a CSV upload; anything not sent as `text/csv` is a 415. */
export async function readCsv(c: Context): Promise<Uint8Array> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "text/csv")
    throw new DomainError("unsupported_media_type", "Send the file with Content-Type: text/csv");
  return new Uint8Array(await c.req.arrayBuffer());
}

export const csvRequestBody = { required: true, content: { "text/csv": { schema: z.string() } } } as const;

/** The request body of a table upload a clerk saves from Excel: CSV or an `.xlsx` workbook; anything else is a 415. */
export async function readTableUpload(c: Context): Promise<Uint8Array> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "text/csv" && type !== XLSX_TYPE)
    throw new DomainError("unsupported_media_type", "Send the file as CSV (text/csv) or Excel (.xlsx)");
  return new Uint8Array(await c.req.arrayBuffer());
}

export const tableRequestBody = {
  required: true,
  content: {
    "text/csv": { schema: z.string() },
    [XLSX_TYPE]: { schema: z.string().meta({ format: "binary" }) },
  },
} as const;
