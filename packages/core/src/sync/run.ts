import type { IngestDeps } from "../callback/ingest";
import type { Clock } from "../clock";
import { type AppConfig, PROVIDER_API_SECRET_NAMES, type PulledProvider } from "../config";
import { type PullClient, type PullReport, pullCasso, pullSepay } from "./pull";

/**
 * How often the sync runs: every 5 minutes, in AWS (`stacks/JobsStack.ts`) and on `npm start`
 * (`packages/functions/src/local/scheduler.ts`). A payment whose webhook failed is stored at most this late.
 */
export const SYNC_EVERY_MINUTES = 5;

/** One provider's pull, as every puller takes it: the API key and, locally, where its API is. */
type Puller = (
  deps: IngestDeps & { clock: Clock },
  client: PullClient,
  options: { apiKey: string; baseUrl?: string },
) => Promise<PullReport>;

/** Every provider with a transaction API the sync reads, by the name of its key in PROVIDER_API_SECRET_NAMES. */
export const PULLERS: Record<PulledProvider, Puller> = {
  sepay: pullSepay,
  casso: pullCasso,
};

export type SyncOutcome =
  | { provider: PulledProvider; status: "pulled"; report: PullReport }
  | { provider: PulledProvider; status: "not configured"; secret: string }
  | { provider: PulledProvider; status: "failed"; error: string };

/** What the scheduled sync reads from the configuration: the keys, and where each API is. */
export type SyncConfig = Pick<AppConfig, "apiKeys" | "apiBaseUrls" | "payerKey">;

/**
 * One run of the scheduled sync (docs/contract.md §16): each provider in turn, from its own cursor. A provider with
 * no API key configured is not asked (`not configured`); one that fails (its API down, a shape it does not
 * document) is reported and does not stop the others — its cursor stayed where its last stored page ended, so the
 * next run goes on from there.
 */
export async function syncProviders(
  deps: IngestDeps & { clock: Clock; config: SyncConfig },
  client: PullClient,
): Promise<SyncOutcome[]> {
  const outcomes: SyncOutcome[] = [];
  for (const provider of Object.keys(PULLERS) as PulledProvider[]) {
    const apiKey = deps.config.apiKeys?.[provider];
    if (!apiKey) {
      outcomes.push({ provider, status: "not configured", secret: PROVIDER_API_SECRET_NAMES[provider] });
      continue;
    }
    try {
      const baseUrl = deps.config.apiBaseUrls?.[provider];
      const report = await PULLERS[provider](deps, client, { apiKey, ...(baseUrl ? { baseUrl } : {}) });
      outcomes.push({ provider, status: "pulled", report });
    } catch (err) {
      outcomes.push({ provider, status: "failed", error: (err as Error).message });
    }
  }
  return outcomes;
}

/** The pull client of a running process: the global `fetch` and a real wait. */
export const systemPullClient: PullClient = {
  fetch: (input, init) => globalThis.fetch(input, init),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
