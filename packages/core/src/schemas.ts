import { z } from "zod";
import { FIRST_DATE, isLocalDate, isSupportedDate, LAST_DATE } from "./calendar/localDate";

/** Shared field schemas. Entity schemas live beside their entity (`market/market.ts`, `stall/stall.ts`). */
export const LocalDateSchema = z
  .string()
  .max(10)
  .refine(isLocalDate, { message: "Expected a date YYYY-MM-DD" })
  .refine((d) => !isLocalDate(d) || isSupportedDate(d), {
    message: `Expected a date from ${FIRST_DATE} to ${LAST_DATE}`,
  })
  .meta({ example: "2026-12-06", format: "date" });

export const InstantSchema = z
  .string()
  .max(40)
  .refine(
    (s) =>
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(s) &&
      !Number.isNaN(Date.parse(s)),
    {
      message: "Expected an ISO 8601 date-time with a time zone",
    },
  )
  .meta({ example: "2026-11-29T06:41:07+07:00", format: "date-time" });

/**
 * A whole number in a query string, in plain decimal only: `0x2`, `2e0`, ` 2` or `+2` are a 400, never read as 2
 * (what `z.coerce.number()` would do). Absent: `fallback`.
 */
export function wholeNumberQuery(min: number, max: number, fallback: number) {
  return z
    .string()
    .regex(/^(0|[1-9]\d{0,8})$/, "Expected a whole number in digits")
    .optional()
    .transform((v) => (v === undefined ? fallback : Number(v)))
    .pipe(z.number().int().min(min).max(max))
    .meta({ type: "integer", minimum: min, maximum: max, default: fallback });
}

export const PageQuerySchema = z.object({
  limit: wholeNumberQuery(1, 500, 50),
  cursor: z.string().max(2048).optional(),
});

const fromNotAfterTo: [(r: { from: string; to: string }) => boolean, { message: string; path: string[] }] = [
  (r) => r.from <= r.to,
  { message: "`from` must not be after `to`", path: ["to"] },
];

export const DateRangeQuerySchema = z
  .object({ from: LocalDateSchema, to: LocalDateSchema })
  .refine(...fromNotAfterTo);

/** A date range and a page: the transaction listings' query. */
export const DateRangePageQuerySchema = z
  .object({ from: LocalDateSchema, to: LocalDateSchema, ...PageQuerySchema.shape })
  .refine(...fromNotAfterTo);
