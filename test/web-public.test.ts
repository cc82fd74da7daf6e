import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ANIMALS, dayAnimal } from "@market40/core/calendar/zodiac";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations } from "./support/axe";
import { SHOTS, type WebRig, webRig } from "./support/browser";
import { DONG_VAN } from "./support/harness";
import { pageWidth } from "./support/layout";

/**
 * "Lịch chợ phiên", the public calendar page (docs/contract.md §21), in Debian's Chromium: reached from the sign-in
 * screen with no key, markets by province and commune with their next sessions as people say them, a search,
 * English, axe and the phone layout, the bytes a visitor's phone loads, and the page with no network after one visit.
 */
const DIST = "packages/web/dist";
/** 00:30 on Sunday 6 December 2026 in Vietnam: the Saturday night market is on, the others are not. */
const NOW = "2026-12-05T17:30:00Z";

let rig: WebRig;
const MARKETS = [
  {
    ...DONG_VAN,
    id: "cho-dem",
    name: "Chợ đêm phố cổ Đồng Văn",
    schedule: { kind: "weekly" as const, days: [6] },
    hours: { open: "17:00", close: "01:00" },
    closures: [],
  },
  {
    ...DONG_VAN,
    id: "khau-vai",
    name: "Chợ tình Khâu Vai",
    commune: "Khâu Vai",
    schedule: { kind: "lunar" as const, days: [26], months: [3] },
    hours: { open: "18:00", close: "12:00" },
    closures: [],
  },
  {
    ...DONG_VAN,
    id: "pho-cao",
    name: "Chợ phiên Phố Cáo",
    commune: "Phố Cáo",
    schedule: { kind: "zodiac" as const, animals: ["tiger" as const, "monkey" as const] },
    closures: [],
  },
  {
    ...DONG_VAN,
    id: "bac-ha",
    name: "Chợ phiên Bắc Hà",
    province: "Lào Cai",
    commune: "Bắc Hà",
    closures: [],
  },
  // Not public: never on the page.
  { ...DONG_VAN, id: "meo-vac", name: "Chợ phiên Mèo Vạc", commune: "Mèo Vạc", closures: [] },
];

