import { runSync } from "../jobs/sync";
import { deps } from "./config";

/**
 * EventBridge schedule (stacks/JobsStack.ts) → the pull sync. Throws when a provider's pull failed, so the failure
 * shows in the function's error metric and its alarm; the next run goes on from each provider's cursor.
 */
export async function handler() {
  const outcomes = await runSync(deps);
  const failed = outcomes.filter((o) => o.status === "failed");
  if (failed.length > 0) throw new Error(`pull sync failed for ${failed.map((f) => f.provider).join(", ")}`);
  return outcomes;
}
