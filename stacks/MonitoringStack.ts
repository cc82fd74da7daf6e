import { MONEY_STOPS_METRIC } from "@market40/core/sync/moneyStops";
import { Duration } from "aws-cdk-lib";
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { Alias } from "aws-cdk-lib/aws-kms";
import { Subscription, SubscriptionProtocol, Topic } from "aws-cdk-lib/aws-sns";
import { type StackContext, use } from "sst/constructs";
import { ApiStack } from "./ApiStack";
import { JobsStack } from "./JobsStack";
import { stageParameters } from "./parameters";
import { StorageStack } from "./StorageStack";

/** The protocol SNS uses for a subscription endpoint: an email address, an https URL, an SQS queue or Lambda ARN. */
export function subscriptionProtocol(endpoint: string): SubscriptionProtocol {
  if (/^[^@\s]+@[^@\s]+$/.test(endpoint)) return SubscriptionProtocol.EMAIL;
  if (endpoint.startsWith("https://")) return SubscriptionProtocol.HTTPS;
  if (/^arn:aws[\w-]*:sqs:/.test(endpoint)) return SubscriptionProtocol.SQS;
  if (/^arn:aws[\w-]*:lambda:/.test(endpoint)) return SubscriptionProtocol.LAMBDA;
  throw new Error(`MARKET40_ALARM_SUBSCRIPTION: not an email, https URL, SQS or Lambda ARN: ${endpoint}`);
}

/**
 * Alarms on what must never go unnoticed — the API answering 5xx, the callbacks function failing or throttled, the
 * daily job failing, an evaluation job dead-lettered or stuck, DynamoDB throttling, money stopping at a market — each notifying one SNS topic (encrypted, TLS only) whose
 * subscriber is the stage parameter `MARKET40_ALARM_SUBSCRIPTION` (stacks/parameters.ts).
 */
export function MonitoringStack({ stack }: StackContext) {
  const { api } = use(ApiStack);
  const { cron, queue, deadLetters } = use(JobsStack);
  const { table } = use(StorageStack);
  const { alarmSubscription } = stageParameters(stack.stage);

  const topic = new Topic(stack, "Alarms", {
    displayName: "market40 alarms",
    masterKey: Alias.fromAliasName(stack, "SnsKey", "alias/aws/sns"),
    enforceSSL: true,
  });
  if (alarmSubscription)
    new Subscription(stack, "AlarmSubscription", {
      topic,
      endpoint: alarmSubscription,
      protocol: subscriptionProtocol(alarmSubscription),
    });
  const notify = new SnsAction(topic);
  const alarm = (id: string, metric: IMetric, description: string, threshold = 1) => {
    const a = new Alarm(stack, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    a.addAlarmAction(notify);
    a.addOkAction(notify);
    return a;
  };
  const fiveMinutes = { period: Duration.minutes(5), statistic: "Sum" };
  const callbacks = api.getFunction("POST /api/callbacks/{provider}")!;
  const daily = cron.jobFunction;
  const tableName = table.tableName;
  const throttles = (metricName: string) =>
    new Metric({
      namespace: "AWS/DynamoDB",
      metricName,
      dimensionsMap: { TableName: tableName },
      ...fiveMinutes,
    });

  alarm(
    "Api5xx",
    api.cdk.httpApi.metricServerError(fiveMinutes),
    "The HTTP API answered 5xx (a function failed or timed out, or the store was unavailable).",
    5,
  );
  alarm(
    "CallbackErrors",
    callbacks.metricErrors(fiveMinutes),
    "The callbacks function failed: payments may be refused.",
  );
  alarm("CallbackThrottles", callbacks.metricThrottles(fiveMinutes), "The callbacks function was throttled.");
  alarm(
    "EvaluationFailures",
    daily.metricErrors({ ...fiveMinutes, period: Duration.hours(1) }),
    "The daily job (unmatched sweep, market evaluations) failed a step.",
  );
  alarm(
    "EvaluationDeadLetters",
    deadLetters.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: "Maximum",
    }),
    "A market's evaluation job failed every delivery and is in the dead-letter queue: re-drive it (docs/capacity.md).",
  );
  alarm(
    "EvaluationBacklog",
    queue.cdk.queue.metricApproximateAgeOfOldestMessage({
      period: Duration.minutes(5),
      statistic: "Maximum",
    }),
    "Evaluation jobs have waited more than an hour: the consumer is failing or throttled.",
    3600,
  );
  alarm(
    "TableThrottles",
    new MathExpression({
      expression: "reads + writes",
      usingMetrics: { reads: throttles("ReadThrottleEvents"), writes: throttles("WriteThrottleEvents") },
      period: Duration.minutes(5),
      label: "DynamoDB throttle events",
    }),
    "DynamoDB throttled reads or writes on the table.",
  );
  alarm(
    "PaymentsStopped",
    new Metric({
      namespace: MONEY_STOPS_METRIC.namespace,
      metricName: MONEY_STOPS_METRIC.name,
      ...fiveMinutes,
    }),
    "Money stopped at a market in session that usually takes payments while the providers' APIs list some: an incident candidate is raised for its manager (docs/contract.md §16).",
  );
  stack.addOutputs({ AlarmTopicArn: topic.topicArn });
  return { topic };
}
