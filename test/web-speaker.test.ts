import { decodePng } from "@market40/devkit/oracles";
import type { BrowserContext, Page } from "playwright-core";
import { QRPay } from "vietnam-qr-pay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOTS, type WebRig, webRig } from "./support/browser";

/**
 * The vendor's page as a payment speaker (issues 17 and 26), in Chromium under the real autoplay rule
 * (`--autoplay-policy=document-user-activation-required`) against the real server: until the vendor taps, nothing
 * is played and the page asks for the tap; after it, a payment sent through the signed callback endpoint is shown
 * big and spoken in Vietnamese (speechSynthesis stubbed to record what it is asked to say), a redelivery is not
 * announced, a server restart costs no payment and repeats none, the screen is kept awake (Wake Lock stubbed:
 * headless has none), a hidden page raises a notification (the service worker's call stubbed), the one-sale QR is
 * made offline and marked paid, and after one visit the page opens with no network, saying it may be out of date.
 */

/**
 * A phone, as far as the page can tell: speech that records instead of speaking (one Vietnamese voice, as an
 * Android phone with Vietnamese has, unless `vietnamese` is false), a Wake Lock that counts requests and is
 * released when the page is hidden (as browsers do), a visibility the test sets, notifications allowed and
 * recorded, and chimes counted.
 */
const PHONE_STUB = ({ vietnamese }: { vietnamese: boolean }) => {
  type Sentinel = {
    released: boolean;
    release(): Promise<void>;
    addEventListener(t: string, f: () => void): void;
  };
  const w = window as unknown as Record<string, unknown> & { __spoken: string[] };
  const spoken: string[] = [];
  const notes: unknown[] = [];
  Object.assign(w, { __spoken: spoken, __notes: notes, __wakeRequests: 0, __chimes: 0, __hidden: false });
  Object.defineProperty(window, "speechSynthesis", {
    configurable: true,
    value: {
      speak: (u: SpeechSynthesisUtterance) => spoken.push(u.text),
      cancel() {},
      getVoices: () => [
        vietnamese
          ? { lang: "vi-VN", name: "Tiếng Việt", default: true, localService: true, voiceURI: "vi" }
          : { lang: "en-US", name: "English", default: true, localService: true, voiceURI: "en" },
      ],
      addEventListener() {},
      removeEventListener() {},
    },
  });
  const sentinels: Sentinel[] = [];
  Object.defineProperty(navigator, "wakeLock", {
    configurable: true,
    value: {
      request: async () => {
        (w.__wakeRequests as number)++;
        const listeners: (() => void)[] = [];
        const s: Sentinel = {
          released: false,
          addEventListener: (_t, f) => listeners.push(f),
          release: async () => {
            if (s.released) return;
            s.released = true;
            for (const f of listeners) f();
          },
        };
        sentinels.push(s);
        return s;
      },
    },
  });
  Object.defineProperty(document, "visibilityState", {
    configurable: true,
    get: () => (w.__hidden ? "hidden" : "visible"),
  });
  Object.defineProperty(document, "hidden", { configurable: true, get: () => w.__hidden });
  document.addEventListener(
    "visibilitychange",
    () => {
      if (w.__hidden) for (const s of sentinels) void s.release();
    },
    true,
  );
  Object.defineProperty(Notification, "permission", { configurable: true, get: () => "granted" });
  ServiceWorkerRegistration.prototype.showNotification = (title: string, options?: NotificationOptions) => {
    notes.push({ title, body: options?.body, tag: options?.tag });
    return Promise.resolve();
  };
  const oscillator = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function () {
    (w.__chimes as number)++;
    return oscillator.call(this);
  };
};

/**
 * Reads the page the way a script would, without a user gesture: Playwright's own evaluations and locator reads
 * are sent as if the user had acted (`userGesture`), which would unlock sound before any tap. A bare CDP
 * `Runtime.evaluate` is not.
 */
async function untouched<T>(p: Page, expression: string): Promise<T> {
  const cdp = await p.context().newCDPSession(p);
  try {
    const { result, exceptionDetails } = await cdp.send("Runtime.evaluate", {
      expression,
      returnByValue: true,
      userGesture: false,
    });
    if (exceptionDetails) throw new Error(exceptionDetails.text);
    return result.value as T;
  } finally {
    await cdp.detach();
  }
}

let rig: WebRig;
let context: BrowserContext;
let page: Page;
const spoken = (p = page) => p.evaluate(() => (window as unknown as { __spoken: string[] }).__spoken);
const phone = <T>(name: string, p = page) =>
  p.evaluate((n) => (window as unknown as Record<string, T>)[n]!, name) as Promise<T>;
