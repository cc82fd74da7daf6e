import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cell } from "./csv";

/** What a spreadsheet reads back from one cell, by an independent CSV reader. */
const readBack = (text: string) => (parse(`${text}\r\n`, { relax_quotes: false }) as string[][])[0]![0]!;
const RUNS_AS_FORMULA = /^[=+\-@\t\r\n＝＋－＠]/;

describe("CSV cells for the liaison's export", () => {
  it("read back as the same text, or that text behind a ' when a spreadsheet would run it", () => {
    const risky = fc.constantFrom("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠", "", " ");
    fc.assert(
      fc.property(risky, fc.string({ maxLength: 40 }), (start, rest) => {
        const text = `${start}${rest}`;
        const back = text === "" ? "" : readBack(cell(text));
        expect(back === text || back === `'${text}`).toBe(true);
        expect(back).not.toMatch(RUNS_AS_FORMULA);
      }),
      { numRuns: 2000 },
    );
  });

  it("write numbers plainly and null as empty", () => {
    expect(cell(-12.5)).toBe("-12.5");
    expect(cell(null)).toBe("");
    expect(cell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(cell("Chợ phiên Đồng Văn, Tuyên Quang")).toBe('"Chợ phiên Đồng Văn, Tuyên Quang"');
  });
});
