import * as ApiKeys from "@market40/core/auth/keys";
import { systemClock } from "@market40/core/clock";
import { type DynamoDbLocal, freePort, startDynamoDbLocal } from "@market40/devkit/dynamodbLocal";
import { ProviderClients } from "@market40/devkit/providerClients";
import { listen } from "@market40/functions/local/server";
import { chromium } from "playwright-core";
import { build } from "vite";
import type WebSocket from "ws";
import { BENCH_SECRETS, benchSetup, type Figure, openStallSocket, percentile, round } from "./harness";

const PAYMENTS = 60;
const WARM_UP = 10;

/**
 * The payment speaker end to end (issue 26): the real vendor page in Chromium under the real autoplay rule, tapped
 * once, on `npm start`'s server over DynamoDB Local. Each signed callback's `200` at the sender, then — on the
 * page — the moment the big confirmation is on screen and the moment `speechSynthesis.speak` is called (stubbed to
 * record the time; the chime plays first, and the sentence follows it by 350 ms by design). One callback at a
 * time, with 1 vendor connected (the page) and with 200 (199 more WebSockets, one per stall, each also paid in
 * between). Both clocks are `performance.timeOrigin + performance.now()` on one machine.
 */
export async function speakerBench(): Promise<Figure[]> {
  await build({ configFile: "packages/web/vite.config.ts", logLevel: "warn" });
  const figures: Figure[] = [];
  const ddb: DynamoDbLocal = await startDynamoDbLocal({ jit: "full" });
  const sockets: WebSocket[] = [];
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--autoplay-policy=document-user-activation-required",
    ],
  });
  try {
    const { store, deps, stalls } = await benchSetup(ddb.endpoint, {
      count: 200,
      prefix: "S",
      firstAccount: 7000000,
    });
    const { token: vendor } = await ApiKeys.create(store, systemClock, {
      role: "vendor",
      stallId: stalls[0]!.id,
      marketId: "bench",
    });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // Tickets name the socket URL from configuration, never from the request (docs/contract.md §14).
    const server = await listen({ ...deps, config: { ...deps.config, publicUrl: base } }, port, "127.0.0.1");

    const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
    // A string, not a function: tsx's name-keeping helpers do not exist in the page.
    await context.addInitScript(`
      const at = { speech: [], screen: [] };
      window.__at = at;
      const now = () => performance.timeOrigin + performance.now();
      Object.defineProperty(window, "speechSynthesis", {
        configurable: true,
        value: {
          speak: () => at.speech.push(now()),
          cancel() {},
          getVoices: () => [{ lang: "vi-VN", name: "vi", default: true, localService: true, voiceURI: "vi" }],
          addEventListener() {},
          removeEventListener() {},
        },
      });
      // The confirmation is on screen when its element is shown: recorded as the DOM changes, before paint.
      new MutationObserver(() => {
        const flash = document.querySelector("#flash");
        if (flash && !flash.hidden && flash.dataset.seen !== flash.textContent) {
          flash.dataset.seen = flash.textContent;
          at.screen.push(now());
        }
      }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["hidden"] });
    `);
    const page = await context.newPage();
    await page.goto(base);
    await page.getByText("Dùng khoá API").click();
    await page.getByLabel("Mã khoá API").fill(vendor);
    await page.getByRole("button", { name: "Đăng nhập", exact: true }).click();
    await page.locator("#conn.live").waitFor({ timeout: 30_000 });
    // The one tap, unless the sign-in tap already turned the speaker on.
    if ((await page.locator("#mute").getAttribute("aria-checked")) !== "true")
      await page.locator("#mute").click();
    const seen = async () => {
      const at = await page.evaluate(
        () => (window as unknown as { __at?: { speech: number[]; screen: number[] } }).__at,
      );
      if (!at) throw new Error(`the page lost its recorder: ${page.url()} ${await page.title()}`);
      return at;
    };

    const open = async (stallId: string) => {
      // A key holds at most a few sockets (§14): each stall listens with its own vendor key, as phones do.
      const vendor = await ApiKeys.create(store, systemClock, { role: "vendor", stallId, marketId: "bench" });
      const ws = await openStallSocket(base, vendor.token, stallId);
      sockets.push(ws);
    };
    let n = 0;
    const pay = async (stall: (typeof stalls)[number]) => {
      const now = new Date();
      const req = ProviderClients.generic(
        {
          id: `SPB-${n++}`,
          bin: "970405",
          accountNumber: stall.bank.accountNumber,
          bankShortName: "Agribank",
          // Distinct amounts, so each confirmation's text differs from the last.
          amount: 10_000 + n,
          paidAt: now,
          description: "bench",
        },
        BENCH_SECRETS,
        now,
      );
      const res = await fetch(`${base}/api/callbacks/generic`, {
        method: "POST",
        body: req.body,
        headers: req.headers,
      });
      await res.arrayBuffer();
      return performance.timeOrigin + performance.now();
    };

    for (const connected of [1, 200]) {
      while (sockets.length + 1 < connected) await open(stalls[sockets.length + 1]!.id);
      const screen: number[] = [];
      const speech: number[] = [];
      for (let i = 0; i < WARM_UP + PAYMENTS; i++) {
        if (connected > 1) await pay(stalls[1 + (i % (connected - 1))]!);
        const before = await seen();
        // The flash closes on a tap; between payments it is simply replaced by the next.
        const replied = await pay(stalls[0]!);
        let after = await seen();
        const deadline = Date.now() + 10_000;
        while (
          (after.screen.length === before.screen.length || after.speech.length === before.speech.length) &&
          Date.now() < deadline
        ) {
          await new Promise((r) => setTimeout(r, 20));
          after = await seen();
        }
        if (i < WARM_UP) continue;
        screen.push(after.screen.at(-1)! - replied);
        speech.push(after.speech.at(-1)! - replied);
      }
      screen.sort((a, b) => a - b);
      speech.sort((a, b) => a - b);
      for (const [what, list] of [
        ["on screen", screen],
        ["speech call (after the chime)", speech],
      ] as const)
        for (const p of [50, 95])
          figures.push({
            suite: "speaker",
            name: `callback's 200 → ${what}, p${p}, ${connected} connected (≤ 0: before the 200)`,
            value: round(percentile(list, p), 1),
            unit: "ms",
            peer: "aim",
            peerValue: 1000,
            ...(percentile(list, p) > 0 ? { ratio: round(1000 / percentile(list, p), 1) } : {}),
          });
    }
    await context.close();
    for (const ws of sockets) ws.terminate();
    await new Promise((r) => server.close(r));
  } finally {
    for (const ws of sockets) ws.terminate();
    await browser.close();
    await ddb.stop();
  }
  return figures;
}
