import { EVALUATION_CONCURRENCY, EVALUATION_MAX_RECEIVES } from "@market40/core/evaluation/scheduled";
import { SYNC_EVERY_MINUTES } from "@market40/core/sync/run";
import { Duration } from "aws-cdk-lib";
import { Effect, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { QueueEncryption, Queue as SqsQueue } from "aws-cdk-lib/aws-sqs";
import { Cron, Queue, type StackContext, use } from "sst/constructs";
import { ApiStack } from "./ApiStack";
import { tableAndSecrets } from "./access";
import { StorageStack } from "./StorageStack";

/** 00:30 in Asia/Ho_Chi_Minh (UTC+7, no DST) is 17:30 UTC the day before. */
export const DAILY_SCHEDULE = "cron(30 17 * * ? *)";

/** The pull sync's schedule: the same cadence as `npm start`'s in-process timer (local/scheduler.ts). */
export const SYNC_SCHEDULE = `rate(${SYNC_EVERY_MINUTES} minutes)`;
/**
 * One run reads at most MAX_PAGES_PER_RUN pages at SePay's 3 requests a second (about 70 s) plus their ingests;
 * 300 s leaves room, and a run cut short is harmless (the cursor moved only past stored pages).
 */
export const SYNC_TIMEOUT_SECONDS = 300;

/**
 * The consumer: 10 markets a batch; at 0.20 s a market-month (docs/benchmarks.md), two periods each, a batch takes
 * ~4 s on DynamoDB Local. 120 s leaves room for a slow table; SQS hides a received batch for six times that, as AWS
 * advises for Lambda event sources, so a batch still running is never delivered twice.
 */
export const EVALUATION_CONSUMER = { batchSize: 10, timeoutSeconds: 120, visibilitySeconds: 720 } as const;

/**
 * The daily job (the same code the local scheduler runs, `packages/functions/src/jobs`): the cron function runs the
 * unmatched sweep and puts one message per market on the evaluation queue; the consumer evaluates them at most
 * EVALUATION_CONCURRENCY at a time (docs/capacity.md derives it from read units). A job that fails
 * EVALUATION_MAX_RECEIVES times moves to the dead-letter queue, kept 14 days; its alarm is in MonitoringStack and the
 * re-drive is `aws sqs start-message-move-task --source-arn <EvaluationDeadLetterQueueArn>` (docs/capacity.md).
 */
export function JobsStack({ stack }: StackContext) {
  const { table } = use(StorageStack);
  const { secrets } = use(ApiStack);

  const deadLetters = new SqsQueue(stack, "EvaluationDeadLetters", {
    retentionPeriod: Duration.days(14),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  const queue = new Queue(stack, "EvaluationQueue", {
    cdk: {
      queue: {
        visibilityTimeout: Duration.seconds(EVALUATION_CONSUMER.visibilitySeconds),
        retentionPeriod: Duration.days(4),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        deadLetterQueue: { queue: deadLetters, maxReceiveCount: EVALUATION_MAX_RECEIVES },
      },
    },
    consumer: {
      function: {
        handler: "packages/functions/src/lambda/evaluate.handler",
        timeout: EVALUATION_CONSUMER.timeoutSeconds,
        memorySize: 1024,
        ...tableAndSecrets("evaluate", table, secrets),
      },
      cdk: {
        eventSource: {
          batchSize: EVALUATION_CONSUMER.batchSize,
          maxConcurrency: EVALUATION_CONCURRENCY,
          reportBatchItemFailures: true,
        },
      },
    },
  });

  const daily = tableAndSecrets("daily", table, secrets);
  const cron = new Cron(stack, "Daily", {
    schedule: DAILY_SCHEDULE,
    job: {
      function: {
        handler: "packages/functions/src/lambda/daily.handler",
        timeout: 900,
        memorySize: 1024,
        ...daily,
        // The queue's URL where `sst/node/queue` reads it, and SendMessage on this queue only — not SST's `bind`,
        // which would grant sqs:* on it.
        environment: { ...daily.environment, SST_Queue_queueUrl_EvaluationQueue: queue.queueUrl },
        permissions: [
          ...(daily.permissions as PolicyStatement[]),
          new PolicyStatement({
            effect: Effect.ALLOW,
            actions: ["sqs:SendMessage"],
            resources: [queue.queueArn],
          }),
        ],
      },
    },
  });
  // The pull sync (docs/contract.md §16): what the providers' APIs hold since each cursor, through `ingest`. Two
  // runs at once are harmless (the cursor moves only from the value read), so no reserved concurrency is taken.
  const syncCron = new Cron(stack, "Sync", {
    schedule: SYNC_SCHEDULE,
    job: {
      function: {
        handler: "packages/functions/src/lambda/sync.handler",
        timeout: SYNC_TIMEOUT_SECONDS,
        memorySize: 512,
        ...tableAndSecrets("sync", table, secrets),
      },
    },
  });
  stack.addOutputs({
    EvaluationQueueUrl: queue.queueUrl,
    EvaluationDeadLetterQueueArn: deadLetters.queueArn,
  });
  return { cron, syncCron, queue, deadLetters };
}
