import { addDays, type LocalDate, localDateOf } from "../calendar/localDate";
import { type IngestDeps, ingest, type Provenance } from "../callback/ingest";
import type { IncomingTransaction, Provider } from "../callback/types";
import type { Clock } from "../clock";
import { validationError } from "../errors";
import { CASSO_API_BASE, CASSO_PAGE_SIZE, CassoApiPageSchema, fromCassoApi } from "./casso";
import { fromSepayApi, SEPAY_API_BASE, SEPAY_PAGE_SIZE, SepayApiPageSchema } from "./sepay";
import { SyncCursorItem } from "./syncCursorItem";

/** How the sync reaches a provider's API: `fetch`, and a way to wait (both injected, so tests control time). */
export interface PullClient {
  fetch: typeof fetch;
  sleep(ms: number): Promise<void>;
}

/** Pages a run asks for at most, so one run stays inside a Lambda's time; the next run goes on from the cursor. */
export const MAX_PAGES_PER_RUN = 200;
/** SePay allows 3 requests a second per IP: one every 334 ms keeps under it without meeting a 429. */
export const SEPAY_REQUEST_INTERVAL_MS = 334;
/** How often a run takes a `429` before it stops for now (the cursor keeps its place). */
const MAX_RATE_LIMITED = 10;

export interface PullReport {
  provider: Provider;
  pages: number;
  requests: number;
  rateLimited: number;
  listed: number;
  /** New payments the pull stored (matched or waiting): what the webhooks had missed. */
  recovered: number;
  duplicates: number;
  cursor: string | null;
  /** Listed transactions SePay says its webhook did not deliver (`webhook_success: 0`). */
  webhookFailed: number;
  /**
   * When the newest incoming transaction the API listed in this run was paid (new or already stored), null when it
   * listed none: what the money-stops check (`moneyStops.ts`) takes as "the provider's API shows payments".
   */
  newestPaidAt: string | null;
}

const SYNC_BY = (provider: Provider) => ({ role: "system", keyId: `sync:${provider}` });

/**
 * GETs at most one request per `intervalMs`, waiting out a `429` for the `Retry-After` seconds it names (1 s when it
 * names none, 60 s at most). Undefined after MAX_RATE_LIMITED of them in one run: the run stops for now, the
 * cursor keeps its place.
 */
function pacedClient(client: PullClient, intervalMs: number, report: PullReport) {
  let last = 0;
  return {
    async get(url: URL, headers: Record<string, string>): Promise<Response | undefined> {
      for (;;) {
        const wait = last + intervalMs - Date.now();
        if (wait > 0) await client.sleep(wait);
        last = Date.now();
        report.requests++;
        const res = await client.fetch(url, { headers });
        if (res.status !== 429) return res;
        report.rateLimited++;
        if (report.rateLimited > MAX_RATE_LIMITED) return undefined;
        const after = Number(res.headers.get("retry-after") ?? "1");
        await client.sleep(1000 * (Number.isFinite(after) && after > 0 ? Math.min(after, 60) : 1));
      }
    },
  };
}

const emptyReport = (provider: Provider, cursor: string | null): PullReport => ({
  provider,
  pages: 0,
  requests: 0,
  rateLimited: 0,
  listed: 0,
  recovered: 0,
  duplicates: 0,
  cursor,
  webhookFailed: 0,
  newestPaidAt: null,
});

/** Keeps the newest `paidAt` the run listed. */
function sawPaid(report: PullReport, paidAt: string) {
  const at = new Date(paidAt).toISOString();
  if (!report.newestPaidAt || at > report.newestPaidAt) report.newestPaidAt = at;
}

/**
 * Pulls what SePay holds since the stored cursor and stores each incoming transaction through the same `ingest`
 * as webhooks (`source: "sync"`): page by page, oldest first; the cursor moves to a page's last id only after every
 * transaction of the page is stored, so a crash mid-page repeats it harmlessly (each one is then a `duplicate`).
 * Keeps to one request per SEPAY_REQUEST_INTERVAL_MS; a `429` waits the `Retry-After` seconds it names.
 */
