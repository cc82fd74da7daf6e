import { DomainError } from "../errors";

/**
 * Money is integer VND, and every sum of it must be exact (docs/contract.md §10). A single amount is capped at 13
 * digits, but a market's month can add up past what a JavaScript number (and so a JSON reader) holds exactly,
 * 2^53 − 1: such a sum is refused loudly rather than rounded. The store keeps the exact figure (DynamoDB numbers
 * hold 38 digits), and the client reads any number past that range as a `bigint` (`store/client.ts`), so nothing
 * is rounded on the way in either.
 */
export function exactMoney(value: unknown): number {
  if (typeof value === "bigint" || (typeof value === "number" && !Number.isSafeInteger(value)))
    throw new DomainError("internal_error", "A money total is past the range a report can state exactly");
  return Number(value ?? 0);
}

/** The exact sum of money values, or an error when it would not be exact. */
export function sumMoney(values: Iterable<number>): number {
  let total = 0n;
  for (const v of values) total += BigInt(exactMoney(v));
  return exactMoney(total <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(total) : total);
}
