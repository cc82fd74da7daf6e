import { describe, expect, it } from "vitest";
import { countedIn, type StallNow, type StandingChange } from "./history";

const NOVEMBER = { start: Date.parse("2026-10-31T17:00:00Z"), end: Date.parse("2026-11-30T17:00:00Z") };
const stall = (id: string, now: Partial<StallNow> = {}): StallNow => ({
  id,
  status: "active",
  createdAt: "2026-10-01T00:00:00Z",
  qrIssuedAt: "2026-10-02T00:00:00Z",
  ...now,
});
const change = (
  stallId: string,
  at: string,
  before: StandingChange["before"],
  after: StandingChange["after"],
): StandingChange => ({ stallId, code: stallId, at, before, after });
const QR = "2026-10-02T00:00:00Z";

describe("the stalls a period counts", () => {
  it("counts a stall suspended after the period, and one suspended during it", () => {
    const after = change(
      "a",
      "2026-12-01T03:00:00Z",
      { status: "active", qrIssuedAt: QR },
      { status: "suspended", qrIssuedAt: QR },
    );
    const during = change(
      "b",
      "2026-11-20T03:00:00Z",
      { status: "active", qrIssuedAt: QR },
      { status: "suspended", qrIssuedAt: QR },
    );
    const counted = countedIn(
      [stall("a", { status: "suspended" }), stall("b", { status: "suspended" })],
      [after, during],
      NOVEMBER,
    );
    expect(counted.stalls.map((s) => s.id)).toEqual(["a", "b"]);
    expect(counted.withQr.map((s) => s.id)).toEqual(["a", "b"]);
  });

  it("does not count a stall suspended for the whole period, though active now", () => {
    const resumed = change(
      "c",
      "2026-12-01T03:00:00Z",
      { status: "suspended", qrIssuedAt: QR },
      { status: "active", qrIssuedAt: QR },
    );
    expect(countedIn([stall("c")], [resumed], NOVEMBER).stalls).toEqual([]);
  });

  it("counts a code revoked after the period (new bank details), not one handed over after it", () => {
    const revoked = change(
      "d",
      "2026-12-05T00:00:00Z",
      { status: "active", qrIssuedAt: QR },
      { status: "active", qrIssuedAt: null },
    );
    const counted = countedIn(
      [stall("d", { qrIssuedAt: null }), stall("e", { qrIssuedAt: "2026-12-02T00:00:00Z" })],
      [revoked],
      NOVEMBER,
    );
    expect(counted.stalls.map((s) => s.id)).toEqual(["d", "e"]);
    expect(counted.withQr.map((s) => s.id)).toEqual(["d"]);
  });

  it("with no history, counts as before: active now and created before the period ended", () => {
    const counted = countedIn(
      [stall("f"), stall("g", { status: "suspended" }), stall("h", { createdAt: "2026-12-01T00:00:00Z" })],
      [],
      NOVEMBER,
    );
    expect(counted.stalls.map((s) => s.id)).toEqual(["f"]);
  });
});
