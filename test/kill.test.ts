import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createStore } from "@market40/core/store/client";
import { HeartbeatItem } from "@market40/core/uptime/heartbeatItem";
import { freePort, startDynamoDbLocal } from "@market40/devkit/dynamodbLocal";
import { javaProcessesFor, killAll, type Started, start, waitReady } from "@market40/devkit/process";
import { ProviderClients } from "@market40/devkit/providerClients";
import { random } from "@market40/devkit/scale";
import { afterAll, describe, expect, inject, it } from "vitest";

/**
 * `npm start`'s server — the real server process, with its embedded DynamoDB Local — is killed with SIGKILL at random
 * moments, many times over (KILL_RUNS, 30 by default; `npm run kill-runs` runs 200): mid-stream, with or without
 * DynamoDB Local killed too (just before the server, so acknowledged writes may be lost from the store and must come
 * back from the write journal), and sometimes while it is still starting up (replaying its journal). Each run's
 * traffic mixes every kind of write the API acknowledges: payment callbacks (some to an account no stall holds yet,
 * left waiting), stall registrations, poster hand-overs, market patches, incidents, device heartbeats and admin
 * assignments of waiting payments. Providers redeliver what was not answered 200, each run, as they do. At the end
 * every acknowledged write is there exactly once: every payment once with its amount (on its stall, or where an
 * acknowledged assignment put it), the rollups equal the records, each acknowledged registration, hand-over, patch,
 * incident and assignment with its audit entry, each acknowledged beat stored — and no orphaned DynamoDB Local is
 * left holding the data folder.
 */