export async function pullSepay(
  deps: IngestDeps & { clock: Clock },
  client: PullClient,
  options: { apiKey: string; baseUrl?: string; maxPages?: number },
): Promise<PullReport> {
  const { store } = deps;
  const provenance: Provenance = { source: "sync", by: SYNC_BY("sepay") };
  const state = await SyncCursorItem.get(store, "sepay");
  const report = emptyReport("sepay", state.cursor);
  let cursor = state.cursor;
  const paced = pacedClient(client, SEPAY_REQUEST_INTERVAL_MS, report);
  for (let page = 0; page < (options.maxPages ?? MAX_PAGES_PER_RUN); page++) {
    const url = new URL("/v2/transactions", options.baseUrl ?? SEPAY_API_BASE);
    url.searchParams.set("per_page", String(SEPAY_PAGE_SIZE));
    url.searchParams.set("transaction_date_sort", "asc");
    if (cursor) url.searchParams.set("since_id", cursor);
    const res = await paced.get(url, { authorization: `Bearer ${options.apiKey}` });
    if (!res) return report;
    if (!res.ok) throw new Error(`SePay's transaction list answered ${res.status}`);
    const parsed = SepayApiPageSchema.safeParse(await res.json());
    if (!parsed.success) throw validationError("SePay's transaction list is not in its documented shape");
    const items = parsed.data.data;
    if (items.length === 0) break;
    report.pages++;
    for (const item of items) {
      report.listed++;
      if (item.webhook_success === 0) report.webhookFailed++;
      const txn: IncomingTransaction | undefined = fromSepayApi(item);
      if (!txn) continue;
      sawPaid(report, txn.paidAt);
      const result = await ingest(deps, txn, provenance);
      if (result.status === "stored" || result.status === "unmatched") report.recovered++;
      else if (result.status === "duplicate") report.duplicates++;
    }
    const next = items.at(-1)!.id;
    // Only now, with every transaction of the page stored: a crash before this line repeats the page.
    const moved = await SyncCursorItem.advance(store, "sepay", cursor, {
      cursor: next,
      updatedAt: deps.clock.now().toISOString(),
      recovered: state.recovered + report.recovered,
    });
    if (!moved) break; // another run is ahead: it owns the cursor now
    cursor = next;
    report.cursor = cursor;
    if (items.length < SEPAY_PAGE_SIZE) break;
  }
  return report;
}

/** Casso names no rate limit: one request a second keeps the sync far from any. */
export const CASSO_REQUEST_INTERVAL_MS = 1000;
/**
 * Casso's list is by date and page number, not by an id cursor: the cursor is the Vietnam date of the newest record
 * stored, and a run asks from the day before it (a bank Casso syncs late can list a record under an earlier `when`)
 * to today. What it lists again is a `duplicate` that writes nothing (its arrival is already listed).
 */
export const CASSO_OVERLAP_DAYS = 1;

/**
 * Pulls what Casso holds (its v2 transaction list, `packages/core/src/sync/casso.ts`) from the day before the stored
 * cursor to today, oldest first, page by page, through the same `ingest` as webhooks (`source: "sync"`). The cursor
 * moves to the date of a page's last record only after the page is stored, conditioned on the cursor read.
 */
export async function pullCasso(
  deps: IngestDeps & { clock: Clock },
  client: PullClient,
  options: { apiKey: string; baseUrl?: string; maxPages?: number },
): Promise<PullReport> {
  const { store } = deps;
  const provenance: Provenance = { source: "sync", by: SYNC_BY("casso") };
  const state = await SyncCursorItem.get(store, "casso");
  const report = emptyReport("casso", state.cursor);
  const today = localDateOf(deps.clock.now());
  // First run: Casso's own default window, the last 7 days.
  const from: LocalDate = state.cursor
    ? addDays(state.cursor as LocalDate, -CASSO_OVERLAP_DAYS)
    : addDays(today, -7);
  let cursor = state.cursor;
  const paced = pacedClient(client, CASSO_REQUEST_INTERVAL_MS, report);
  for (let page = 1; page <= (options.maxPages ?? MAX_PAGES_PER_RUN); page++) {
    const url = new URL("/v2/transactions", options.baseUrl ?? CASSO_API_BASE);
    url.searchParams.set("fromDate", from);
    url.searchParams.set("toDate", today);
    url.searchParams.set("page", String(page));
    url.searchParams.set("pageSize", String(CASSO_PAGE_SIZE));
    url.searchParams.set("sort", "ASC");
    const res = await paced.get(url, { authorization: `Apikey ${options.apiKey}` });
    if (!res) return report;
    if (!res.ok) throw new Error(`Casso's transaction list answered ${res.status}`);
    const parsed = CassoApiPageSchema.safeParse(await res.json());
    if (!parsed.success) throw validationError("Casso's transaction list is not in its documented shape");
    const { records, totalPages } = parsed.data.data;
    if (records.length === 0) break;
    report.pages++;
    let newest = cursor;
    for (const record of records) {
      report.listed++;
      const txn = fromCassoApi(record);
      if (!txn) continue;
      sawPaid(report, txn.paidAt);
      const result = await ingest(deps, txn, provenance);
      if (result.status === "stored" || result.status === "unmatched") report.recovered++;
      else if (result.status === "duplicate") report.duplicates++;
      const day = localDateOf(txn.paidAt);
      if (!newest || day > newest) newest = day;
    }
    // Only now, with every record of the page stored.
    if (newest !== cursor) {
      const moved = await SyncCursorItem.advance(store, "casso", cursor, {
        cursor: newest,
        updatedAt: deps.clock.now().toISOString(),
        recovered: state.recovered + report.recovered,
      });
      if (!moved) break;
      cursor = newest;
      report.cursor = cursor;
    }
    if (page >= totalPages) break;
  }
  return report;
}
