import { type Harness, harness as harnessAt } from "@market40/devkit/harness";
import { inject } from "vitest";

export { DONG_VAN, type Harness, stallInput, TEST_PAYER_KEY, TEST_SECRETS } from "@market40/devkit/harness";

/** A fresh table on the run's DynamoDB Local (test/support/globalSetup.ts), the app over it, and an admin token. */
export function harness(now?: string): Promise<Harness> {
  return harnessAt(inject("dynamodbEndpoint"), now);
}
