import { get } from "../api";
import { addDays, today } from "../format";
import type { Stall } from "../shapes";

/** Every stall of a market, all pages; `reveal` asks for phones and accounts in full (the manager's stalls screen). */
export async function allStalls(marketId: string, reveal = false): Promise<Stall[]> {
  const out: Stall[] = [];
  let cursor = "";
  do {
    const page = await get<{ items: Stall[]; nextCursor?: string }>(
      `/api/markets/${marketId}/stalls?limit=500${reveal ? "&reveal=1" : ""}${cursor ? `&cursor=${cursor}` : ""}`,
    );
    out.push(...page.items);
    cursor = page.nextCursor ?? "";
  } while (cursor);
  return out;
}

/** Stall ids with at least one payment in the last 30 days. */
export async function payingStalls(marketId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor = "";
  do {
    const page = await get<{ items: { stallId: string | null }[]; nextCursor?: string }>(
      `/api/markets/${marketId}/transactions?from=${addDays(today(), -29)}&to=${today()}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    for (const x of page.items) if (x.stallId) ids.add(x.stallId);
    cursor = page.nextCursor ?? "";
  } while (cursor);
  return ids;
}
