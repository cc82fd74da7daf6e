import {
  PLATFORM_SECRET_NAMES,
  PROVIDER_API_SECRET_NAMES,
  PROVIDER_SECRET_NAMES,
} from "@market40/core/config";
import { afterEach, describe, expect, it, vi } from "vitest";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("Lambda's configuration reader", () => {
  it("reads every provider secret in core's table from SST's bound secrets", async () => {
    // What SST's `bind` sets on the function: one variable per bound secret, and the table's name.
    vi.stubEnv("SST_APP", "market40");
    vi.stubEnv("SST_STAGE", "test");
    vi.stubEnv("SST_Table_tableName_Table", "t");
    for (const [field, name] of Object.entries(PROVIDER_SECRET_NAMES))
      vi.stubEnv(`SST_Secret_value_${name}`, `value-of-${field}`);
    for (const name of Object.values(PLATFORM_SECRET_NAMES)) vi.stubEnv(`SST_Secret_value_${name}`, "p");
    // The sync function's API keys: SePay's bound, Casso's not (an unbound key reads as unset).
    vi.stubEnv(`SST_Secret_value_${PROVIDER_API_SECRET_NAMES.sepay}`, "sepay-token");
    const { readLambdaConfig } = await import("./config");
    const { readBindings } = await import("./bindings");
    const config = readLambdaConfig(await readBindings(process.env), {});
    expect(config.secrets).toEqual(
      Object.fromEntries(Object.keys(PROVIDER_SECRET_NAMES).map((field) => [field, `value-of-${field}`])),
    );
    expect(config.apiKeys).toEqual({ sepay: "sepay-token", casso: "" });
    // The first import of the reader loads SST's node modules and the store: slow on a loaded machine.
  }, 30_000);
});
