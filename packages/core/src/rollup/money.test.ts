import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exactMoney, sumMoney } from "./money";

describe("money sums", () => {
  it("are exact whenever the total fits a JSON number, and refused otherwise — never rounded", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9_999_999_999_999 }), { maxLength: 2000 }),
        (amounts) => {
          const exact = amounts.reduce((s, a) => s + BigInt(a), 0n);
          if (exact <= BigInt(Number.MAX_SAFE_INTEGER)) expect(BigInt(sumMoney(amounts))).toBe(exact);
          else expect(() => sumMoney(amounts)).toThrow(/exactly/);
        },
      ),
    );
  });

  it("takes the last exact integer and refuses the next, and a bigint from the store", () => {
    expect(sumMoney([Number.MAX_SAFE_INTEGER - 1, 1])).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => sumMoney([Number.MAX_SAFE_INTEGER, 1])).toThrow();
    expect(() => exactMoney(9007199254740993n)).toThrow();
    expect(exactMoney(undefined)).toBe(0);
  });
});
