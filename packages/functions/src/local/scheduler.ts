import { TIMEZONE } from "@market40/core/calendar/localDate";
import { SYNC_EVERY_MINUTES } from "@market40/core/sync/run";
import { Cron } from "croner";
import type { Deps } from "../api/context";
import { runDaily } from "../jobs/daily";
import { runSync } from "../jobs/sync";

/** Same moment as the AWS cron (`stacks/JobsStack.ts`): 00:30 in Asia/Ho_Chi_Minh. */
export const DAILY_PATTERN = "30 0 * * *";

/** Same cadence as the AWS schedule of the pull sync (`stacks/JobsStack.ts`). */
export const SYNC_PATTERN = `*/${SYNC_EVERY_MINUTES} * * * *`;

/**
 * Runs the daily job and the pull sync in-process on local time; `stop()` cancels both. `protect` skips a run
 * while the previous one is still going, as a second sync would only meet the first one's cursor.
 */
export function startScheduler(deps: Deps) {
  const daily = new Cron(DAILY_PATTERN, { timezone: TIMEZONE, protect: true, name: "daily" }, async () => {
    const started = Date.now();
    const report = await runDaily(deps);
    deps.logger.info("daily job finished", { ms: Date.now() - started, report });
  });
  const sync = new Cron(SYNC_PATTERN, { timezone: TIMEZONE, protect: true, name: "sync" }, async () => {
    try {
      await runSync(deps);
    } catch (err) {
      deps.logger.error("pull sync failed", { error: err as Error });
    }
  });
  return {
    nextRun: () => daily.nextRun(),
    nextSync: () => sync.nextRun(),
    /** Runs the sync now (what its timer does), for `npm start`'s first minutes and tests. */
    syncNow: () => sync.trigger(),
    stop: () => {
      daily.stop();
      sync.stop();
    },
  };
}
