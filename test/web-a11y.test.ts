import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations as violations } from "./support/axe";
import { SHOTS, signInWithKey, type WebRig, webRig } from "./support/browser";
import { pageWidth } from "./support/layout";

/**
 * Every screen of every role through axe-core (critical and serious violations fail), at 360 and 1280 px, plus
 * the phone layout (nothing scrolls sideways at 360 × 740) and where keyboard focus lands.
 */
const WIDTHS = [360, 1280] as const;

let rig: WebRig;
beforeAll(async () => {
  rig = await webRig();
  const period = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 7);
  await rig.pay("A11Y-1", "8888000001", 25000);
  await rig.pay("A11Y-2", "9999000009", 18000);
  await rig.h.call("POST", "/api/evaluations/run", { body: { period } });
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

type Role = keyof WebRig["tokens"];
const SCREENS: [role: Role, hash: string, heading: string][] = [
  ["vendor", "#/", "Quầy A-01"],
  ["manager", "#/", "Mức độ sử dụng"],
  ["manager", "#/stalls", "Các quầy"],
  ["manager", "#/incident", "Báo sự cố"],
  ["manager", "#/evaluations", "Đánh giá mô hình"],
  ["manager", "#/fees", "Phí chợ"],
  ["liaison", "#/", "Đánh giá mô hình"],
  ["liaison", "#/market/dong-van", "Chợ phiên Đồng Văn"],
  ["admin", "#/", "Đánh giá mô hình"],
  ["admin", "#/markets", "Các chợ"],
  ["admin", "#/people", "Người dùng"],
  ["manager", "#/people", "Đồng quản lý"],
  ["admin", "#/keys", "Mã khoá"],
  ["admin", "#/unmatched", "Tiền chờ gán"],
  ["admin", "#/reconciliation", "Đối chiếu sao kê"],
  ["admin", "#/m/dong-van/stalls", "Các quầy"],
];

/** A page whose Content-Security-Policy lets the test inject axe (the app's own CSP is tested in web.test.ts). */
async function open(width: number, token?: string): Promise<Page> {
  const context = await rig.browser.newContext({ viewport: { width, height: 740 }, bypassCSP: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(rig.base);
  if (token) {
    await signInWithKey(page, token);
    await page.locator("#nav a").first().waitFor();
  }
  return page;
}

/** Waits until the screen has loaded: its heading is there and nothing says "Đang tải". */
async function settled(page: Page, heading: string) {
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
  await expect.poll(() => page.locator(".loading").count()).toBe(0);
  await expect.poll(() => page.locator("figure.chart .plot:empty").count()).toBe(0);
}

describe("accessibility (axe-core) and the phone layout", () => {
  for (const width of WIDTHS) {
    it(`sign-in at ${width} px`, async () => {
      const page = await open(width);
      await settled(page, "Đăng nhập");
      expect(await violations(page)).toEqual([]);
      if (width === 360) expect((await pageWidth(page)).width).toBeLessThanOrEqual(360);
      await page.context().close();
    });

    it(`every screen of every role at ${width} px`, { timeout: 180_000 }, async () => {
      const found: Record<string, string[]> = {};
      const tooWide: Record<string, string> = {};
      for (const role of ["vendor", "manager", "liaison", "admin"] as const) {
        const page = await open(width, rig.tokens[role]);
        for (const [r, hash, heading] of SCREENS) {
          if (r !== role) continue;
          await page.evaluate((h) => {
            location.hash = h;
          }, hash);
          await settled(page, heading);
          const v = await violations(page);
          if (v.length) found[`${role} ${hash}`] = v;
          if (width === 360) {
            const { width: w, culprits } = await pageWidth(page);
            if (w > 360) tooWide[`${role} ${hash}`] = `${w} px: ${culprits.join(", ")}`;
          }
          await page.screenshot({
            path: join(
              SHOTS,
              `a11y-${role}-${hash.replace(/[#/]+/g, "-").replace(/^-|-$/g, "") || "home"}-${width}.png`,
            ),
            fullPage: true,
          });
        }
        await page.context().close();
      }
      expect(found).toEqual({});
      expect(tooWide).toEqual({});
    });
  }
});

describe("keyboard focus", () => {
  it("lands on the new page's heading after navigation, and stays on the sort button after sorting", async () => {
    const page = await open(1280, rig.tokens.admin);
    await settled(page, "Đánh giá mô hình");
    await page.getByRole("link", { name: "Mã khoá" }).focus();
    await page.keyboard.press("Enter");
    await settled(page, "Mã khoá");
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe("Mã khoá");
    await page.getByRole("link", { name: "Đánh giá mô hình" }).click();
    await settled(page, "Đánh giá mô hình");
    await page.getByRole("button", { name: "Xếp loại" }).focus();
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.sort)).toBe("1");
    expect(await page.locator("th", { hasText: "Xếp loại" }).getAttribute("aria-sort")).toBe("ascending");
    await page.keyboard.press("Enter");
    expect(await page.locator("th", { hasText: "Xếp loại" }).getAttribute("aria-sort")).toBe("descending");
    // The language toggle's name is its text, and it keeps focus after switching.
    await page.getByRole("button", { name: "English", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Model evaluations" }).waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe("Tiếng Việt");
    await page.context().close();
  });

  it("keeps polling out of the live regions: <main> itself is not live", async () => {
    const page = await open(360, rig.tokens.vendor);
    await settled(page, "Quầy A-01");
    expect(await page.locator("main").getAttribute("aria-live")).toBeNull();
    await page.context().close();
  });
});
