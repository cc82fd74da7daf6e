/**
 * `npm run screenshots`: the README's pictures, from the demo data rather than a test fixture. Starts `npm start`'s
 * server on a fresh data folder with SEED=1 (the simulator off, so the figures are the seed's), waits for the demo
 * history and its evaluations, signs in with the printed demo keys in Debian's Chromium and writes
 * docs/screenshots/*.png. Everything it started is stopped before it exits.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@market40/devkit/dynamodbLocal";
import { chromium, type Page } from "playwright-core";

const OUT = "docs/screenshots";
const READY_MS = 180_000;

/** Starts the local server and resolves once the demo history is loaded, with the demo keys it printed. */
async function start(
  dataDir: string,
  port: number,
): Promise<{ child: ChildProcess; keys: Map<string, string> }> {
  const child = spawn("node_modules/.bin/tsx", ["packages/functions/src/local/main.ts"], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      SEED: "1",
      SIMULATE: "0",
      LOG_LEVEL: "WARN",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const keys = new Map<string, string>();
  let out = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server not ready in ${READY_MS / 1000} s:\n${out}`)),
      READY_MS,
    );
    child.on("exit", (code) => reject(new Error(`server exited (${code}):\n${out}`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      for (const m of out.matchAll(/^\s+(\w+)\s+(m40_\S+)/gm)) if (!keys.has(m[1]!)) keys.set(m[1]!, m[2]!);
      if (out.includes("demo history loaded")) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return { child, keys };
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), "market40-shots-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const { child, keys } = await start(dataDir, port);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--no-first-run",
    ],
  });
  try {
    const signIn = async (role: string, width: number, height: number): Promise<Page> => {
      const token = keys.get(role);
      if (!token) throw new Error(`no demo key for ${role} in the server's output`);
      const page = await browser.newPage({ viewport: { width, height } });
      page.setDefaultTimeout(30_000);
      await page.goto(base);
      await page.getByText("Dùng khoá API").click();
      await page.getByLabel("Mã khoá API").fill(token);
      await page.getByRole("button", { name: "Đăng nhập", exact: true }).click();
      await page.locator("#nav a").first().waitFor();
      return page;
    };
    const settled = async (page: Page) => {
      await page.locator("main h1").waitFor();
      await page.waitForFunction(() => !document.querySelector(".loading"));
      await page.waitForFunction(() =>
        [...document.querySelectorAll("figure.chart .plot")].every((p) => p.querySelector("canvas")),
      );
    };
    const shoot = async (role: string, hash: string, name: string, width: number, height: number) => {
      const page = await signIn(role, width, height);
      await page.evaluate((h) => {
        location.hash = h;
      }, hash);
      await settled(page);
      // A phone's picture runs past the first screen, down to the first charts.
      await page.screenshot({
        path: join(OUT, name),
        ...(width < 600 ? { fullPage: true, clip: { x: 0, y: 0, width, height: 1500 } } : {}),
      });
      console.log(`wrote ${join(OUT, name)}`);
      await page.close();
    };
    await shoot("manager", "#/", "dashboard.png", 1280, 860);
    await shoot("manager", "#/", "dashboard-360.png", 360, 740);
    await shoot("manager", "#/evaluations", "evaluations-360.png", 360, 740);
    await shoot("liaison", "#/", "liaison.png", 1280, 1000);
    await shoot("liaison", "#/", "liaison-360.png", 360, 740);
    await shoot("vendor", "#/", "vendor-360.png", 360, 740);
    // Market fees (docs/contract.md §20): Đồng Văn's bills of its last Sunday session, as the cashier sees them.
    {
      const page = await signIn("manager", 360, 740);
      const vn = new Date(Date.now() + 7 * 3600_000);
      vn.setUTCDate(vn.getUTCDate() - (vn.getUTCDay() || 7));
      const d = vn.toISOString().slice(0, 10);
      await page.evaluate(() => {
        location.hash = "#/fees";
      });
      await page.locator("#bill-date").fill(`${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`);
      await page.locator("#bill-filter button[type=submit]").click();
      await page.locator("main table tbody tr").first().waitFor();
      await settled(page);
      await page.screenshot({
        path: join(OUT, "fees-360.png"),
        fullPage: true,
        clip: { x: 0, y: 0, width: 360, height: 1500 },
      });
      console.log(`wrote ${join(OUT, "fees-360.png")}`);
      await page.close();
    }
    // The public calendar (docs/contract.md §21): no key, as a visitor sees it.
    for (const [name, width, height] of [
      ["lich-cho-360.png", 360, 740],
      ["lich-cho.png", 1280, 900],
    ] as const) {
      const page = await browser.newPage({ viewport: { width, height } });
      await page.goto(`${base}/#/lich-cho`);
      await page.locator("li.market").first().waitFor();
      await page.screenshot({
        path: join(OUT, name),
        ...(width < 600 ? { fullPage: true, clip: { x: 0, y: 0, width, height: 1500 } } : {}),
      });
      console.log(`wrote ${join(OUT, name)}`);
      await page.close();
    }
  } finally {
    await browser.close();
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
