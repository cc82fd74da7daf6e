import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/**
 * zod gives a schema its methods when the schema is made, so a core schema made before @hono/zod-openapi extended
 * zod has no `.openapi`. The app must build (and document those schemas) whatever was imported first: here, in a
 * fresh Node process, core's callback and announcement schemas before the app.
 */
describe("the API's OpenAPI document", () => {
  it("is built when core's schemas were made before the app was imported", () => {
    const script = `
      await import("@market40/core/callback/providers/generic");
      await import("@market40/core/realtime/announcement");
      const { createApp } = await import("@market40/functions/api/app");
      const { createStore } = await import("@market40/core/store/client");
      const app = createApp({
        store: createStore({ tableName: "unused", endpoint: "http://127.0.0.1:9" }),
        clock: { now: () => new Date() },
        config: { tableName: "unused", stage: "test", secrets: {} },
        logger: { debug() {}, info() {}, warn() {}, error() {} },
      });
      const res = await app.request("/api/openapi.json");
      const doc = await res.json();
      console.log(JSON.stringify(Object.keys(doc.components.schemas).filter((k) => /GenericCallback|RealtimePayment/.test(k))));
    `;
    const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    });
    expect(JSON.parse(out.trim().split("\n").pop()!).sort()).toEqual(["GenericCallback", "RealtimePayment"]);
  }, 30_000);
});
