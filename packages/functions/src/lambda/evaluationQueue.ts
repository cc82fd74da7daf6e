import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { EvaluationJob } from "@market40/core/evaluation/scheduled";
import type { EvaluationQueue } from "../api/context";

/** SQS takes at most 10 messages per SendMessageBatch. */
const BATCH = 10;
/** Batches in flight at once: 8,500 markets are 850 batches, sent in a few seconds. */
const IN_FLIGHT = 8;

/**
 * The daily job's producer in AWS: one SQS message per market. Entries SQS refuses in a batch (throttling, a
 * transient error) are sent again; what is still refused after three tries fails the cron run, and its alarm says
 * so. Sending a job twice is harmless: an evaluation whose inputs did not change stores nothing new.
 */
export function sqsEvaluationQueue(queueUrl: string, client = new SQSClient({})): EvaluationQueue {
  return {
    async send(jobs) {
      const batches: EvaluationJob[][] = [];
      for (let i = 0; i < jobs.length; i += BATCH) batches.push(jobs.slice(i, i + BATCH));
      let next = 0;
      const refused: string[] = [];
      await Promise.all(
        Array.from({ length: Math.min(IN_FLIGHT, batches.length) }, async () => {
          while (next < batches.length) {
            let entries = batches[next++]!.map((job, i) => ({
              Id: String(i),
              MessageBody: JSON.stringify(job),
            }));
            for (let attempt = 1; entries.length > 0; attempt++) {
              const res = await client.send(
                new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
              );
              const failed = new Set((res.Failed ?? []).map((f) => f.Id));
              entries = entries.filter((e) => failed.has(e.Id));
              if (entries.length > 0 && attempt === 3) {
                refused.push(...entries.map((e) => (JSON.parse(e.MessageBody) as EvaluationJob).marketId));
                break;
              }
            }
          }
        }),
      );
      if (refused.length > 0)
        throw new Error(`SQS refused the jobs of ${refused.length} markets: ${refused.join(", ")}`);
    },
  };
}
