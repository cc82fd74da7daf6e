import { Cron } from "croner";
import { TIMEZONE } from "@market40/core/calendar/localDate";
import type { Deps } from "../api/context";

/** A job the scheduler runs: the same function a Lambda cron handler calls in AWS. */
export interface ScheduledJob {
  name: string;
  /** Cron pattern in local time (Asia/Ho_Chi_Minh). */
  pattern: string;
  run(deps: Deps): Promise<unknown>;
}

export const JOBS: ScheduledJob[] = [];

/** Runs `JOBS` in-process on their local-time schedules; `stop()` cancels them. */
export function startScheduler(deps: Deps, jobs: ScheduledJob[] = JOBS) {
  const crons = jobs.map(
    (job) =>
      new Cron(job.pattern, { timezone: TIMEZONE, protect: true, name: job.name }, async () => {
        const started = Date.now();
        try {
          const result = await job.run(deps);
          deps.logger.info("job finished", { job: job.name, ms: Date.now() - started, result: result as object });
        } catch (err) {
          deps.logger.error("job failed", { job: job.name, error: err as Error });
        }
      }),
  );
  return {
    jobs: crons.map((c) => ({ name: c.name, next: c.nextRun()?.toISOString() })),
    stop: () => {
      for (const c of crons) c.stop();
    },
  };
}
