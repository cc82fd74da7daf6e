import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { POSTER_PART_SIZE, splitIntoParts } from "./issuance";

const stalls = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ code: `S-${String(i).padStart(4, "0")}` }));

describe("poster parts (docs/contract.md §12)", () => {
  it("cuts 450 stalls into 200, 200 and 50, in order, naming the first and last code", () => {
    const parts = splitIntoParts(stalls(450));
    expect(parts.map((p) => p.part)).toEqual([
      { part: 1, stalls: 200, from: "S-0000", to: "S-0199" },
      { part: 2, stalls: 200, from: "S-0200", to: "S-0399" },
      { part: 3, stalls: 50, from: "S-0400", to: "S-0449" },
    ]);
  });

  it("no stall: no part; exactly 200: one part", () => {
    expect(splitIntoParts([])).toEqual([]);
    expect(splitIntoParts(stalls(POSTER_PART_SIZE))).toHaveLength(1);
    expect(splitIntoParts(stalls(POSTER_PART_SIZE + 1))).toHaveLength(2);
  });

  it("every stall in exactly one part, in the given order, no part above the size", () => {
    fc.assert(
      fc.property(fc.nat(1200), fc.integer({ min: 1, max: 300 }), (n, size) => {
        const all = stalls(n);
        const parts = splitIntoParts(all, size);
        expect(parts.flatMap((p) => p.stalls)).toEqual(all);
        for (const [i, p] of parts.entries()) {
          expect(p.stalls.length).toBeLessThanOrEqual(size);
          expect(p.stalls.length).toBeGreaterThan(0);
          expect(p.part).toEqual({
            part: i + 1,
            stalls: p.stalls.length,
            from: p.stalls[0]!.code,
            to: p.stalls.at(-1)!.code,
          });
        }
        expect(parts.length).toBe(Math.ceil(n / size));
      }),
    );
  });

  it("refuses a part size that is not a positive integer", () => {
    expect(() => splitIntoParts(stalls(3), 0)).toThrow(RangeError);
  });
});
