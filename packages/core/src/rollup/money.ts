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
    throw new MoneyOutOfRangeError();
  return Number(value ?? 0);
}

/**
 * A total no report can state exactly: a `422` naming the market (docs/contract.md §10), not a `500` — the request
 * is sound and nothing is broken but that market's records, which someone must look at; retrying will not help.
 */
export class MoneyOutOfRangeError extends DomainError {
  constructor(readonly marketId?: string) {
    super(
      "unprocessable",
      marketId
        ? `A money total of market '${marketId}' is past the range a report can state exactly`
        : "A money total is past the range a report can state exactly",
    );
    this.name = "MoneyOutOfRangeError";
  }
}

/** Runs `work` (sync or async) so that a total out of range says which market it belongs to. */
export function namingMarket<T>(marketId: string, work: () => T): T {
  const rename = (err: unknown): never => {
    if (err instanceof MoneyOutOfRangeError && !err.marketId) throw new MoneyOutOfRangeError(marketId);
    throw err;
  };
  try {
    const out = work();
    return (out instanceof Promise ? out.catch(rename) : out) as T;
  } catch (err) {
    return rename(err);
  }
}

/** The exact sum of money values, or an error when it would not be exact. */
export function sumMoney(values: Iterable<number>): number {
  let total = 0n;
  for (const v of values) total += BigInt(exactMoney(v));
  return exactMoney(total <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(total) : total);
}
