import { existsSync, readFileSync, rmSync } from "node:fs";
import { ingest } from "@market40/core/callback/ingest";
import type { IncomingTransaction } from "@market40/core/callback/types";
import { fixedClock } from "@market40/core/clock";
import type { Deps } from "../api/context";

/**
 * The journal of verified callbacks that earlier versions of `npm start` kept (one line per payment, before it was
 * ingested). Every write is now journalled below the routes instead (core/store/writeJournal.ts); a data folder left by
 * an earlier version after a crash still has its callbacks ingested once at start, then this file is removed.
 */
export const LEGACY_JOURNAL_FILE = "callbacks.journal";

interface Entry {
  at: string;
  incoming: IncomingTransaction;
}

/** The journal's entries; a torn last line (a crash mid-append, never acknowledged) is skipped. */
function readEntries(file: string): Entry[] {
  if (!existsSync(file)) return [];
  const entries: Entry[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as Entry;
      if (entry?.incoming?.provider && entry.incoming.providerTxnId) entries.push(entry);
    } catch {
      // a torn line: its callback was never answered 200
    }
  }
  return entries;
}

/**
 * Ingests every callback of an earlier version's journal again, each with the time it was first received —
 * idempotent on (provider, transaction id): what the store lost is stored once, what it kept is a duplicate.
 */
export async function replayLegacyJournal(
  deps: Pick<Deps, "store" | "config">,
  file: string,
): Promise<{ entries: number; restored: number }> {
  const entries = readEntries(file);
  let restored = 0;
  for (const entry of entries) {
    const result = await ingest({ ...deps, clock: fixedClock(entry.at) }, entry.incoming);
    if (result.status === "stored" || result.status === "unmatched") restored++;
  }
  return { entries: entries.length, restored };
}

/** Removes it, once what it held is on disk in the store (DynamoDB Local exited cleanly after the replay). */
export function removeLegacyJournal(file: string): void {
  rmSync(file, { force: true });
}
