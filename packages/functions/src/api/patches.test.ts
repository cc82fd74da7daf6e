import { fixedClock } from "@market40/core/clock";
import { createStore } from "@market40/core/store/client";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import { silentLogger } from "../log";
import { createApp } from "./app";

/**
 * A patch changes only what it names (docs/contract.md §3): every PATCH body schema of the API — found in the
 * app's own OpenAPI registry, so a new PATCH route is checked without being listed here — carries no defaults.
 */
const app = createApp({
  store: createStore({ tableName: "unused", endpoint: "http://127.0.0.1:9" } as never),
  clock: fixedClock("2026-11-26T03:00:00Z"),
  config: { tableName: "unused", stage: "test", secrets: {} } as never,
  logger: silentLogger,
});

interface RouteDefinition {
  type: string;
  route: {
    method: string;
    path: string;
    request?: { body?: { content?: Record<string, { schema: ZodType }> } };
  };
}

const patchSchemas = (app.openAPIRegistry.definitions as RouteDefinition[])
  .filter((d) => d.type === "route" && d.route.method === "patch")
  .map((d) => ({ path: d.route.path, schema: d.route.request?.body?.content?.["application/json"]?.schema }));

/** One valid value for every field of each PATCH body; a new PATCH route must add its own here. */
const FULL_PATCHES: Record<string, Record<string, unknown>> = {
  "/api/markets/{id}": {
    name: "Chợ phiên Mèo Vạc",
    province: "Tuyên Quang",
    commune: "Mèo Vạc",
    legacyDistrict: "Mèo Vạc",
    launchedOn: "2026-01-01",
    schedule: { kind: "weekly", days: [7] },
    hours: { open: "05:00", close: "12:00" },
    closures: ["2026-02-17"],
  },
  "/api/stalls/{stallId}": {
    code: "A-12",
    vendorName: "Giàng Thị Mai",
    phone: "0912345678",
    category: "rau",
    bank: { bin: "970405", accountNumber: "1234567890", accountName: "GIANG THI MAI" },
    status: "suspended",
  },
  "/api/incidents/{incidentId}": { endedAt: "2026-11-25T05:00:00Z", cause: "power", note: "mất điện" },
};

describe("PATCH bodies", () => {
  it("the API has PATCH routes, and each has a body schema and an example here", () => {
    expect(patchSchemas.length).toBeGreaterThanOrEqual(3);
    for (const { path, schema } of patchSchemas) {
      expect(schema, path).toBeDefined();
      expect(FULL_PATCHES[path], `add a full example of ${path}'s patch to FULL_PATCHES`).toBeDefined();
    }
  });

  it("`{}` parses to `{}` with every PATCH schema", () => {
    for (const { path, schema } of patchSchemas) expect(schema!.parse({}), path).toEqual({});
  });

  it("any subset of fields parses to exactly those fields: nothing is added by a default", () => {
    for (const { path, schema } of patchSchemas) {
      const full = FULL_PATCHES[path]!;
      fc.assert(
        fc.property(fc.subarray(Object.keys(full)), (keys) => {
          const patch = Object.fromEntries(keys.map((k) => [k, full[k]]));
          const parsed = schema!.parse(patch) as Record<string, unknown>;
          expect(Object.keys(parsed).sort(), path).toEqual([...keys].sort());
        }),
      );
    }
  });
});
