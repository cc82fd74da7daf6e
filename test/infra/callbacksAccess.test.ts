import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import * as ApiKeys from "@market40/core/auth/keys";
import * as Connections from "@market40/core/realtime/connections";
import * as Tickets from "@market40/core/realtime/tickets";
import { SepayStandIn } from "@market40/devkit/providerStandIn";
import { genericBody, signGeneric } from "@market40/devkit/signing";
import { createCallbackApp } from "@market40/functions/api/callbackApp";
import { runDaily } from "@market40/functions/jobs/daily";
import { runSync } from "@market40/functions/jobs/sync";
import { apiGatewayAnnouncer } from "@market40/functions/lambda/realtimeGateway";
import { silentLogger } from "@market40/functions/log";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TABLE_ACCESS } from "../../stacks/access";
import { DONG_VAN, type Harness, harness, stallInput, TEST_SECRETS } from "../support/harness";

/** The IAM action a DynamoDB document-client command needs, and each item of a TransactWriteItems. */
function iamActions(command: { constructor: { name: string }; input: Record<string, unknown> }): string[] {
  const name = command.constructor.name.replace(/Command$/, "");
  if (name === "TransactWrite")
    return (command.input.TransactItems as Record<string, unknown>[]).map(
      (item) =>
        `dynamodb:${Object.keys(item)[0] === "ConditionCheck" ? "ConditionCheckItem" : `${Object.keys(item)[0]}Item`}`,
    );
  const item = ["Get", "Put", "Update", "Delete", "BatchGet", "BatchWrite"].includes(name)
    ? `${name}Item`
    : name;
  return [`dynamodb:${item}`];
}

let h: Harness;
const deletedKeys: string[] = [];

/** The harness's store with every command it sends recorded: IAM action → where (`table` or `index/<name>`). */
function recordingStore(seen: Map<string, Set<string>>) {
  const doc = h.store.doc;
  const send = doc.send.bind(doc);
  const recording = new Proxy(doc, {
    get(target, prop, receiver) {
      if (prop !== "send") return Reflect.get(target, prop, receiver);
      return (command: Parameters<typeof send>[0], ...rest: unknown[]) => {
        const c = command as unknown as { constructor: { name: string }; input: Record<string, unknown> };
        // DeleteItem is granted only under dynamodb:LeadingKeys CONN#* (stacks/access.ts): every delete must be one.
        if (c.constructor.name === "DeleteCommand")
          deletedKeys.push(String((c.input.Key as { pk: string }).pk));
        for (const action of iamActions(c)) {
          const on = typeof c.input.IndexName === "string" ? `index/${c.input.IndexName}` : "table";
          if (!seen.has(action)) seen.set(action, new Set());
          seen.get(action)!.add(on);
        }
        return (send as (...args: unknown[]) => unknown)(command, ...rest);
      };
    },
  });
  return { ...h.store, doc: recording };
}

/** Every recorded action is granted, on the table or an index the grant names. */
function expectGranted(
  seen: Map<string, Set<string>>,
  access: { actions: readonly string[]; indexes: readonly string[] },
) {
  const granted = new Set<string>(access.actions);
  const indexes = new Set<string>(access.indexes.map((i) => `index/${i}`));
  expect(seen.size).toBeGreaterThan(0);
  for (const [action, on] of seen) {
    expect(granted, `the role lacks ${action}`).toContain(action);
    for (const where of on) if (where !== "table") expect(indexes, `${action} on ${where}`).toContain(where);
  }
}

beforeAll(async () => {
  h = await harness("2026-11-29T00:00:00Z");
  await h.call("POST", "/api/markets", { body: DONG_VAN });
  await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("A-12", "8888123456789") });
  await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("A-13", "7777000011112") });
}, 60_000);
afterAll(() => h.close());

