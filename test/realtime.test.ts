import { freePort } from "@market40/devkit/dynamodbLocal";
import { signGeneric } from "@market40/devkit/signing";
import { listen } from "@market40/functions/local/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { DONG_VAN, type Harness, harness, stallInput, TEST_SECRETS } from "./support/harness";

/**
 * Payments as they happen (docs/contract.md §14), over HTTP and a real WebSocket on the local server: who may get a
 * ticket, that a ticket opens one socket once and not after 60 s, and that a socket hears each new payment of its
 * stall exactly once — not a redelivery, not another stall's.
 */
let h: Harness;
let server: Awaited<ReturnType<typeof listen>>;
let base: string;
let stallA: string;
let stallB: string;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  h = await harness(new Date().toISOString());
  await h.call("POST", "/api/markets", { body: DONG_VAN });
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "meo-vac", name: "Chợ Mèo Vạc" } });
  stallA = (await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("A-01", "8888000001") }))
    .body.id;
  stallB = (await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("A-02", "8888000002") }))
    .body.id;
  tokens.vendorA = await h.token("vendor", { stallId: stallA, marketId: "dong-van" });
  tokens.vendorB = await h.token("vendor", { stallId: stallB, marketId: "dong-van" });
  tokens.manager = await h.token("manager", { marketId: "dong-van" });
  tokens.otherManager = await h.token("manager", { marketId: "meo-vac" });
  tokens.liaison = await h.token("liaison");
  tokens.admin = h.adminToken;
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // Socket URLs come from the configured public address, never the request's Host (issue 23).
  h.deps.config.publicUrl = base;
  server = await listen(h.deps, port, "127.0.0.1");
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await h.close();
});

async function ticket(token: string | null, stallId: string) {
  const res = await fetch(`${base}/api/realtime/tickets`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ stallId }),
  });
  return { status: res.status, body: (await res.json()) as { url: string; expiresAt: string } };
}

/** Opens a socket; resolves with it once open, or with the HTTP status the upgrade was refused with. */
function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.once("error", reject);
  });
}

async function pay(id: string, accountNumber: string, amount: number) {
  const body = JSON.stringify({
    id,
    bin: "970405",
    accountNumber,
    amount,
    paidAt: "2026-11-27T01:02:03Z",
    description: `rau ${id}`,
  });
  const res = await fetch(`${base}/api/callbacks/generic`, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "x-signature": signGeneric(TEST_SECRETS.generic, body, h.clock.now()),
    },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { status: string }).status;
}

describe("realtime tickets", () => {
  it("go to the stall's vendor, its market's manager and admin; others are refused", async () => {
    const statuses = Object.fromEntries(
      await Promise.all(
        Object.entries(tokens).map(async ([who, tk]) => [who, (await ticket(tk, stallA)).status] as const),
      ),
    );
    expect(statuses).toEqual({
      vendorA: 201,
      vendorB: 403,
      manager: 201,
      otherManager: 403,
      liaison: 403,
      admin: 201,
    });
    expect((await ticket(null, stallA)).status).toBe(401);
    expect((await ticket(tokens.admin!, "no-such-stall")).status).toBe(404);
  });

  it("answer a socket URL on this server, valid 60 s, with the ticket in it (the store keeps only its hash)", async () => {
    const { status, body } = await ticket(tokens.vendorA!, stallA);
    expect(status).toBe(201);
    const url = new URL(body.url);
    expect(url.protocol).toBe("ws:");
    expect(url.host).toBe(new URL(base).host);
    expect(url.pathname).toBe("/api/realtime/socket");
    expect(Date.parse(body.expiresAt) - h.clock.now().getTime()).toBe(60_000);
    const ticketText = url.searchParams.get("ticket")!;
    const { Items } = await h.store.doc.send(
      new (await import("@aws-sdk/lib-dynamodb")).ScanCommand({ TableName: h.store.table }),
    );
    expect(JSON.stringify(Items)).not.toContain(ticketText);
    expect(Items?.some((i) => i.type === "realtimeTicket" && i.stallId === stallA)).toBe(true);
  });

  it("open one socket, once", async () => {
    const { body } = await ticket(tokens.vendorA!, stallA);
    const first = await open(body.url);
    expect(first).toBeInstanceOf(WebSocket);
    (first as WebSocket).close();
    expect(await open(body.url)).toBe(401);
    expect(await open(`${base.replace("http", "ws")}/api/realtime/socket?ticket=made-up`)).toBe(401);
  });

  it("open nothing after 60 s", async () => {
    const { body } = await ticket(tokens.vendorA!, stallA);
    h.clock.advance(60_001);
    try {
      expect(await open(body.url)).toBe(401);
    } finally {
      h.clock.advance(-60_001);
    }
  });

  it("are refused from a page of another origin", async () => {
    const { body } = await ticket(tokens.vendorA!, stallA);
    expect(await open(body.url, { origin: "https://evil.example" })).toBe(403);
    const same = await open(body.url, { origin: base });
    expect(same).toBeInstanceOf(WebSocket);
    (same as WebSocket).close();
  });
});

