import { mkdirSync } from "node:fs";
import type { ServerType } from "@hono/node-server";
import { freePort } from "@market40/devkit/dynamodbLocal";
import { signGeneric } from "@market40/devkit/signing";
import { listen } from "@market40/functions/local/server";
import { type Browser, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput, TEST_SECRETS } from "./harness";

/** Screenshots of every browser test land here (the README points at some of them). */
export const SHOTS = "test-results/screenshots";

/** An operator's way in (docs/contract.md §19): "Dùng khoá API", folded under the passkey button, and a pasted key. */
export async function signInWithKey(page: Page, token: string): Promise<void> {
  await page.getByText("Dùng khoá API").click();
  await page.getByLabel("Mã khoá API").fill(token);
  await page.getByRole("button", { name: "Đăng nhập", exact: true }).click();
}

/**
 * The web UI in Debian's Chromium against the real server on DynamoDB Local: Đồng Văn market (daily sessions) with
 * stalls, and keys for a vendor of A-01, its manager and a liaison. One per browser test file.
 */
export interface WebRig {
  h: Harness;
  base: string;
  browser: Browser;
  stallId: string;
  tokens: { vendor: string; manager: string; liaison: string; admin: string };
  /** What Chromium refused under the Content-Security-Policy, on any page this rig opened. */
  refused: string[];
  /** A page signed in with a key typed on the sign-in form. */
  signIn(token: string, width?: number): Promise<Page>;
  /** A payment to one of Đồng Văn's Agribank accounts, through the signed generic callback. */
  pay(id: string, accountNumber: string, amount: number, description?: string): Promise<void>;
  /** Stops the server and listens again on the same port with the same deps (open sockets are dropped). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `chromiumArgs`: extra flags, e.g. the real autoplay policy for the payment speaker's tests. `hostname`: the public
 * address's host — passkeys need a domain (`localhost`), not an IP address, as their relying party id.
 */
export async function webRig(chromiumArgs: string[] = [], hostname = "127.0.0.1"): Promise<WebRig> {
  mkdirSync(SHOTS, { recursive: true });
  const h = await harness(new Date().toISOString());
  await h.call("POST", "/api/markets", {
    body: { ...DONG_VAN, schedule: { kind: "daily" }, launchedOn: "2026-01-01" },
  });
  const stallId = (
    await h.call("POST", "/api/markets/dong-van/stalls", { body: stallInput("A-01", "8888000001") })
  ).body.id;
  await h.call("POST", "/api/markets/dong-van/stalls", {
    body: { ...stallInput("A-02", "8888000002"), vendorName: "Sùng Mí Páo" },
  });
  const tokens = {
    vendor: await h.token("vendor", { stallId, marketId: "dong-van" }),
    manager: await h.token("manager", { marketId: "dong-van" }),
    liaison: await h.token("liaison"),
    admin: h.adminToken,
  };
  const port = await freePort();
  const base = `http://${hostname}:${port}`;
  // Invitation and socket URLs come from the configured public address, never a request header (issue 23).
  h.deps.config.publicUrl = base;
  let server: ServerType = await listen(h.deps, port, "127.0.0.1");
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      ...chromiumArgs,
    ],
  });
  const refused: string[] = [];
  return {
    h,
    base,
    browser,
    stallId,
    tokens,
    refused,
    async signIn(token, width = 360) {
      const page = await browser.newPage({ viewport: { width, height: 800 }, acceptDownloads: true });
      page.on("console", (m) => {
        if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
      });
      await page.goto(base);
      await signInWithKey(page, token);
      return page;
    },
    async pay(id, accountNumber, amount, description = "rau cai") {
      const body = JSON.stringify({
        id,
        bin: "970405",
        accountNumber,
        amount,
        paidAt: new Date().toISOString(),
        description,
        payer: id,
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
    },
    async restart() {
      const closed = new Promise((r) => server.close(r));
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closed;
      server = await listen(h.deps, port, "127.0.0.1");
    },
    async close() {
      await browser.close();
      await new Promise((r) => server.close(r));
      await h.close();
    },
  };
}