beforeAll(async () => {
  rig = await webRig();
  rig.h.clock.set(NOW);
  for (const m of MARKETS)
    expect(
      (await rig.h.call("POST", "/api/markets", { body: { ...m, public: m.id !== "meo-vac" } })).status,
    ).toBe(201);
  // Đồng Văn (the rig's daily market, two stalls, one with its QR code handed over) is public and evaluated.
  await rig.h.call("PATCH", "/api/markets/dong-van", { body: { public: true } });
  expect((await rig.h.call("POST", `/api/stalls/${rig.stallId}/handover`, { body: {} })).status).toBe(200);
  // December so far (provisional): the stalls were registered this month.
  await rig.h.call("POST", "/api/evaluations/run", { body: { period: "2026-12" } });
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

/** A visitor's phone (or screen): no key, the clock at NOW. */
async function visitor(width: number, options: { bypassCSP?: boolean } = {}) {
  const context = await rig.browser.newContext({ viewport: { width, height: 740 }, ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.clock.setFixedTime(new Date(NOW));
  return { context, page };
}

async function openCalendar(page: Page, hash = "#/lich-cho") {
  await page.goto(`${rig.base}/${hash}`);
  await page.getByRole("heading", { level: 1, name: /Lịch chợ phiên|Market calendar/ }).waitFor();
  await page.locator("li.market").first().waitFor();
}

/** Each visible market card's text, by market name. */
async function cards(page: Page): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const card of await page.locator("li.market:visible").all()) {
    const name = (await card.locator("h4").textContent())!;
    // biome-ignore lint/performance/useDomNodeTextContent: the text as laid out, one line per session
    out[name] = (await card.innerText()).replace(/\s+/g, " ");
  }
  return out;
}

describe("the public calendar page", () => {
  it("is reached from the sign-in screen with no key, and lists public markets by province and commune", async () => {
    const { context, page } = await visitor(360);
    await page.goto(rig.base);
    await page.getByRole("heading", { level: 1, name: "Đăng nhập" }).waitFor();
    await page.getByRole("link", { name: "Xem lịch chợ phiên" }).click();
    await page.locator("li.market").first().waitFor();
    expect(new URL(page.url()).hash).toBe("#/lich-cho");
    expect(await page.locator("h2").allTextContents()).toEqual(["Lào Cai", "Tuyên Quang"]);
    expect(await page.locator("h3").allTextContents()).toEqual(["Bắc Hà", "Đồng Văn", "Khâu Vai", "Phố Cáo"]);
    const shown = await cards(page);
    expect(Object.keys(shown)).toEqual([
      "Chợ phiên Bắc Hà",
      "Chợ đêm phố cổ Đồng Văn",
      "Chợ phiên Đồng Văn",
      "Chợ tình Khâu Vai",
      "Chợ phiên Phố Cáo",
    ]);

    // The night market is in session at 00:30: its Saturday session, until 01:00.
    const night = shown["Chợ đêm phố cổ Đồng Văn"]!;
    expect(night).toContain("Đang họp");
    expect(night).toContain("Họp Thứ bảy hằng tuần · Giờ họp 17:00–01:00 (hôm sau)");
    expect(night).toContain("Thứ bảy 05/12 (đang họp, đến 01:00) Thứ bảy 12/12 Thứ bảy 19/12");
    expect(shown["Chợ phiên Bắc Hà"]).toContain("Chủ nhật 06/12 (hôm nay) Chủ nhật 13/12");
    expect(shown["Chợ phiên Bắc Hà"]).not.toContain("Đang họp");
    // A lunar date as the solar day it falls on; a zodiac day by its branch.
    expect(shown["Chợ tình Khâu Vai"]).toContain("Họp ngày 26 tháng 3 âm lịch hằng năm");
    expect(shown["Chợ tình Khâu Vai"]).toContain("26/3 âm lịch → Chủ nhật 02/05/2027");
    const api = (await rig.h.call("GET", "/api/markets/pho-cao/sessions?from=2026-12-06&to=2026-12-31")).body
      .items as { date: string }[];
    const first = api[0]!.date;
    expect(["tiger", "monkey"]).toContain(dayAnimal(first));
    const branch = dayAnimal(first) === "tiger" ? "Dần" : "Thân";
    const weekday = ["Chủ nhật", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"][
      new Date(`${first}T00:00:00Z`).getUTCDay()
    ];
    expect(shown["Chợ phiên Phố Cáo"]).toContain("Họp ngày Dần, ngày Thân");
    expect(shown["Chợ phiên Phố Cáo"]).toContain(
      `Ngày ${branch} · ${weekday} ${first.slice(8, 10)}/${first.slice(5, 7)}`,
    );
    // The share of stalls with a QR code, from the latest evaluation, or none yet.
    expect(shown["Chợ phiên Đồng Văn"]).toContain("50 % quầy nhận chuyển khoản");
    expect(shown["Chợ phiên Bắc Hà"]).toContain("Chưa có đánh giá chuyển khoản");

    // Nothing of the people or stalls behind the figures.
    const text = await page.locator("main").textContent();
    for (const secret of ["Giàng Thị Mai", "Sùng Mí Páo", "8888000001", "A-01", "Mèo Vạc"])
      expect(text).not.toContain(secret);
    // And no English or API words on the Vietnamese page (the schedule kinds, the animals).
    expect(text).not.toMatch(
      new RegExp(`\\b(${[...ANIMALS, "weekly", "zodiac", "lunar", "daily"].join("|")})\\b`, "i"),
    );

    // "Thêm vào lịch" is the market's feed; the province's feed is there too; both answer a calendar with no key.
    const add = page.locator("li.market", { hasText: "Chợ đêm phố cổ" }).getByRole("link", {
      name: "Thêm vào lịch",
    });
    expect(await add.getAttribute("href")).toBe("/api/markets/cho-dem/calendar.ics");
    const province = page.getByRole("link", { name: "Thêm lịch mọi chợ ở Tuyên Quang" });
    for (const href of [await add.getAttribute("href"), await province.getAttribute("href")]) {
      const res = await fetch(`${rig.base}${href}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/calendar/);
    }

    expect((await pageWidth(page)).width).toBeLessThanOrEqual(360);
    expect(await smallTargets(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, "lich-cho-360.png"), fullPage: true });
    await context.close();
  });

  it("finds a market by name or commune typed without diacritics, in a link that can be shared", async () => {
    const { context, page } = await visitor(360);
    await openCalendar(page);
    const search = page.getByLabel("Tìm chợ theo tên, xã hoặc tỉnh");
    await search.fill("khau vai");
    expect(Object.keys(await cards(page))).toEqual(["Chợ tình Khâu Vai"]);
    expect(await page.locator("#market-count").textContent()).toBe("1 chợ");
    expect(await page.locator("h2:visible").allTextContents()).toEqual(["Tuyên Quang"]);
    expect(new URL(page.url()).hash).toBe("#/lich-cho?q=khau%20vai");
    await search.fill("dong van");
    expect(Object.keys(await cards(page))).toEqual(["Chợ đêm phố cổ Đồng Văn", "Chợ phiên Đồng Văn"]);
    await search.fill("hà nội");
    expect(Object.keys(await cards(page))).toEqual([]);
    expect(await page.locator("#market-count").textContent()).toContain("Không tìm thấy chợ nào");
    await context.close();

    // Someone who opens the shared link sees the same list.
    const shared = await visitor(360);
    await openCalendar(shared.page, "#/lich-cho?q=lao%20cai");
    expect(Object.keys(await cards(shared.page))).toEqual(["Chợ phiên Bắc Hà"]);
    expect(await shared.page.getByLabel("Tìm chợ theo tên, xã hoặc tỉnh").inputValue()).toBe("lao cai");
    await shared.context.close();
  });

  it("speaks English on request, the branch and lunar date named as at the market", async () => {
    const { context, page } = await visitor(1280);
    await openCalendar(page);
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { level: 1, name: "Market calendar" }).waitFor();
    await page.locator("li.market").first().waitFor();
    const shown = await cards(page);
    expect(shown["Chợ đêm phố cổ Đồng Văn"]).toContain("Open now");
    expect(shown["Chợ đêm phố cổ Đồng Văn"]).toContain("Saturday 05/12 (open now, until 01:00)");
    expect(shown["Chợ đêm phố cổ Đồng Văn"]).toContain("17:00–01:00 (next day)");
    expect(shown["Chợ tình Khâu Vai"]).toContain("lunar 26/3 → Sunday 02/05/2027");
    expect(shown["Chợ phiên Phố Cáo"]).toMatch(/(Tiger days \(Dần\)|Monkey days \(Thân\)) · \w+day \d\d\/12/);
    expect(shown["Chợ phiên Đồng Văn"]).toContain("50 % of stalls take bank transfers");
    await page.screenshot({ path: join(SHOTS, "lich-cho-1280-en.png"), fullPage: true });
    await page.getByRole("button", { name: "Tiếng Việt" }).click();
    await page.getByRole("heading", { level: 1, name: "Lịch chợ phiên" }).waitFor();
    await page.screenshot({ path: join(SHOTS, "lich-cho-1280.png"), fullPage: true });
    // Back to signing in, from the header.
    await page.locator("#nav").getByRole("link", { name: "Đăng nhập" }).click();
    await page.getByRole("heading", { level: 1, name: "Đăng nhập" }).waitFor();
    await context.close();
  });

  for (const width of [360, 1280])
    it(`passes axe at ${width} px`, async () => {
      const { context, page } = await visitor(width, { bypassCSP: true });
      await openCalendar(page);
      expect(await axeViolations(page)).toEqual([]);
      await context.close();
    });
});

describe("light: what a visitor's phone downloads", () => {
  it("loads under 60 KB gzipped (HTML, JavaScript, CSS, worker, icons), none of the officials' app", async () => {
    const { context, page } = await visitor(360);
    const asked = new Set<string>();
    context.on("request", (r) => {
      const url = new URL(r.url());
      if (url.origin === rig.base && !url.pathname.startsWith("/api/")) asked.add(url.pathname);
    });
    await openCalendar(page);
    await page.evaluate(() => navigator.serviceWorker.ready);
    const files = [...asked].map((p) => join(DIST, p === "/" ? "index.html" : p));
    for (const f of files) expect(existsSync(f), f).toBe(true);
    const bytes = Object.fromEntries(files.map((f) => [f, gzipSync(readFileSync(f)).length]));
    const total = Object.values(bytes).reduce((a, b) => a + b, 0);
    // The page's own code came: its entry script and style sheet.
    expect(files.filter((f) => /assets\/index-.*\.js$/.test(f))).toHaveLength(1);
    expect(files.filter((f) => /\.css$/.test(f))).toHaveLength(1);
    // The officials' app is a chunk of its own (main.ts loads it on demand), and a visitor never fetches it.
    const officials = readdirSync(join(DIST, "assets")).filter((f) => /^app-.*\.js$/.test(f));
    expect(officials).toHaveLength(1);
    expect(gzipSync(readFileSync(join(DIST, "assets", officials[0]!))).length).toBeGreaterThan(20_000);
    expect(files.some((f) => f.includes("/app-") || f.includes("chartDraw"))).toBe(false);
    expect(total, JSON.stringify(bytes)).toBeLessThan(60 * 1024);
    await context.close();
  });
});

describe("offline after one visit", () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    ({ context, page } = await visitor(360));
  });
  afterAll(() => context.close());

  it("shows the saved markets with no network, saying they may be out of date", async () => {
    await openCalendar(page);
    // One visit: the worker installs and takes the page over (the page kept the answer it got first).
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    // A day later: the browser's HTTP cache (the answer's max-age) has expired, and there is no network.
    await (await context.newCDPSession(page)).send("Network.clearBrowserCache");
    await context.setOffline(true);
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Lịch chợ phiên" }).waitFor();
    await page.locator(".stale").waitFor();
    expect(await page.locator(".stale").textContent()).toContain("Không có mạng");
    const shown = await cards(page);
    expect(Object.keys(shown)).toHaveLength(5);
    // Read against the phone's clock: at 00:30 the night market is still on.
    expect(shown["Chợ đêm phố cổ Đồng Văn"]).toContain("Đang họp");
    await page.screenshot({ path: join(SHOTS, "lich-cho-360-offline.png"), fullPage: true });
    await context.setOffline(false);
  });

  it("keeps only the public answer asked for with no key, and never a signed-in one", async () => {
    const kept = await page.evaluate(async () => {
      await caches.delete("m40-public");
      // The same route asked for with a key: the worker passes it through and keeps nothing.
      await fetch("/api/public/markets", { headers: { authorization: "Bearer m40_someone" } });
      const afterKeyed = (await (await caches.open("m40-public")).keys()).length;
      await fetch("/api/public/markets");
      const afterPublic = (await (await caches.open("m40-public")).keys()).map(
        (r) => new URL(r.url).pathname,
      );
      return { afterKeyed, afterPublic };
    });
    expect(kept).toEqual({ afterKeyed: 0, afterPublic: ["/api/public/markets"] });
  });
});

/** Visible links, buttons and fields under 44 × 44 px. */
function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>("main a, main button, main input, #nav a, .bar button")]
      .filter((el) => el.offsetParent !== null)
      .map((el) => [el, el.getBoundingClientRect()] as const)
      .filter(([, r]) => r.width < 43.5 || r.height < 43.5)
      .map(
        ([el, r]) =>
          `${el.tagName} "${el.textContent?.trim()}" ${Math.round(r.width)}×${Math.round(r.height)}`,
      ),
  );
}
