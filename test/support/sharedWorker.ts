import { afterAll, beforeAll, expect } from "vitest";

/**
 * Integration files share their worker (vitest.config.ts `isolate: false`), so a file must leave the process as it
 * found it: its environment variables (`vi.stubEnv`, then `vi.unstubAllEnvs`) here. Caches in the code are per store
 * (`WeakMap<Store, …>`), and each file has a store of its own.
 */
let before: Record<string, string | undefined>;
/** Set by a library for itself, once per process: aws-cdk-lib's jsii runtime quiets its deprecation warnings. */
const LIBRARIES_OWN = ["JSII_DEPRECATED"];
const environment = () => {
  const env = { ...process.env };
  for (const name of LIBRARIES_OWN) delete env[name];
  return env;
};
beforeAll(() => {
  before = environment();
});
afterAll(() => {
  expect(environment(), "environment variables this file changed and did not restore").toEqual(before);
});
