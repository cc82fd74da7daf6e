import { sweepUnmatched } from "@market40/core/callback/matching";
import { dailyJobs, evaluateAll } from "@market40/core/evaluation/scheduled";
import { issueAll } from "@market40/core/fee/bills";
import type { Deps } from "../api/context";

/**
 * The daily job: every step the platform runs once a day, at 00:30 local time — by the SST `Cron`
 * (`stacks/JobsStack.ts`) in AWS and by the in-process scheduler (`local/scheduler.ts`) locally. The evaluations
 * fan out: one job per market, through SQS in AWS and through an in-process queue locally (docs/capacity.md).
 * Steps run one after another; one step's failure is reported and does not stop the others.
 */
export interface DailyStep {
  name: string;
  run(deps: Deps): Promise<unknown>;
}

export const DAILY_STEPS: DailyStep[] = [
  // Matching first, so late-matched payments are in the evaluations computed next.
  { name: "match unmatched callbacks", run: (deps) => sweepUnmatched(deps) },
  {
    name: "evaluate markets",
    run: async (deps) => {
      // AWS: one message per market on SQS; the consumer (lambda/evaluate.ts) evaluates them.
      if (deps.evaluationQueue) {
        const jobs = await dailyJobs(deps);
        await deps.evaluationQueue.send(jobs);
        return { enqueued: jobs.length };
      }
      // Locally: the same jobs through the in-process queue, waited for.
      const report = await evaluateAll(deps);
      if (report.failed.length > 0) deps.logger.error("evaluations failed", { failed: report.failed });
      return report;
    },
  },
  // Fee bills each market's schedule implies (docs/contract.md §20); idempotent per stall and period, so its
  // place after the evaluations is only to leave their step numbers as they were.
  { name: "issue fee bills", run: (deps) => issueAll(deps) },
];

export async function runDaily(deps: Deps, steps: DailyStep[] = DAILY_STEPS) {
  const report: { step: string; ok: boolean; result?: unknown; error?: string }[] = [];
  for (const step of steps) {
    try {
      report.push({ step: step.name, ok: true, result: await step.run(deps) });
    } catch (err) {
      deps.logger.error("daily step failed", { step: step.name, error: err as Error });
      report.push({ step: step.name, ok: false, error: (err as Error).message });
    }
  }
  return report;
}
