import { Cron, type StackContext, use } from "sst/constructs";
import { ApiStack } from "./ApiStack";
import { tableAndSecrets } from "./access";
import { StorageStack } from "./StorageStack";

/** 00:30 in Asia/Ho_Chi_Minh (UTC+7, no DST) is 17:30 UTC the day before. */
export const DAILY_SCHEDULE = "cron(30 17 * * ? *)";

/** The daily job: the same code the local scheduler runs (`packages/functions/src/jobs`). */
export function JobsStack({ stack }: StackContext) {
  const { table } = use(StorageStack);
  const { secrets } = use(ApiStack);
  const cron = new Cron(stack, "Daily", {
    schedule: DAILY_SCHEDULE,
    job: {
      function: {
        handler: "packages/functions/src/lambda/daily.handler",
        timeout: 900,
        memorySize: 1024,
        ...tableAndSecrets("daily", table, secrets),
      },
    },
  });
  return { cron };
}
