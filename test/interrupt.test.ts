import * as Evaluations from "@market40/core/evaluation/evaluations";
import { evaluateAll } from "@market40/core/evaluation/scheduled";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput } from "./support/harness";

/** The evaluation job dies part-way (the store starts failing) and runs again: no partial or duplicate versions. */
let h: Harness;
beforeAll(async () => {
  h = await harness("2026-11-02T17:30:00Z"); // 00:30 on 3 November in Vietnam
  for (const id of ["m-1", "m-2", "m-3", "m-4"]) {
    await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id } });
    await h.call("POST", `/api/markets/${id}/stalls`, { body: stallInput("A-1", `${id.slice(2)}001`) });
  }
});
afterAll(() => h.close());

describe("interrupted evaluation job", () => {
  it("reports the markets it could not finish, and a re-run completes them without duplicating the others", async () => {
    let calls = 0;
    const failAfter = 25;
    h.store.doc.middlewareStack.add(
      (next) => async (args) => {
        if (++calls > failAfter)
          throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
        return next(args);
      },
      { step: "initialize", name: "chaos" },
    );
    const broken = await evaluateAll(h.deps);
    h.store.doc.middlewareStack.remove("chaos");
    expect(broken.failed.length).toBeGreaterThan(0);
    expect(broken.evaluated.length + broken.failed.length).toBe(8); // 4 markets × (month-to-date + last month)

    const rerun = await evaluateAll(h.deps);
    expect(rerun.failed).toEqual([]);
    expect(rerun.evaluated).toHaveLength(8);
    for (const id of ["m-1", "m-2", "m-3", "m-4"]) {
      const history = await Evaluations.historyOf(h.store, id);
      const byPeriod = new Map<string, number[]>();
      for (const e of history) byPeriod.set(e.periodKey, [...(byPeriod.get(e.periodKey) ?? []), e.version]);
      // Exactly one version per period: the interrupted run wrote either a whole evaluation or nothing.
      expect([...byPeriod.entries()].sort()).toEqual([
        ["2026-10", [1]],
        ["2026-11", [1]],
      ]);
    }
    const again = await evaluateAll(h.deps);
    expect(again.evaluated.map((e) => e.version)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
  });
});
