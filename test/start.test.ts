import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@market40/devkit/dynamodbLocal";
import { javaProcessesFor, killAll, start, waitReady } from "@market40/devkit/process";
import { afterAll, describe, expect, it } from "vitest";

/** `npm start` as a newcomer runs it: a real process, its own DynamoDB Local, Ctrl-C to stop. */
const dataDir = mkdtempSync(join(tmpdir(), "m40-start-"));
afterAll(() => {
  // A failed or timed-out test must not leave a server (and its DynamoDB Local) running.
  killAll();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("npm start", () => {
  it("starts on DynamoDB Local, keeps data across restarts, and leaves no Java behind on SIGTERM", async () => {
    const port = await freePort();
    const first = start({ PORT: String(port), DATA_DIR: dataDir, SEED: "1" });
    await waitReady(port, first);
    // A loopback server is named `localhost`: passkeys need a domain for their relying party (§19).
    expect(first.output()).toContain(`ready on http://localhost:${port}`);
    // The demo manager's invitation works: whom it is for, before any passkey is made.
    const invitation = /signs in as a person: open (\S+)/.exec(first.output())?.[1] ?? "";
    expect(invitation).toMatch(new RegExp(`^http://localhost:${port}/#/join/[A-Za-z0-9_-]+$`));
    const opened = await fetch(`http://127.0.0.1:${port}/api/join/${invitation.split("/join/")[1]}`);
    expect(await opened.json()).toMatchObject({ name: "Lò Thị Mai", role: "manager", marketId: "dong-van" });
    const token = /admin token \(shown once[^)]*\): (m40_\S+)/.exec(first.output())?.[1];
    expect(token).toBeTruthy();
    const markets = await (
      await fetch(`http://127.0.0.1:${port}/api/markets`, { headers: { authorization: `Bearer ${token}` } })
    ).json();
    expect(markets.items.map((m: { id: string }) => m.id)).toEqual(
      expect.arrayContaining(["dong-van", "khau-vai", "pho-bang", "dong-yen"]),
    );
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(javaProcessesFor(join(dataDir, "dynamodb"))).toBe("");

    const second = start({ PORT: String(port), DATA_DIR: dataDir, SEED: "1" });
    await waitReady(port, second);
    expect(second.output()).not.toContain("admin token (shown once");
    expect(second.output()).not.toContain("demo data loaded");
    const again = await (
      await fetch(`http://127.0.0.1:${port}/api/markets`, { headers: { authorization: `Bearer ${token}` } })
    ).json();
    expect(again.items.length).toBe(markets.items.length);
    second.child.kill("SIGINT");
    expect(await second.exited).toBe(0);
    expect(javaProcessesFor(join(dataDir, "dynamodb"))).toBe("");
  }, 120_000);

  it("explains a missing Java in one line and exits non-zero", async () => {
    const proc = start({ PORT: String(await freePort()), DATA_DIR: dataDir, PATH: "/nonexistent" });
    const code = await proc.exited;
    expect(code).not.toBe(0);
    expect(proc.output()).toMatch(/market40: Java 17\+ is required .* not found: install it/);
  }, 60_000);

  it("explains a taken port in one line and stops DynamoDB Local", async () => {
    const { createServer } = await import("node:net");
    const blocker = createServer().listen(0, "127.0.0.1");
    await new Promise((r) => blocker.once("listening", r));
    const port = (blocker.address() as { port: number }).port;
    const proc = start({ PORT: String(port), DATA_DIR: dataDir, SEED: "0" });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain(`Port ${port} is already in use`);
    blocker.close();
    expect(javaProcessesFor(join(dataDir, "dynamodb"))).toBe("");
  }, 60_000);

  it("explains an unwritable data folder", async () => {
    const file = join(dataDir, "a-file");
    (await import("node:fs")).writeFileSync(file, "");
    const proc = start({ PORT: String(await freePort()), DATA_DIR: join(file, "data") });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toMatch(/market40: The data folder .* cannot be written/);
  }, 60_000);
});
