import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { oneBeatPerInstant } from "./heartbeatItem";

describe("two stored beats for one instant (two batches that raced past the check)", () => {
  it("read as one beat, and a failure wins whatever the order", () => {
    const at = "2026-10-25T00:00:00.000Z";
    expect(
      oneBeatPerInstant([
        { at, ok: false },
        { at, ok: true },
      ]),
    ).toEqual([{ at, ok: false }]);
    expect(
      oneBeatPerInstant([
        { at, ok: true },
        { at, ok: false },
      ]),
    ).toEqual([{ at, ok: false }]);
  });

  it("never reads a success where any stored beat of that instant failed", () => {
    const instants = ["2026-10-25T00:00:00.000Z", "2026-10-25T00:01:00.000Z", "2026-10-25T00:02:00.000Z"];
    fc.assert(
      fc.property(fc.array(fc.record({ at: fc.constantFrom(...instants), ok: fc.boolean() })), (beats) => {
        const read = oneBeatPerInstant(beats);
        expect(read.map((b) => b.at)).toEqual([...new Set(beats.map((b) => b.at))].sort());
        for (const b of read) expect(b.ok).toBe(beats.filter((x) => x.at === b.at).every((x) => x.ok));
      }),
    );
  });
});
