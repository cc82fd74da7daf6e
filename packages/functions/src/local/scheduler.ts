import { TIMEZONE } from "@market40/core/calendar/localDate";
import { Cron } from "croner";
import type { Deps } from "../api/context";
import { runDaily } from "../jobs/daily";

/** Same moment as the AWS cron (`stacks/JobsStack.ts`): 00:30 in Asia/Ho_Chi_Minh. */
export const DAILY_PATTERN = "30 0 * * *";

/** Runs the daily job in-process on local time; `stop()` cancels it. */
export function startScheduler(deps: Deps) {
  const cron = new Cron(DAILY_PATTERN, { timezone: TIMEZONE, protect: true, name: "daily" }, async () => {
    const started = Date.now();
    const report = await runDaily(deps);
    deps.logger.info("daily job finished", { ms: Date.now() - started, report });
  });
  return {
    nextRun: () => cron.nextRun(),
    stop: () => cron.stop(),
  };
}
