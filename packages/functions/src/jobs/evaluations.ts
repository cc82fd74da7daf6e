import { EvaluationJobSchema, evaluateJob } from "@market40/core/evaluation/scheduled";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { Deps } from "../api/context";

/**
 * The evaluation queue's consumer (lambda/evaluate.ts in AWS): each message is one market's job. A job that fails
 * transiently is reported back as a batch item failure, so SQS delivers it again and, after its maxReceiveCount,
 * moves it to the dead-letter queue (its alarm fires; docs/capacity.md says how to re-drive). A message that is not
 * a job goes there too rather than being dropped. The other messages of the batch are done.
 */
export async function consumeEvaluations(deps: Deps, event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse["batchItemFailures"] = [];
  for (const record of event.Records) {
    try {
      const job = EvaluationJobSchema.parse(JSON.parse(record.body));
      const report = await evaluateJob(deps, job);
      if (report.failed.length > 0) deps.logger.error("evaluations failed", { failed: report.failed });
      else deps.logger.info("market evaluated", { evaluated: report.evaluated });
    } catch (err) {
      deps.logger.error("evaluation job failed; SQS will deliver it again", {
        messageId: record.messageId,
        receiveCount: record.attributes?.ApproximateReceiveCount,
        error: err as Error,
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
