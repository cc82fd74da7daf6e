import { checkMoneyStops, MONEY_STOPS_METRIC, type MoneyStopped } from "@market40/core/sync/moneyStops";
import type { PullClient } from "@market40/core/sync/pull";
import { type SyncOutcome, syncProviders, systemPullClient } from "@market40/core/sync/run";
import type { Deps } from "../api/context";

/**
 * Providers already named in the log as not pulled, so a process says it once, not every five minutes: per store,
 * as the other per-process caches are (a process has one; test files, sharing a worker, have one each).
 */
const toldNotConfigured = new WeakMap<Deps["store"], Set<string>>();

/**
 * The scheduled pull sync (docs/contract.md §16): what each configured provider's API holds since its cursor,
 * stored through `ingest`. Logs each provider's report, a provider with no API key once per process, and a
 * failure every time.
 */
export async function runSync(deps: Deps, client: PullClient = systemPullClient): Promise<SyncOutcome[]> {
  const outcomes = await syncProviders(deps, client);
  for (const o of outcomes) {
    if (o.status === "not configured") {
      const told = toldNotConfigured.get(deps.store) ?? new Set<string>();
      toldNotConfigured.set(deps.store, told);
      if (told.has(o.provider)) continue;
      told.add(o.provider);
      deps.logger.info(`${o.provider} is not pulled: no API key (set ${o.secret})`, { provider: o.provider });
    } else if (o.status === "failed")
      deps.logger.error("pull sync failed", { provider: o.provider, error: o.error });
    else deps.logger.info("pull sync finished", { ...o.report });
  }
  try {
    for (const m of await checkMoneyStops(deps, outcomes)) logMoneyStopped(deps, m);
  } catch (err) {
    deps.logger.error("money-stops check failed", { error: (err as Error).message });
  }
  return outcomes;
}

/**
 * A market where money stopped: a warning, and one `PaymentsStopped` count in CloudWatch Embedded Metric Format
 * (the `_aws` block of the log line itself: Lambda's log group turns it into the metric, no API call), emitted on
 * every run that finds it, the candidate raised or already there, so the alarm stays in alarm while it lasts.
 */
function logMoneyStopped(deps: Deps, m: MoneyStopped) {
  deps.logger.warn("payments stopped at a market", {
    _aws: {
      Timestamp: deps.clock.now().getTime(),
      CloudWatchMetrics: [
        {
          Namespace: MONEY_STOPS_METRIC.namespace,
          Dimensions: [[]],
          Metrics: [{ Name: MONEY_STOPS_METRIC.name, Unit: "Count" }],
        },
      ],
    },
    [MONEY_STOPS_METRIC.name]: 1,
    ...m,
  });
}
