import { closeSync, existsSync, fdatasyncSync, openSync, readFileSync, renameSync } from "node:fs";
import { open } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ingest } from "@market40/core/callback/ingest";
import type { IncomingTransaction } from "@market40/core/callback/types";
import { fixedClock } from "@market40/core/clock";
import { StoreUnavailableError } from "@market40/core/errors";
import type { CallbackJournal, Deps } from "../api/context";

/**
 * The local runtime's write-ahead journal of accepted callbacks (docs/contract.md §12, docs/security.md). DynamoDB Local
 * is not crash-durable: a write it acknowledged can be gone after a `kill -9`. So before a verified callback is
 * ingested (and answered 200), its parsed, verified transaction is appended here and `fdatasync`ed; at start-up every
 * entry is ingested again — idempotent on (provider, transaction id), so what the store kept is a duplicate and what it
 * lost is stored. Only a graceful stop, after DynamoDB Local has exited cleanly, empties it. Never part of a Lambda
 * bundle: in AWS, DynamoDB acknowledges only durable writes.
 */
export const JOURNAL_FILE = "callbacks.journal";

interface Entry {
  at: string;
  incoming: IncomingTransaction;
}

export function openJournal(
  dataDir: string,
  name = JOURNAL_FILE,
): CallbackJournal & { file: string; close(): Promise<void> } {
  const file = join(dataDir, name);
  const handle = open(file, "a", 0o600);
  // Appends are serialised: each is written and synced before the next starts, so a torn line can only be the last.
  let tail: Promise<unknown> = Promise.resolve();
  return {
    file,
    record(incoming, at) {
      const line = `${JSON.stringify({ at: at.toISOString(), incoming } satisfies Entry)}\n`;
      const done = tail.then(async () => {
        try {
          const fh = await handle;
          await fh.appendFile(line, "utf8");
          await fh.datasync();
        } catch (err) {
          // Not durable, so not acknowledged: the provider retries (503).
          throw new StoreUnavailableError(undefined, err);
        }
      });
      tail = done.catch(() => {});
      return done;
    },
    async close() {
      await tail;
      await (await handle).close();
    },
  };
}

/** The journal's entries; a torn last line (a crash mid-append, never acknowledged) is skipped. */
export function readJournal(file: string): Entry[] {
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
 * Ingests every journalled callback again, each with the time it was first received: whatever the store lost is
 * stored once, whatever it kept is a duplicate. Returns how many were stored now (the ones the store had lost).
 */
export async function replayJournal(
  deps: Pick<Deps, "store" | "config">,
  file: string,
): Promise<{ entries: number; restored: number }> {
  const entries = readJournal(file);
  let restored = 0;
  for (const entry of entries) {
    const result = await ingest({ ...deps, clock: fixedClock(entry.at) }, entry.incoming);
    if (result.status === "stored" || result.status === "unmatched") restored++;
  }
  return { entries: entries.length, restored };
}

/** Empties the journal — only once everything in it is known durable (after DynamoDB Local stopped cleanly). */
export function clearJournal(file: string): void {
  const fresh = `${file}.new`;
  const fd = openSync(fresh, "w", 0o600);
  fdatasyncSync(fd);
  closeSync(fd);
  renameSync(fresh, file);
  const dir = openSync(dirname(file), "r");
  try {
    fdatasyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
