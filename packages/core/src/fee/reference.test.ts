import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { billReference, compactReference } from "./billing";
import { isReferenceShaped, referencesIn } from "./reference";

describe("a bill's reference in a transfer's description", () => {
  it.each([
    ["PHI A12 2611", "PHIA122611"],
    ["phi a12 2611", "PHIA122611"],
    ["Phí A12 2611", "PHIA122611"],
    ["PHÍ  A12   2611", "PHIA122611"],
    ["PHIA122611", "PHIA122611"],
    ["PHI A-12 26/11", "PHIA122611"],
    ["MBVCB.3344556677.PHI A12 2611.CT tu 0123456789 NGUYEN VAN A toi 0451000333444", "PHIA122611"],
    ["IBFT PHI A12 2611 FT26330123456", "PHIA122611"],
    ["NGUYEN VAN A chuyen tien PHI A12 2611-GD 123456", "PHIA122611"],
    ["PHI A12 T1126", "PHIA12T1126"],
    ["phi a12 t11 26 ", "PHIA12T1126"],
    ["PHI A1 0111B", "PHIA10111B"],
    ["PHI A1 0111 B", "PHIA10111B"],
  ])("%s → %s", (description, compact) => {
    expect(referencesIn(description)[0]).toBe(compact);
  });

  it("finds none where there is no reference", () => {
    expect(referencesIn("A12 rau cai")).toEqual([]);
    expect(referencesIn("PHI cho thang nay")).toEqual([]);
    expect(referencesIn("PHI A12 3213")).toEqual([]); // no 13th month
    expect(referencesIn("")).toEqual([]);
  });

  it("a bank's number after the reference does not hide it", () => {
    expect(referencesIn("PHI A12 2611 1234")).toEqual(["PHIA122611"]);
  });

  it("every reference issuing writes reads back from its own text, whatever the bank adds around it", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9-]{1,10}$/).filter((c) => /[A-Za-z0-9]/.test(c)),
        fc.date({ min: new Date("2020-01-01"), max: new Date("2035-12-31"), noInvalidDate: true }),
        fc.boolean(),
        fc.integer({ min: 0, max: 5 }),
        fc.constantFrom("", "MBVCB.123456.", "IBFT ", "CT DEN:0123 "),
        fc.constantFrom("", " FT26330123456", ".CT tu 0123456789", "-GD 889900"),
        (code, date, month, attempt, prefix, suffix) => {
          const iso = date.toISOString().slice(0, 10);
          const reference = billReference(
            { stallCode: code, periodKey: month ? iso.slice(0, 7) : iso },
            attempt,
          );
          expect(isReferenceShaped(compactReference(reference))).toBe(true);
          expect(referencesIn(`${prefix}${reference}${suffix}`)).toContain(compactReference(reference));
          expect(referencesIn(`${prefix}${reference.toLowerCase()}${suffix}`)).toContain(
            compactReference(reference),
          );
        },
      ),
    );
  });
});