const setHidden = (hidden: boolean) =>
  page.evaluate((h) => {
    (window as unknown as { __hidden: boolean }).__hidden = h;
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);

async function vendorPage(
  width: number,
  vietnamese = true,
  token = rig.tokens.vendor,
): Promise<{ context: BrowserContext; page: Page }> {
  const ctx = await rig.browser.newContext({ viewport: { width, height: 800 } });
  await ctx.addInitScript(PHONE_STUB, { vietnamese });
  const p = await ctx.newPage();
  p.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) rig.refused.push(m.text());
  });
  await p.goto(rig.base);
  await p.getByLabel("Mã khoá API").fill(token);
  await p.getByRole("button", { name: "Đăng nhập" }).click();
  await p.locator("#conn.live").waitFor();
  return { context: ctx, page: p };
}

beforeAll(async () => {
  rig = await webRig(["--autoplay-policy=document-user-activation-required"]);
  ({ context, page } = await vendorPage(360));
}, 60_000);

afterAll(async () => {
  await rig?.close();
});

describe("the vendor's payment speaker", () => {
  it("before the first tap plays nothing, asks for the tap, and the switch says the speaker is not on", async () => {
    // The app opened afresh, as on the phone in the morning (signed in already): no tap yet in this page. The
    // sign-in page is closed, so only one page listens.
    await page.close();
    page = await context.newPage();
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) rig.refused.push(m.text());
    });
    await page.goto(rig.base);
    // Until the tap, the page is read only through `untouched` (see there): Playwright's own reads count as taps.
    const read = <T>(expression: string) => untouched<T>(page, expression);
    await expect.poll(() => read("!!document.querySelector('#conn.live')"), { timeout: 15_000 }).toBe(true);
    expect(await read("navigator.userActivation.hasBeenActive")).toBe(false);
    expect(await read("document.querySelector('#unlock').hidden")).toBe(false);
    expect(await read("document.querySelector('#unlock').textContent")).toContain("Chạm để bật loa");
    // Full width, first on the page, a big target.
    const box = await read<{ width: number; height: number; top: number }>(
      "(({ width, height, top }) => ({ width, height, top }))(document.querySelector('#unlock').getBoundingClientRect())",
    );
    expect(box.width).toBeGreaterThan(300);
    expect(box.height).toBeGreaterThanOrEqual(44);
    expect(box.top).toBeLessThan(150); // right under the header bar
    expect(await read("document.querySelector('#mute').textContent")).toBe("Loa: chưa bật");
    expect(await read("document.querySelector('#mute').getAttribute('aria-checked')")).toBe("false");
    await rig.pay("SPK-0", "8888000001", 12_000);
    await expect
      .poll(() => read(`!!document.querySelector('#payments tr[data-id="SPK-0"]')`), { timeout: 15_000 })
      .toBe(true);
    expect(await read("document.querySelector('#flash').hidden")).toBe(false);
    await new Promise((r) => setTimeout(r, 500)); // room for a chime or a sentence to show itself
    expect(await read("window.__spoken")).toEqual([]);
    expect(await read("window.__chimes")).toBe(0);
    expect(await read("window.__wakeRequests")).toBe(0);
    // The flash closes by itself after 10 s; the prompt is under it.
    await read("document.querySelector('#flash').hidden = true");
    await page.screenshot({ path: `${SHOTS}/speaker-360-tap-to-unlock.png`, fullPage: false });
  });

  it("one tap turns the speaker on for the session, says so, and keeps the screen awake", async () => {
    await page.locator("#unlock").click();
    await expect.poll(spoken).toEqual(["Loa đã bật"]);
    expect(await phone<number>("__chimes")).toBeGreaterThan(0);
    expect(await page.locator("#unlock").isVisible()).toBe(false);
    expect(await page.locator("#mute").textContent()).toBe("Loa: bật");
    expect(await page.locator("#mute").getAttribute("aria-checked")).toBe("true");
    await expect.poll(() => phone<number>("__wakeRequests")).toBe(1);
    await page.evaluate(() => {
      (window as unknown as { __spoken: string[] }).__spoken.length = 0;
    });
  });

  it("shows and speaks a payment the moment its callback is stored", async () => {
    // SPK-0, heard before the tap, is already counted.
    await expect.poll(() => page.locator("#today-total").textContent()).toMatch(/^12\.000\s?₫$/);
    await rig.pay("SPK-1", "8888000001", 35_000);
    const flash = page.locator("#flash");
    await flash.waitFor({ state: "visible" });
    expect(await flash.textContent()).toMatch(/Đã nhận\s*35\.000\s?₫/);
    await expect.poll(spoken).toEqual(["Đã nhận ba mươi lăm nghìn đồng"]);
    await page.screenshot({ path: `${SHOTS}/speaker-360-received.png`, fullPage: false });
    await flash.click();
    expect(await page.locator("#today-total").textContent()).toMatch(/47\.000/);
    expect(await page.locator("#today-count").textContent()).toBe("2 lần nhận tiền");
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
    expect(await page.locator("#payments tbody tr").count()).toBe(3);
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
    expect(await page.locator("#payments tbody tr").count()).toBe(5);
    expect(await page.locator("#today-count").textContent()).toBe("5 lần nhận tiền");
  });

  it("remembers muting, and then says nothing", async () => {
    if (await page.locator("#flash").isVisible()) await page.locator("#flash").click();
    await page.locator("#mute").click();
    expect(await page.locator("#mute").getAttribute("aria-checked")).toBe("false");
    await page.reload();
    await page.locator("#conn.live").waitFor();
    expect(await page.locator("#mute").textContent()).toContain("Loa: tắt");
    await rig.pay("SPK-6", "8888000001", 15_000);
    await page.locator('#payments tr[data-id="SPK-6"]').waitFor();
    expect(await spoken()).toEqual([]); // a reload starts a fresh recorder: nothing was spoken since
    // Switched back on: that tap also unlocks the sound, and the page says so.
    await page.locator("#mute").click();
    expect(await page.locator("#mute").textContent()).toBe("Loa: bật");
    await expect.poll(spoken).toEqual(["Loa đã bật"]);
  });

  it("plays a test announcement on “Thử loa”", async () => {
    await page.getByRole("button", { name: "Thử loa" }).click();
    await expect.poll(spoken).toEqual(["Loa đã bật", "Thử loa. Đã nhận mười nghìn đồng"]);
  });

  it("takes the wake lock again when the page comes back, and notifies payments while hidden", async () => {
    await expect.poll(() => phone<number>("__wakeRequests")).toBe(1);
    await setHidden(true);
    await page.waitForFunction(() => navigator.serviceWorker.getRegistration().then(Boolean));
    await rig.pay("SPK-H", "8888000001", 21_000);
    await expect
      .poll(() => phone<{ title: string; tag: string }[]>("__notes"))
      .toEqual([
        {
          title: expect.stringMatching(/^Đã nhận 21\.000\s₫$/),
          body: expect.stringContaining("rau cai"),
          tag: "SPK-H",
        },
      ]);
    await setHidden(false);
    await expect.poll(() => phone<number>("__wakeRequests")).toBe(2);
    // Visible again: payments are shown and spoken, not notified.
    await rig.pay("SPK-V", "8888000001", 22_000);
    await page.locator('#payments tr[data-id="SPK-V"]').waitFor();
    expect(await phone<unknown[]>("__notes")).toHaveLength(1);
    if (await page.locator("#flash").isVisible()) await page.locator("#flash").click();
  });

  it("makes the one-sale QR on the phone with no network, first on the page; its payment marks it paid", async () => {
    await context.setOffline(true);
    await page.getByLabel("Số tiền (đồng)").fill("50000");
    await page.getByLabel("Ghi chú (không bắt buộc)").fill("rau cải");
    await page.getByRole("button", { name: "Tạo mã có số tiền" }).click();
    const view = page.locator("#sale-qr .sale-view");
    await view.waitFor();
    expect(await view.locator(".sale-amount").textContent()).toMatch(/50\.000\s?₫ · rau cải/);
    // Above the stall's usual code and the payments.
    const sale = (await page.locator("#sale").boundingBox())!;
    expect(sale.y).toBeLessThan((await page.locator("#stall").boundingBox())!.y);
    // Read back by an independent reader (jsQR) and parsed by vietnam-qr-pay.
    const payload = decodePng(await view.locator(".sale-code svg").screenshot());
    const qr = new QRPay(payload!);
    expect(qr.isValid).toBe(true);
    expect(qr.initMethod).toBe("12");
    expect(qr.amount).toBe("50000");
    expect(qr.consumer.bankBin).toBe("970405");
    expect(qr.consumer.bankNumber).toBe("8888000001");
    const ref = (await view.getAttribute("data-ref"))!;
    expect(ref).toMatch(/^B[0-9A-HJKMNP-TV-Z]{6}$/);
    expect(qr.additionalData.purpose).toBe(`${ref} rau cai`);
    expect(await view.textContent()).toContain("Chờ khách quét");
    await page.screenshot({ path: `${SHOTS}/speaker-360-sale-offline.png`, fullPage: false });
    await context.setOffline(false);
    await page.locator("#conn.live").waitFor({ timeout: 40_000 });

    // The bank passes the description on, its own way (case, prefix): the sale is found by its reference.
    await rig.pay("SPK-S", "8888000001", 50_000, `CT DEN:0123 ${ref.toLowerCase()} rau cai`);
    await page.locator("#sale-qr .sale-view.paid").waitFor();
    expect(await page.locator("#sale-qr .sale-status").textContent()).toContain("Đã thanh toán");
    expect(await page.locator("#flash .flash-label").textContent()).toContain("Đã thanh toán");
    await expect.poll(spoken).toContain("Đã thanh toán năm mươi nghìn đồng");
    await page.locator("#flash").click();
    await page.screenshot({ path: `${SHOTS}/speaker-360-sale-paid.png`, fullPage: false });
    // Another payment of the same amount without the reference is an ordinary payment.
    await rig.pay("SPK-T", "8888000001", 50_000);
    await expect.poll(spoken).toContain("Đã nhận năm mươi nghìn đồng");
    if (await page.locator("#flash").isVisible()) await page.locator("#flash").click();
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

  it("says clearly when the phone has no Vietnamese voice, and still chimes", async () => {
    const other = await vendorPage(360, false);
    const notice = other.page.locator("#novoice");
    await notice.waitFor({ state: "visible" });
    expect(await notice.textContent()).toContain("chưa có giọng đọc tiếng Việt");
    const before = await phone<number>("__chimes", other.page);
    await rig.pay("SPK-N", "8888000001", 15_000);
    await other.page.locator("#flash").waitFor({ state: "visible" });
    await expect.poll(() => phone<number>("__chimes", other.page)).toBeGreaterThan(before);
    expect(await spoken(other.page)).toEqual([]);
    await other.page.locator("#flash").click();
    await other.page.screenshot({ path: `${SHOTS}/speaker-360-no-voice.png`, fullPage: false });
    await other.context.close();
  });

  it("never locks the vendor out: leaving asks first and says how to come back", async () => {
    const nav = page.locator("#nav");
    expect(await nav.getByRole("button", { name: "Đăng xuất" }).count()).toBe(0);
    await nav.getByRole("button", { name: "Rời máy này" }).click();
    const dialog = page.locator("dialog.confirm-leave[open]");
    expect(await dialog.textContent()).toContain("thẻ đăng nhập mới");
    await page.screenshot({ path: `${SHOTS}/speaker-360-leave.png`, fullPage: false });
    await dialog.getByRole("button", { name: "Ở lại" }).click();
    // The dialog goes on its `close` event, a task after the click.
    await page.locator("dialog.confirm-leave").waitFor({ state: "detached" });
    await page.locator("#conn.live").waitFor();
  });

  it("tells a vendor whose key was revoked, in Vietnamese, how to come back — no key prompt", async () => {
    const token = await rig.h.token("vendor", { stallId: rig.stallId, marketId: "dong-van" });
    const other = await vendorPage(360, true, token);
    const { id } = (await rig.h.call("GET", "/api/me", { token })).body;
    expect((await rig.h.call("DELETE", `/api/stalls/${rig.stallId}/keys/${id}`)).status).toBe(200);
    await other.page.reload();
    await other.page.getByRole("heading", { name: "Máy này không còn vào được quầy" }).waitFor();
    expect(await other.page.locator("#revoked").textContent()).toContain(
      "xin ban quản lý một thẻ đăng nhập mới",
    );
    expect(await other.page.getByLabel("Mã khoá API").isVisible()).toBe(false);
    expect(await other.page.getByLabel("Mã trên thẻ (8 ký tự, in dưới mã QR)").isVisible()).toBe(true);
    await other.page.screenshot({ path: `${SHOTS}/vendor-revoked-360.png`, fullPage: true });
    await other.context.close();
  });

  it("signs a vendor in with the code typed from the card", async () => {
    const manager = rig.tokens.manager;
    const { shortCode } = (
      await rig.h.call("POST", `/api/stalls/${rig.stallId}/invitations`, { token: manager })
    ).body;
    const ctx = await rig.browser.newContext({ viewport: { width: 360, height: 800 } });
    await ctx.addInitScript(PHONE_STUB, { vietnamese: true });
    const p = await ctx.newPage();
    await p.goto(rig.base);
    // Typed the way a vendor would: small letters, a space between the groups.
    await p.getByLabel("Mã trên thẻ").fill(`${shortCode.slice(0, 4)} ${shortCode.slice(4)}`.toLowerCase());
    await p.screenshot({ path: `${SHOTS}/signin-card-code-360.png`, fullPage: true });
    await p.getByRole("button", { name: "Vào quầy" }).click();
    await p.locator("#conn.live").waitFor();
    expect(await p.locator("h1").textContent()).toContain("A-01");
    await ctx.close();
  });

  it("breaks no Content-Security-Policy rule (the socket, the worker, the manifest)", () => {
    expect(rig.refused).toEqual([]);
  });
});
