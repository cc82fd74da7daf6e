import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { consumeEvaluations } from "../jobs/evaluations";
import { deps } from "./config";

/** SQS (the evaluation queue, stacks/JobsStack.ts) → one market's evaluations per message. */
export function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  return consumeEvaluations(deps, event);
}
