import { runDaily } from "../jobs/daily";
import { deps, evaluationQueueUrl } from "./config";
import { sqsEvaluationQueue } from "./evaluationQueue";

const evaluationQueue = sqsEvaluationQueue(evaluationQueueUrl());

/**
 * EventBridge cron → the daily job: the unmatched sweep, then one evaluation job per market on SQS. Throws when a
 * step failed, so the failure shows in metrics and alarms.
 */
export async function handler() {
  const report = await runDaily({ ...deps, evaluationQueue });
  deps.logger.info("daily job finished", { report });
  const failed = report.filter((r) => !r.ok);
  if (failed.length > 0) throw new Error(`daily steps failed: ${failed.map((f) => f.step).join(", ")}`);
  return report;
}
