import { runDaily } from "../jobs/daily";
import { deps } from "./config";

/** EventBridge cron → the daily job. Throws when a step failed, so the failure shows in metrics and alarms. */
export async function handler() {
  const report = await runDaily(deps);
  deps.logger.info("daily job finished", { report });
  const failed = report.filter((r) => !r.ok);
  if (failed.length > 0) throw new Error(`daily steps failed: ${failed.map((f) => f.step).join(", ")}`);
  return report;
}
