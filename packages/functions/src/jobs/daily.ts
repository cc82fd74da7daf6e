import { sweepUnmatched } from "@market40/core/callback/sweep";
import type { Deps } from "../api/context";

/**
 * The daily job: every step the platform runs once a day, at 00:30 local time — by the SST `Cron`
 * (`stacks/JobsStack.ts`) in AWS and by the in-process scheduler (`local/scheduler.ts`) locally.
 * Steps run one after another; one step's failure is reported and does not stop the others.
 */
export interface DailyStep {
  name: string;
  run(deps: Deps): Promise<unknown>;
}

export const DAILY_STEPS: DailyStep[] = [
  { name: "match unmatched callbacks", run: (deps) => sweepUnmatched(deps) },
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