const RUNS = Number(process.env.KILL_RUNS ?? 30);
const SEED = Number(process.env.KILL_SEED ?? Date.now() % 100_000);
const NEW_PER_RUN = 10;
/** Payments per run to an account no stall holds yet: they wait for an admin to assign them. */
const WAITING_PER_RUN = 2;
const IN_FLIGHT = 6;
/** The server `npm start` runs, bundled once for the run (test/start.test.ts starts it through tsx, as npm start does). */
const SERVER = inject("serverBundle");
const dataDir = mkdtempSync(join(tmpdir(), "m40-kill-"));
afterAll(() => {
  killAll();
  rmSync(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("npm start killed at random moments", () => {
  it(`keeps every acknowledged write exactly once across ${RUNS} SIGKILLs (seed ${SEED})`, async () => {
    const r = random(SEED);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { PORT: String(port), DATA_DIR: dataDir, SEED: "0", LOG_LEVEL: "ERROR" };

    // Set-up on a first, cleanly stopped server: a market, one stall, and the market's device key.
    const setup = start(env, SERVER);
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
    const deviceRes = await post("/api/keys", { role: "device", marketId: "kill", label: "kill device" });
    expect(deviceRes.status).toBe(201);
    const device = {
      authorization: `Bearer ${((await deviceRes.json()) as { token: string }).token}`,
      "content-type": "application/json",
    };
    setup.child.kill("SIGTERM");
    expect(await setup.exited).toBe(0);

    /** Payment id → its amount and account; every payment the providers will ever deliver. */
    const payments = new Map<string, { amount: number; account: string; paidAt: Date }>();
    const localDay = (d: Date) => new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
    const firstDay = localDay(new Date(Date.now() - 86_400_000));
    const acked = new Set<string>();
    const deliver = async (id: string) => {
      const p = payments.get(id)!;
      const req = ProviderClients.generic(
        {
          id,
          bin: "970405",
          accountNumber: p.account,
          bankShortName: "Agribank",
          amount: p.amount,
          paidAt: p.paidAt,
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

    // What the API acknowledged (2xx), write by write, to be found after the last restart.
    const registered = new Map<string, { id: string; account: string }>(); // code → stall
    const handedOver = new Set<string>(); // stall ids
    const patches: { name: string; acked: boolean }[] = []; // in the order sent
    const incidents = new Set<string>(); // notes
    const beats = new Map<string, boolean>(); // instant → ok
    const assigned = new Map<string, string>(); // waiting payment id → stall id
    const assignedUnanswered = new Set<string>(); // assigned by an attempt whose answer the kill cut off (409 since)
    const refusals: string[] = [];
    const json = async (res: Response) =>
      res.headers.get("content-type")?.includes("json") ? res.json() : null;
    /** One admin request; its answer's body when 2xx, `undefined` when refused or cut off by the kill. */
    const call = async (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = admin,
      expected: number[] = [],
      onExpected: (status: number) => void = () => {},
    ) => {
      try {
        const res = await fetch(`${base}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
        const out = (await json(res)) as Record<string, unknown> | null;
        if (res.status >= 200 && res.status < 300) return out ?? {};
        if (expected.includes(res.status)) onExpected(res.status);
        else if (res.status !== 503) refusals.push(`${method} ${path} ${res.status} ${JSON.stringify(out)}`);
        return undefined;
      } catch {
        return undefined; // killed mid-request: not acknowledged
      }
    };
    /** A stall by its code (a registration may have been stored without its answer reaching us). */
    const stallByCode = async (code: string) => {
      const page = (await call("GET", "/api/markets/kill/stalls?limit=500")) as
        | { items: { id: string; code: string }[] }
        | undefined;
      return page?.items.find((s) => s.code === code)?.id;
    };

    /** The admin's and the device's writes of run `run`: a lane per kind, each one write after another. */
    const adminTraffic = (run: number) =>
      Promise.all([
        registrations(run),
        marketPatches(run),
        incidentReports(run),
        heartbeats(run),
        assignments(),
      ]);
    const registrations = async (run: number) => {
      for (let i = 0; i < 3; i++) {
        // A registration, and the poster handed over.
        const code = `R${run}-${i}`;
        const account = `71${run}0${i}`;
        const created = await call("POST", "/api/markets/kill/stalls", {
          code,
          vendorName: `Người bán ${code}`,
          bank: { bin: "970405", accountNumber: account, accountName: "NGUOI BAN" },
        });
        if (!created) return;
        registered.set(code, { id: String(created.id), account });
        if (await call("POST", `/api/stalls/${created.id}/handover`)) handedOver.add(String(created.id));
      }
    };
    const marketPatches = async (run: number) => {
      for (let i = 0; i < 3; i++) {
        const name = `Chợ thử ${run}.${i}`;
        const patch = { name, acked: false };
        patches.push(patch);
        if (await call("PATCH", "/api/markets/kill", { name })) patch.acked = true;
        else return;
      }
    };
    const incidentReports = async (run: number) => {
      for (let i = 0; i < 2; i++) {
        const note = `kill ${run}-${i}`;
        const startedAt = new Date(Date.now() - 3600_000 - r.int(0, 600_000));
        const incident = {
          startedAt: startedAt.toISOString(),
          endedAt: new Date(+startedAt + 60_000).toISOString(),
          cause: "network",
          note,
        };
        const headers = { ...admin, "idempotency-key": `kill-incident-${note}` };
        if (await call("POST", "/api/markets/kill/incidents", incident, headers)) incidents.add(note);
        else return;
      }
    };
    const heartbeats = async (run: number) => {
      for (let i = 0; i < 3; i++) {
        // Each beat at an instant of its own (ms since the run's start, into the past).
        const at = new Date(Date.now() - 60_000 * (run * 3 + i + 1) - r.int(0, 59_999)).toISOString();
        const ok = r.next() < 0.7;
        if (beats.has(at)) continue;
        if (await call("POST", "/api/markets/kill/heartbeats", { beats: [{ at, ok }] }, device))
          beats.set(at, ok);
        else return;
      }
    };
    const assignments = async () => {
      // Waiting payments assigned: each to a stall of its own account, registered for it once it is waiting.
      for (const [id, p] of payments) {
        if (!acked.has(id) || assigned.has(id) || assignedUnanswered.has(id) || !p.account.startsWith("72"))
          continue;
        const code = `A-${id}`;
        let stallId = registered.get(code)?.id;
        if (!stallId) {
          // A registration whose answer the kill cut off may be stored: then the retry is a 409 and it is found.
          const created = await call(
            "POST",
            "/api/markets/kill/stalls",
            {
              code,
              vendorName: "Người nhận",
              bank: { bin: "970405", accountNumber: p.account, accountName: "NGUOI NHAN" },
            },
            admin,
            [409],
          );
          stallId = created ? String(created.id) : await stallByCode(code);
          if (!stallId) return;
          registered.set(code, { id: stallId, account: p.account });
        }
        const path = `/api/callbacks/unmatched/generic:${id}/assign`;
        // A 409: an earlier attempt, whose answer the kill cut off, assigned it already.
        const done = await call("POST", path, { stallId }, admin, [409], () => assignedUnanswered.add(id));
        if (done) assigned.set(id, stallId);
      }
    };
    const killed = { mid: 0, withStore: 0, startingUp: 0 };
    /** What each start said: its start-up time, and how many acknowledged writes it restored from the journal. */
    const startTimes: number[] = [];
    let restored = 0;
    const readStart = (server: Started) => {
      const out = server.output();
      startTimes.push(Number(/started in ([\d.]+) s/.exec(out)?.[1] ?? Number.NaN));
      restored += Number(/(\d+) acknowledged writes restored/.exec(out)?.[1] ?? 0);
    };

    for (let run = 0; run < RUNS; run++) {
      for (let i = 0; i < NEW_PER_RUN; i++)
        payments.set(`K${run}-${i}`, { amount: 1000 * r.int(1, 50), account: "7000123", paidAt: new Date() });
      for (let i = 0; i < WAITING_PER_RUN; i++)
        payments.set(`W${run}-${i}`, {
          amount: 1000 * r.int(1, 50),
          account: `72${run}0${i}`,
          paidAt: new Date(),
        });
      const server: Started = start(env, SERVER);
      // Sometimes the server dies while starting: while DynamoDB Local starts or the journal is replayed.
      if (r.next() < 0.15) {
        await sleep(r.int(200, 2500));
        server.child.kill("SIGKILL");
        await server.exited;
        killed.startingUp++;
        continue;
      }
      await waitReady(port, server);
      // Providers redeliver whatever was never answered 200, alongside the new payments; the admin works meanwhile.
      const due = [...payments.keys()].filter((id) => !acked.has(id));
      let next = 0;
      const stream = Promise.all([
        ...Array.from({ length: IN_FLIGHT }, async () => {
          while (next < due.length) await deliver(due[next++]!);
        }),
        adminTraffic(run),
      ]);
      await sleep(r.int(200, 2500));
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
      readStart(server);
    }
    expect(killed.mid).toBeGreaterThan(RUNS / 2);
    // Nothing was refused for a reason other than the kill (a 4xx would mean the traffic, not the store, is wrong).
    expect(refusals).toEqual([]);

    // The last start: only one DynamoDB Local on the folder, then every provider redelivers until acknowledged.
    const last = start(env, SERVER);
    await waitReady(port, last);
    expect(javaProcessesFor(join(dataDir, "dynamodb")).split("\n").filter(Boolean)).toHaveLength(1);
    const ackedBefore = new Set(acked);
    for (const id of payments.keys()) if (!acked.has(id)) await deliver(id);
    expect(acked.size).toBe(payments.size);
    // One round of the admin's work with no kill: on a loaded machine every killed round may have died before a kind
    // of write was answered; this round's writes are checked below with the rest, so no kind goes unchecked.
    await adminTraffic(RUNS);
    expect(refusals).toEqual([]);

    const today = localDay(new Date());
    const all = async <T>(path: string): Promise<T[]> => {
      const items: T[] = [];
      let cursor = "";
      do {
        const page = (await (
          await fetch(
            `${base}${path}${path.includes("?") ? "&" : "?"}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
            {
              headers: admin,
            },
          )
        ).json()) as { items: T[]; nextCursor?: string };
        items.push(...page.items);
        cursor = page.nextCursor ?? "";
      } while (cursor);
      return items;
    };

    // Registrations: each acknowledged one there, once, with its account; codes are unique.
    const stalls = await all<{
      id: string;
      code: string;
      bank: { accountNumber: string };
      qrIssuedAt: string | null;
    }>("/api/markets/kill/stalls?reveal=1");
    expect(new Set(stalls.map((s) => s.code)).size).toBe(stalls.length);
    const byCode = new Map(stalls.map((s) => [s.code, s]));
    for (const [code, s] of registered) {
      expect(byCode.get(code)?.id, code).toBe(s.id);
      expect(byCode.get(code)?.bank.accountNumber).toBe(s.account);
    }
    // Hand-overs: each acknowledged one recorded on its stall.
    const byId = new Map(stalls.map((s) => [s.id, s]));
    for (const id of handedOver) expect(byId.get(id)?.qrIssuedAt, id).toBeTruthy();

    // Payments: each exactly once, with its amount — on its stall, or where an acknowledged assignment put it.
    const onStalls = new Map<string, { stallId: string; amount: number }>();
    for (const s of stalls)
      for (const t of await all<{ id: string; amount: number }>(
        `/api/stalls/${s.id}/transactions?from=${firstDay}&to=${today}`,
      )) {
        expect(onStalls.has(t.id), `${t.id} on two stalls`).toBe(false);
        onStalls.set(t.id, { stallId: s.id, amount: t.amount });
      }
    const waiting = (await all<{ id: string; amount: number }>("/api/callbacks/unmatched")).filter((t) =>
      payments.has(t.id),
    );
    for (const t of waiting) expect(onStalls.has(t.id), `${t.id} both waiting and on a stall`).toBe(false);
    const found = new Map([...onStalls].map(([id, t]) => [id, t.amount]));
    for (const t of waiting) found.set(t.id, t.amount);
    expect(found).toEqual(new Map([...payments].map(([id, p]) => [id, p.amount])));
    for (const [id] of payments) if (id.startsWith("K")) expect(onStalls.get(id)?.stallId).toBe(stall.id);
    for (const [id, stallId] of assigned) expect(onStalls.get(id)?.stallId, id).toBe(stallId);
    // An assignment answered 409 was done by an attempt the kill cut off, or beaten by the claim that registering
    // the stall makes of what waits for its account: either way the payment is on that stall, once.
    for (const id of assignedUnanswered)
      expect(onStalls.get(id)?.stallId, id).toBe(registered.get(`A-${id}`)?.id);
    for (const id of ackedBefore) expect(found.has(id)).toBe(true);
    // Rollups equal the records.
    const uptake = (await (
      await fetch(`${base}/api/markets/kill/uptake?from=${firstDay}&to=${today}`, { headers: admin })
    ).json()) as { totals: { transactions: number; value: number } };
    expect(uptake.totals.transactions).toBe(onStalls.size);
    expect(uptake.totals.value).toBe([...onStalls.values()].reduce((sum, t) => sum + t.amount, 0));

    // Patches: the name is the last acknowledged one's or one sent after it; each acknowledged one audited.
    const market = (await (await fetch(`${base}/api/markets/kill`, { headers: admin })).json()) as {
      name: string;
    };
    const lastAcked = patches.findLastIndex((p) => p.acked);
    if (lastAcked >= 0) expect(patches.slice(lastAcked).map((p) => p.name)).toContain(market.name);
    // Incidents: each acknowledged one there once.
    const filed = (
      (await (
        await fetch(`${base}/api/markets/kill/incidents?from=${firstDay}&to=${today}`, { headers: admin })
      ).json()) as { items: { note?: string }[] }
    ).items.map((i) => i.note);
    for (const note of incidents)
      expect(
        filed.filter((n) => n === note),
        note,
      ).toHaveLength(1);
    // The audit: an entry for each acknowledged registration, hand-over, patch, incident and assignment.
    const audit = await all<{ action: string; entity: { id: string }; after?: Record<string, unknown> }>(
      `/api/audit?marketId=kill&from=${firstDay}&to=${today}`,
    );
    const audited = (action: string, id: string) =>
      audit.some((e) => e.action === action && e.entity.id === id);
    for (const s of registered.values()) expect(audited("stall.created", s.id), s.id).toBe(true);
    for (const id of handedOver) expect(audited("stall.qrHandedOver", id), id).toBe(true);
    for (const p of patches.filter((p) => p.acked))
      expect(
        audit.some((e) => e.action === "market.changed" && e.after?.name === p.name),
        p.name,
      ).toBe(true);
    for (const id of assigned.keys()) expect(audited("payment.assigned", `generic:${id}`), id).toBe(true);
    expect(audit.filter((e) => e.action === "incident.created").length).toBeGreaterThanOrEqual(
      incidents.size,
    );

    last.child.kill("SIGTERM");
    expect(await last.exited).toBe(0);
    readStart(last);
    expect(javaProcessesFor(join(dataDir, "dynamodb"))).toBe("");

    // Heartbeats have no listing: read them from the store itself, on the folder as the clean stop left it.
    const ddb = await startDynamoDbLocal({ dataDir: join(dataDir, "dynamodb") });
    try {
      const store = createStore({ tableName: "market40", endpoint: ddb.endpoint });
      const days = [...new Set([...beats.keys()].map((at) => localDay(new Date(at))))];
      const stored = new Map<string, boolean>();
      for (const day of days)
        for (const b of await HeartbeatItem.byMarketDay(store, "kill", day)) stored.set(b.at, b.ok);
      for (const [at, ok] of beats) expect(stored.get(at), at).toBe(ok);
      store.doc.destroy();
    } finally {
      await ddb.stop();
    }
    const counts = {
      registrations: registered.size,
      handOvers: handedOver.size,
      patches: patches.filter((p) => p.acked).length,
      incidents: incidents.size,
      beats: beats.size,
      // Answered assignments, or ones a claim had already done (only a kill between a registration and its claim
      // leaves a payment waiting for an assignment to succeed, so that is not every run).
      assignments: assigned.size + assignedUnanswered.size,
    };
    // The mix really was mixed: each kind of write was acknowledged at least once.
    for (const [kind, n] of Object.entries(counts)) expect(n, kind).toBeGreaterThan(0);
    console.log(
      `kill runs: ${RUNS} (seed ${SEED}): ${killed.mid} killed mid-stream (${killed.withStore} with DynamoDB Local), ` +
        `${killed.startingUp} while starting; ${ackedBefore.size} of ${payments.size} payments acknowledged before the last start; ` +
        `${restored} acknowledged writes restored from the journal; start-up ${Math.min(...startTimes.filter(Number.isFinite))}–${Math.max(...startTimes.filter(Number.isFinite))} s; ` +
        `acknowledged and found: ${Object.entries(counts)
          .map(([k, n]) => `${n} ${k}`)
          .join(", ")}`,
    );
  }, 1_800_000);
});
