import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@market40/devkit/dynamodbLocal";
import { javaProcessesFor, killAll, start, waitReady } from "@market40/devkit/process";
import { ProviderClients } from "@market40/devkit/providerClients";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The local server is killed with SIGKILL in the middle of a callback stream — no shutdown code runs — and started
 * again on the same data. Providers retry what was not acknowledged. Every acknowledged callback is stored once, the
 * counts equal the records, and no orphaned DynamoDB Local is left holding the data folder.
 */
const dataDir = mkdtempSync(join(tmpdir(), "m40-kill-"));
afterAll(() => {
  killAll();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("server killed mid-stream", () => {
  it("keeps every acknowledged callback exactly once across a SIGKILL and restart", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = start({ PORT: String(port), DATA_DIR: dataDir, SEED: "1" });
    await waitReady(port, first);
    const secrets = JSON.parse(readFileSync(join(dataDir, "secrets.json"), "utf8"));
    const auth = { authorization: `Bearer ${secrets.adminToken}` };
    const stalls = (
      await (await fetch(`${base}/api/markets/dong-van/stalls?limit=5`, { headers: auth })).json()
    ).items as { id: string }[];
    const stall = await (await fetch(`${base}/api/stalls/${stalls[0]!.id}`, { headers: auth })).json();

    const payments = Array.from({ length: 80 }, (_, i) => ({
      id: `KILL-${i}`,
      bin: stall.bank.bin,
      accountNumber: stall.bank.accountNumber,
      bankShortName: stall.bank.bankName,
      amount: 1000 * (1 + (i % 9)),
      paidAt: new Date(),
      description: "kill test",
    }));
    const acked = new Set<string>();
    const deliver = async (i: number) => {
      const req = ProviderClients.generic(payments[i]!, { ...secrets }, new Date());
      try {
        const res = await fetch(`${base}/api/callbacks/generic`, {
          method: "POST",
          body: req.body,
          headers: req.headers,
          signal: AbortSignal.timeout(5000),
        });
        if (res.status === 200) acked.add(payments[i]!.id);
      } catch {
        // the connection died with the server: the provider will retry
      }
    };

    // 8 in flight; the server dies while the stream is running.
    let next = 0;
    const stream = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < payments.length) await deliver(next++);
      }),
    );
    while (acked.size < 20) await new Promise((r) => setTimeout(r, 20));
    first.child.kill("SIGKILL");
    await stream;
    expect(await first.exited).toBeNull();
    expect(acked.size).toBeLessThan(80);

    const second = start({ PORT: String(port), DATA_DIR: dataDir, SEED: "1" });
    await waitReady(port, second);
    // Only one DynamoDB Local on the folder: the orphan of the killed server was ended.
    expect(javaProcessesFor(join(dataDir, "dynamodb")).split("\n").filter(Boolean)).toHaveLength(1);
    const ackedBefore = new Set(acked);
    for (let i = 0; i < payments.length; i++) await deliver(i); // every provider redelivers until acknowledged
    expect(acked.size).toBe(80);

    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const txns = (
      await (
        await fetch(`${base}/api/stalls/${stall.id}/transactions?from=${today}&to=${today}&limit=500`, {
          headers: auth,
        })
      ).json()
    ).items as {
      id: string;
      amount: number;
    }[];
    const ours = txns.filter((t) => t.id.startsWith("KILL-"));
    expect(ours.map((t) => t.id).sort()).toEqual(payments.map((p) => p.id).sort());
    for (const id of ackedBefore) expect(ours.some((t) => t.id === id)).toBe(true);
    const uptake = await (
      await fetch(`${base}/api/markets/dong-van/uptake?from=${today}&to=${today}`, { headers: auth })
    ).json();
    expect(uptake.totals.transactions).toBe(txns.length);
    expect(uptake.totals.value).toBe(txns.reduce((s, t) => s + t.amount, 0));

    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    expect(javaProcessesFor(join(dataDir, "dynamodb"))).toBe("");
  }, 180_000);
});
