import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOTS, type WebRig, webRig } from "./support/browser";

/**
 * The vendor's page as a payment speaker (issue 17), in Chromium against the real server: a payment sent through the
 * signed callback endpoint is shown big and spoken in Vietnamese (speechSynthesis stubbed to record what it is
 * asked to say), a redelivery is not announced, a server restart costs no payment and repeats none, and after one
 * visit the page opens with no network, saying it may be out of date.
 */

/** Records every utterance instead of speaking; offers one Vietnamese voice, as an Android phone with Vietnamese does. */
const SPEECH_STUB = () => {
  const spoken: string[] = [];
  (window as unknown as { __spoken: string[] }).__spoken = spoken;
  Object.defineProperty(window, "speechSynthesis", {
    configurable: true,
    value: {
      speak: (u: SpeechSynthesisUtterance) => spoken.push(u.text),
      cancel() {},
      getVoices: () => [
        { lang: "vi-VN", name: "Tiếng Việt", default: true, localService: true, voiceURI: "vi" },
      ],
      addEventListener() {},
      removeEventListener() {},
    },
  });
};

let rig: WebRig;
let context: BrowserContext;
let page: Page;
const spoken = () => page.evaluate(() => (window as unknown as { __spoken: string[] }).__spoken);

async function vendorPage(width: number): Promise<{ context: BrowserContext; page: Page }> {
  const ctx = await rig.browser.newContext({ viewport: { width, height: 800 } });
  await ctx.addInitScript(SPEECH_STUB);
  const p = await ctx.newPage();
  p.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) rig.refused.push(m.text());
  });
  await p.goto(rig.base);
  await p.getByLabel("Mã khoá API").fill(rig.tokens.vendor);
  await p.getByRole("button", { name: "Đăng nhập" }).click();
  await p.locator("#conn.live").waitFor();
  return { context: ctx, page: p };
}

beforeAll(async () => {
  rig = await webRig();
  ({ context, page } = await vendorPage(360));
}, 60_000);

afterAll(async () => {
  await rig?.close();
});

