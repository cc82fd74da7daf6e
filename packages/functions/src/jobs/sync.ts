import type { PullClient } from "@market40/core/sync/pull";
import { type SyncOutcome, syncProviders, systemPullClient } from "@market40/core/sync/run";
import type { Deps } from "../api/context";

/** Providers already named in the log as not pulled, so a process says it once, not every five minutes. */
const toldNotConfigured = new Set<string>();

/**
 * The scheduled pull sync (docs/contract.md §16): what each configured provider's API holds since its cursor,
 * stored through `ingest`. Logs each provider's report, a provider with no API key once per process, and a
 * failure every time.
 */
export async function runSync(deps: Deps, client: PullClient = systemPullClient): Promise<SyncOutcome[]> {
  const outcomes = await syncProviders(deps, client);
  for (const o of outcomes) {
    if (o.status === "not configured") {
      if (toldNotConfigured.has(o.provider)) continue;
      toldNotConfigured.add(o.provider);
      deps.logger.info(`${o.provider} is not pulled: no API key (set ${o.secret})`, { provider: o.provider });
    } else if (o.status === "failed")
      deps.logger.error("pull sync failed", { provider: o.provider, error: o.error });
    else deps.logger.info("pull sync finished", { ...o.report });
  }
  return outcomes;
}