describe("the table actions granted in stacks/access.ts cover what the functions do", () => {
  it("matched, by number only, unmatched, duplicate, refused: every call is one the callbacks role may make", async () => {
    const seen = new Map<string, Set<string>>();
    // A vendor's phone listening to A-12 that went away without $disconnect: API Gateway answers 410 Gone, and the
    // callbacks function deletes the connection (Query on gsi1, DeleteItem — issue 17).
    const stallId = (await h.call("GET", "/api/markets/dong-van/stalls")).body.items[0].id as string;
    const vendor = await ApiKeys.findByToken(h.store, await h.token("vendor", { stallId }));
    const { url } = await Tickets.issue(h.deps, vendor!, stallId, "wss://example.invalid/test");
    await Connections.open(h.deps, "gone-phone", new URL(url).searchParams.get("ticket"));
    const gateway = createServer((_req, res) => {
      res.writeHead(410, { "content-type": "application/json", "x-amzn-errortype": "GoneException" });
      res.end('{"message":"Gone"}');
    });
    await new Promise<void>((r) => gateway.listen(0, "127.0.0.1", r));
    const endpoint = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
    const store = recordingStore(seen);
    const announcer = apiGatewayAnnouncer(store, endpoint, silentLogger, {
      region: "ap-southeast-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    const app = createCallbackApp({ ...h.deps, store, announcer });
    const post = async (body: string) =>
      (
        await app.request("/api/callbacks/generic", {
          method: "POST",
          body,
          headers: {
            "content-type": "application/json",
            "x-signature": signGeneric(TEST_SECRETS.generic, body, h.clock.now()),
          },
        })
      ).status;
    expect(await post(genericBody({ id: "IAM-1" }))).toBe(200);
    expect(await post(genericBody({ id: "IAM-1" }))).toBe(200);
    expect(await post(genericBody({ id: "IAM-2", bin: undefined }))).toBe(200);
    expect(await post(genericBody({ id: "IAM-3", accountNumber: "1234500000" }))).toBe(200);
    expect(await post(genericBody({ id: "IAM-4", bin: undefined, accountNumber: "1234500000" }))).toBe(200);
    expect(await post(genericBody({ id: "IAM-5", bin: "970436" }))).toBe(200);
    expect(await post("{oops")).toBe(400);

    gateway.close();
    expect(await Connections.listeners(h.store, stallId)).toEqual({ live: [], close: [] });

    expectGranted(seen, TABLE_ACCESS.callbacks);
    expect(deletedKeys.length).toBeGreaterThan(0);
    for (const pk of deletedKeys) expect(pk).toMatch(/^CONN#/);
    // Nothing granted that ingesting (and announcing) never used.
    expect([...seen.keys()].sort()).toEqual([...TABLE_ACCESS.callbacks.actions].sort());
  });

  it("the daily job (unmatched sweep, evaluations) makes only calls the daily role may make", async () => {
    // An unmatched payment the sweep can now attach: a stall registered for its account after it arrived.
    await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("A-14", "1234500000") });
    const seen = new Map<string, Set<string>>();
    const report = await runDaily({ ...h.deps, store: recordingStore(seen) });
    expect(report.map((r) => r.ok)).toEqual(report.map(() => true));
    expectGranted(seen, TABLE_ACCESS.daily);
  });

  it("the pull sync (matched, by number only, unmatched, duplicate, its cursor) makes exactly the calls the sync role may make", async () => {
    const sepay = new SepayStandIn("k".repeat(32));
    const baseUrl = await sepay.start();
    await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("A-15", "4444000022223") });
    try {
      const at = new Date("2026-11-29T02:00:00Z");
      const base = { bankShortName: "Vietcombank", amount: 15_000, paidAt: at, description: "iam sync" };
      sepay.add({ ...base, id: "IAMS-1", bin: "970436", accountNumber: "8888123456789" });
      sepay.add({
        ...base,
        id: "IAMS-2",
        bin: "970436",
        bankShortName: "nobody",
        accountNumber: "7777000011112",
      });
      // No bank named and a number nobody holds: its holders are read from the guards (Query on the table).
      sepay.add({
        ...base,
        id: "IAMS-3",
        bin: "970436",
        bankShortName: "nobody",
        accountNumber: "5555000000000",
      });
      // The same bank transaction listed again (another SePay id): a duplicate on the bank reference.
      sepay.add({
        ...base,
        id: "IAMS-4",
        bin: "970436",
        accountNumber: "8888123456789",
        reference: "IAMS-1",
      });
      const seen = new Map<string, Set<string>>();
      const [outcome] = await runSync({
        ...h.deps,
        store: recordingStore(seen),
        config: { ...h.deps.config, apiKeys: { sepay: "k".repeat(32) }, apiBaseUrls: { sepay: baseUrl } },
      });
      expect(outcome).toMatchObject({ status: "pulled", report: { listed: 4, recovered: 3, duplicates: 1 } });
      expectGranted(seen, TABLE_ACCESS.sync);
      expect([...seen.keys()].sort()).toEqual([...TABLE_ACCESS.sync.actions].sort());
    } finally {
      await sepay.stop();
    }
  });
});
