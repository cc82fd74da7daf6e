import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@market40/devkit/dynamodbLocal";
import { javaProcessesFor, killAll, type Started, start, waitReady } from "@market40/devkit/process";
import { ProviderClients } from "@market40/devkit/providerClients";
import { random } from "@market40/devkit/scale";
import { afterAll, describe, expect, it } from "vitest";

/**
 * `npm start` itself — the real server process, with its embedded DynamoDB Local — is killed with SIGKILL at random
 * moments, many times over (KILL_RUNS, 30 by default; `npm run kill-runs` runs 200): mid-stream, with or without
 * DynamoDB Local killed too (just before the server, so acknowledged writes may be lost from the store and must come
 * back from the journal), and sometimes while it is still starting up (replaying its journal). Providers redeliver
 * what was not answered 200, each run, as they do. At the end every acknowledged payment is stored, every payment
 * exactly once, the rollups equal the records, and no orphaned DynamoDB Local is left holding the data folder.
 */
const RUNS = Number(process.env.KILL_RUNS ?? 30);
const SEED = Number(process.env.KILL_SEED ?? Date.now() % 100_000);
const NEW_PER_RUN = 10;
const IN_FLIGHT = 6;
const dataDir = mkdtempSync(join(tmpdir(), "m40-kill-"));
afterAll(() => {
  killAll();
  rmSync(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("npm start killed at random moments", () => {
  it(`keeps every acknowledged callback exactly once across ${RUNS} SIGKILLs (seed ${SEED})`, async () => {
    const r = random(SEED);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { PORT: String(port), DATA_DIR: dataDir, SEED: "0", LOG_LEVEL: "ERROR" };

    // Set-up on a first, cleanly stopped server: a market and one stall.
    const setup = start(env);
    await waitReady(port, setup);
    const secrets = JSON.parse(readFileSync(join(dataDir, "secrets.json"), "utf8"));
    const admin = { authorization: `Bearer ${secrets.adminToken}`, "content-type": "application/json" };
    const post = (path: string, body: unknown) =>
      fetch(`${base}${path}`, { method: "POST", headers: admin, body: JSON.stringify(body) });
    expect(
      (
        await post("/api/markets", {
          id: "kill",
          name: "Chợ thử",
          province: "Tuyên Quang",
          commune: "Đồng Văn",
          launchedOn: "2026-01-01",
          schedule: { kind: "daily" },
          hours: { open: "00:00", close: "23:59" },
        })
      ).status,
    ).toBe(201);
    const stallRes = await post("/api/markets/kill/stalls", {
      code: "K-01",
      vendorName: "Thử",
      bank: { bin: "970405", accountNumber: "7000123", accountName: "THU" },
    });
    expect(stallRes.status).toBe(201);
    const stall = (await stallRes.json()) as { id: string };
    setup.child.kill("SIGTERM");
    expect(await setup.exited).toBe(0);

    const payments = new Map<string, number>();
    const paidAt = new Map<string, Date>();
    const localDay = (d: Date) => new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
    const firstDay = localDay(new Date());
    const acked = new Set<string>();
    const deliver = async (id: string) => {
      const req = ProviderClients.generic(
        {
          id,
          bin: "970405",
          accountNumber: "7000123",
          bankShortName: "Agribank",
          amount: payments.get(id)!,
          paidAt: paidAt.get(id)!,
          description: "kill test",
        },
        secrets,
        new Date(),
      );
      try {
        const res = await fetch(`${base}/api/callbacks/generic`, {
          method: "POST",
          body: req.body,
          headers: req.headers,
          signal: AbortSignal.timeout(10_000),
        });
        if (res.status === 200) acked.add(id);
        else await res.arrayBuffer();
      } catch {
        // the connection died with the server: the provider retries next time
      }
    };
    const killed = { mid: 0, withStore: 0, startingUp: 0 };

    for (let run = 0; run < RUNS; run++) {
      for (let i = 0; i < NEW_PER_RUN; i++) {
        payments.set(`K${run}-${i}`, 1000 * r.int(1, 50));
        paidAt.set(`K${run}-${i}`, new Date());
      }
      const server: Started = start(env);
      // Sometimes the server dies while starting: while DynamoDB Local starts or the journal is replayed.
      if (r.next() < 0.15) {
        await sleep(r.int(200, 2500));
        server.child.kill("SIGKILL");
        await server.exited;
        killed.startingUp++;
        continue;
      }
      await waitReady(port, server);
      // Providers redeliver whatever was never answered 200, alongside the new payments.
      const due = [...payments.keys()].filter((id) => !acked.has(id));
      let next = 0;
      const stream = Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (next < due.length) await deliver(due[next++]!);
        }),
      );
      await sleep(r.int(0, 600));
      if (r.next() < 0.5) {
        // The store dies first: what it acknowledged last may be gone from its files.
        for (const pid of javaProcessesFor(join(dataDir, "dynamodb")).split("\n").filter(Boolean))
          process.kill(Number(pid), "SIGKILL");
        killed.withStore++;
      }
      server.child.kill("SIGKILL");
      killed.mid++;
      await stream;
      expect(await server.exited).toBeNull();
    }
    expect(killed.mid).toBeGreaterThan(RUNS / 2);

    // The last start: only one DynamoDB Local on the folder, then every provider redelivers until acknowledged.
    const last = start(env);
    await waitReady(port, last);
    expect(javaProcessesFor(join(dataDir, "dynamodb")).split("\n").filter(Boolean)).toHaveLength(1);
    const ackedBefore = new Set(acked);
    for (const id of payments.keys()) if (!acked.has(id)) await deliver(id);
    expect(acked.size).toBe(payments.size);

    const today = localDay(new Date());
    const listed: { id: string; amount: number }[] = [];
    let cursor = "";
    do {
      const page = (await (
        await fetch(
          `${base}/api/stalls/${stall.id}/transactions?from=${firstDay}&to=${today}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
          { headers: admin },
        )
      ).json()) as { items: { id: string; amount: number }[]; nextCursor?: string };
      listed.push(...page.items);
      cursor = page.nextCursor ?? "";
    } while (cursor);
    // Exactly once: as many records as payments, each payment's id once, with its amount.
    expect(listed).toHaveLength(payments.size);
    expect(new Map(listed.map((t) => [t.id, t.amount]))).toEqual(payments);
    for (const id of ackedBefore) expect(listed.some((t) => t.id === id)).toBe(true);
    const uptake = (await (
      await fetch(`${base}/api/markets/kill/uptake?from=${firstDay}&to=${today}`, { headers: admin })
    ).json()) as { totals: { transactions: number; value: number } };
    expect(uptake.totals.transactions).toBe(payments.size);
    expect(uptake.totals.value).toBe([...payments.values()].reduce((s, a) => s + a, 0));

    last.child.kill("SIGTERM");
    expect(await last.exited).toBe(0);
    expect(javaProcessesFor(join(dataDir, "dynamodb"))).toBe("");
    console.log(
      `kill runs: ${RUNS} (seed ${SEED}): ${killed.mid} killed mid-stream (${killed.withStore} with DynamoDB Local), ` +
        `${killed.startingUp} while starting; ${ackedBefore.size} of ${payments.size} payments acknowledged before the last start`,
    );
  }, 1_800_000);
});