describe("the vendor's payment speaker", () => {
  it("shows and speaks a payment the moment its callback is stored", async () => {
    await expect.poll(() => page.locator("#today-total").textContent()).toMatch(/^0\s?₫$/);
    await rig.pay("SPK-1", "8888000001", 35_000);
    const flash = page.locator("#flash");
    await flash.waitFor({ state: "visible" });
    expect(await flash.textContent()).toMatch(/Đã nhận\s*35\.000\s?₫/);
    await expect.poll(spoken).toEqual(["Đã nhận ba mươi lăm nghìn đồng"]);
    await page.screenshot({ path: `${SHOTS}/speaker-360-received.png`, fullPage: false });
    await flash.click();
    expect(await page.locator("#today-total").textContent()).toMatch(/35\.000/);
    expect(await page.locator("#today-count").textContent()).toBe("1 lần nhận tiền");
    expect(await page.locator('#payments tr[data-id="SPK-1"]').count()).toBe(1);
    // At 360 px, today's money and the last payment are the first thing on the page.
    const box = await page.locator("#last").boundingBox();
    expect(box!.y + box!.height).toBeLessThan(800);
    expect(await page.locator("#last").textContent()).toMatch(/35\.000/);
    await page.screenshot({ path: `${SHOTS}/speaker-360.png`, fullPage: true });
  });

  it("announces a redelivered callback not at all", async () => {
    await rig.pay("SPK-1", "8888000001", 35_000); // a duplicate: stored once already
    await rig.pay("SPK-2", "8888000002", 99_000); // another stall's
    await rig.pay("SPK-3", "8888000001", 1_250_000);
    await expect
      .poll(spoken)
      .toEqual(["Đã nhận ba mươi lăm nghìn đồng", "Đã nhận một triệu hai trăm năm mươi nghìn đồng"]);
    expect(await page.locator("#payments tbody tr").count()).toBe(2);
  });

  it("reconnects after a server restart and fills in what it missed, announcing nothing twice", async () => {
    await rig.restart();
    await page.locator("#conn.down").waitFor();
    // Paid while the page is reconnecting (or just after): announced once either way, by the socket or the fill-in.
    await rig.pay("SPK-4", "8888000001", 2_005_000);
    await page.locator("#conn.live").waitFor({ timeout: 20_000 });
    await rig.pay("SPK-5", "8888000001", 21_000);
    // SPK-4 comes from the fill-in after reconnecting and SPK-5 over the new socket: whichever lands first is said
    // first. What matters is that each is said exactly once.
    await expect.poll(async () => (await spoken()).length, { timeout: 15_000 }).toBe(4);
    await page.waitForTimeout(1000); // room for a double announcement to show itself
    const said = await spoken();
    expect(said).toHaveLength(4);
    expect(said.slice(0, 2)).toEqual([
      "Đã nhận ba mươi lăm nghìn đồng",
      "Đã nhận một triệu hai trăm năm mươi nghìn đồng",
    ]);
    expect([...said.slice(2)].sort()).toEqual(
      ["Đã nhận hai triệu không trăm linh năm nghìn đồng", "Đã nhận hai mươi mốt nghìn đồng"].sort(),
    );
    expect(await page.locator("#payments tbody tr").count()).toBe(4);
    expect(await page.locator("#today-count").textContent()).toBe("4 lần nhận tiền");
  });

  it("remembers muting, and then says nothing", async () => {
    if (await page.locator("#flash").isVisible()) await page.locator("#flash").click();
    await page.locator("#mute").click();
    expect(await page.locator("#mute").getAttribute("aria-pressed")).toBe("true");
    await page.reload();
    await page.locator("#conn.live").waitFor();
    expect(await page.locator("#mute").textContent()).toContain("Loa: tắt");
    await rig.pay("SPK-6", "8888000001", 15_000);
    await page.locator('#payments tr[data-id="SPK-6"]').waitFor();
    expect(await spoken()).toEqual([]); // a reload starts a fresh recorder: nothing was spoken since
    await page.locator("#mute").click();
  });

  it("makes a QR for one sale with its amount", async () => {
    await page.getByLabel("Số tiền (đồng)").fill("50000");
    await page.getByLabel("Ghi chú (không bắt buộc)").fill("rau cải");
    await page.getByRole("button", { name: "Tạo mã có số tiền" }).click();
    await page.locator("#sale-qr img.qr").waitFor();
    expect(await page.locator("#sale-qr .sale-amount").textContent()).toMatch(/50\.000\s?₫ · rau cải/);
  });

  it("looks right on a wide screen", async () => {
    const wide = await vendorPage(1280);
    await rig.pay("SPK-7", "8888000001", 105_000);
    await wide.page.locator("#flash").waitFor({ state: "visible" });
    await wide.page.screenshot({ path: `${SHOTS}/speaker-1280-received.png` });
    await wide.page.locator("#flash").click();
    await wide.page.screenshot({ path: `${SHOTS}/speaker-1280.png`, fullPage: true });
    await wide.context.close();
  });

  it("opens with no network after one visit, marked as possibly out of date", async () => {
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
      timeout: 15_000,
    });
    // One visit under the service worker's control, so it has the stall's answers.
    await page.reload();
    await page.locator("#conn.live").waitFor();
    await page.locator('#payments tr[data-id="SPK-7"]').waitFor();
    await context.setOffline(true);
    await page.reload();
    await page.locator(".stale").waitFor({ state: "visible" });
    expect(await page.locator(".stale").textContent()).toContain("Có thể chưa cập nhật");
    expect(await page.locator("h1").textContent()).toContain("A-01");
    expect(await page.locator("#stall img.qr").evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(
      512,
    );
    expect(await page.locator('#payments tr[data-id="SPK-1"]').count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}/speaker-360-offline.png`, fullPage: true });
    await context.setOffline(false);
  });

  it("breaks no Content-Security-Policy rule (the socket, the worker, the manifest)", () => {
    expect(rig.refused).toEqual([]);
  });
});
