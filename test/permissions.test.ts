import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "@market40/core/clock";
import * as Market from "@market40/core/market/market";
import { createStore } from "@market40/core/store/client";
import { ensureTable } from "@market40/core/store/table";
import { openWriteJournal, WRITE_JOURNAL_FILE } from "@market40/core/store/writeJournal";
import { ownerOnly, startDynamoDbLocal } from "@market40/devkit/dynamodbLocal";
import { afterAll, describe, expect, it } from "vitest";
import { DONG_VAN } from "./support/harness";

/** Files under DATA_DIR are their owner's only: files 0600, folders 0700 (docs/contract.md §12). */
const dataDir = mkdtempSync(join(tmpdir(), "m40-perms-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function modes(dir: string): { path: string; mode: number; dir: boolean }[] {
  const out: { path: string; mode: number; dir: boolean }[] = [];
  const walk = (p: string) => {
    const s = statSync(p);
    out.push({ path: p, mode: s.mode & 0o777, dir: s.isDirectory() });
    if (s.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
  };
  walk(dir);
  return out;
}

describe("DATA_DIR permissions", () => {
  it("DynamoDB Local's files, the journal and anything left world-readable end up owner-only", async () => {
    mkdirSync(join(dataDir, "old"), { mode: 0o755 });
    writeFileSync(join(dataDir, "old", "leftover.json"), "{}", { mode: 0o644 });
    ownerOnly(dataDir);
    const ddb = await startDynamoDbLocal({ dataDir: join(dataDir, "dynamodb") });
    try {
      const raw = createStore({ tableName: "perms", endpoint: ddb.endpoint });
      await ensureTable(raw, { stream: false });
      // As `npm start` writes: through the write journal, which is created owner-only.
      const journal = openWriteJournal(join(dataDir, WRITE_JOURNAL_FILE));
      const store = journal.wrap(raw);
      await Market.create(store, systemClock, DONG_VAN);
      await journal.close();
      store.doc.destroy();
    } finally {
      expect(await ddb.stop()).toBe(true);
    }
    const all = modes(dataDir);
    expect(all.some((f) => f.path.endsWith(".db"))).toBe(true); // DynamoDB Local's database file is among them
    expect(all.some((f) => f.path.endsWith(WRITE_JOURNAL_FILE))).toBe(true);
    for (const f of all) expect(f.mode.toString(8), f.path).toBe(f.dir ? "700" : "600");
  }, 60_000);
});