describe("a stall's socket", () => {
  it("hears each newly stored payment of its stall exactly once", async () => {
    const ws = (await open((await ticket(tokens.vendorA!, stallA)).body.url)) as WebSocket;
    const heard: Record<string, unknown>[] = [];
    const last = new Promise<void>((resolve) =>
      ws.on("message", (data) => {
        const msg = JSON.parse(String(data));
        heard.push(msg);
        if (msg.id === "RT-3") resolve();
      }),
    );
    expect(await pay("RT-1", "8888000001", 35_000)).toBe("stored");
    expect(await pay("RT-1", "8888000001", 35_000)).toBe("duplicate");
    expect(await pay("RT-2", "8888000002", 20_000)).toBe("stored"); // another stall's
    expect(await pay("RT-X", "9999999999", 10_000)).toBe("unmatched");
    expect(await pay("RT-3", "8888000001", 1_250_000)).toBe("stored");
    await last;
    ws.close();
    expect(heard).toEqual([
      {
        type: "payment",
        id: "RT-1",
        stallId: stallA,
        amount: 35_000,
        paidAt: "2026-11-27T01:02:03.000Z",
        description: "rau RT-1",
      },
      {
        type: "payment",
        id: "RT-3",
        stallId: stallA,
        amount: 1_250_000,
        paidAt: "2026-11-27T01:02:03.000Z",
        description: "rau RT-3",
      },
    ]);
  });

  it("is closed when the server stops, so a restart is not held up", async () => {
    const port = await freePort();
    const config = { ...h.deps.config, publicUrl: `http://127.0.0.1:${port}` };
    const other = await listen({ ...h.deps, config }, port, "127.0.0.1");
    const res = await fetch(`http://127.0.0.1:${port}/api/realtime/tickets`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokens.vendorA}` },
      body: JSON.stringify({ stallId: stallA }),
    });
    const ws = (await open(((await res.json()) as { url: string }).url)) as WebSocket;
    const closed = new Promise((r) => ws.once("close", r));
    expect(other.realtime.size()).toBe(1);
    await new Promise((r) => other.close(r));
    await closed;
    expect(ws.readyState).toBe(WebSocket.CLOSED);
  });
});

describe("an announcer that hangs", () => {
  it("never holds back the callback's 200: the payment is stored and answered while the announcement still waits", async () => {
    const { createApp } = await import("@market40/functions/api/app");
    let asked = 0;
    const app = createApp({
      ...h.deps,
      announcer: {
        announce: () => {
          asked++;
          return new Promise<void>(() => {}); // a gateway that never answers
        },
      },
    });
    const body = JSON.stringify({
      id: "HANG-1",
      bin: "970405",
      accountNumber: "8888000001",
      amount: 21000,
      paidAt: new Date().toISOString(),
      description: "hang",
    });
    const res = await app.request("/api/callbacks/generic", {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-signature": signGeneric(TEST_SECRETS.generic, body, h.clock.now()),
      },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("stored");
    expect(asked).toBe(1);
  }, 15_000);
});
