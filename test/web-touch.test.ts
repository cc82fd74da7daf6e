import { join } from "node:path";
import { AUDIT_ACTIONS } from "@market40/core/audit/audit";
import { ROLES } from "@market40/core/auth/keys";
import { ANIMALS } from "@market40/core/calendar/animals";
import { UnmatchedTransactionSchema } from "@market40/core/callback/transactions";
import { PAYMENT_SOURCES } from "@market40/core/callback/types";
import { EvaluationSchema } from "@market40/core/evaluation/evaluations";
import { STALL_STATUSES } from "@market40/core/stall/stall";
import { CAUSES } from "@market40/core/uptime/causes";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOTS, type WebRig, webRig } from "./support/browser";

/**
 * Issue 27 on every screen of every role at 360 px: no tap target under 44 × 44 px, and no English or code of the
 * API (its enum values, a raw bank BIN) on a Vietnamese page.
 */
let rig: WebRig;
beforeAll(async () => {
  rig = await webRig();
  const period = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 7);
  await rig.pay("TOUCH-1", "8888000001", 25000);
  await rig.pay("TOUCH-2", "9999000009", 18000);
  await rig.h.call("POST", "/api/evaluations/run", { body: { period } });
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

type Role = keyof WebRig["tokens"];
/** Every screen of every role, as each reaches it from its menu (an admin also sees a market as its manager). */
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
  ["admin", "#/market/dong-van", "Chợ phiên Đồng Văn"],
  ["admin", "#/m/dong-van/", "Mức độ sử dụng"],
  ["admin", "#/m/dong-van/stalls", "Các quầy"],
  ["admin", "#/m/dong-van/incident", "Báo sự cố"],
  ["admin", "#/m/dong-van/evaluations", "Đánh giá mô hình"],
  ["admin", "#/m/dong-van/fees", "Phí chợ"],
];

/**
 * The API's English enum values, taken from core's own lists and schemas (roles, stall statuses, ratings, incident
 * causes, payment sources and waiting reasons, zodiac animals, audit actions, and the `generic` provider — the
 * others are brand names, shown as such), as whole lower-case words.
 */
const ENUM_VALUES = [
  ...ROLES,
  ...STALL_STATUSES,
  ...EvaluationSchema.shape.rating.options,
  ...CAUSES,
  ...PAYMENT_SOURCES,
  ...UnmatchedTransactionSchema.shape.reason.options,
  ...ANIMALS,
  ...AUDIT_ACTIONS,
  "generic",
  "provisional",
];
const ENGLISH = new RegExp(
  `(?<![\\w.-])(${ENUM_VALUES.map((v) => v.replace(/[.-]/g, (c) => `\\${c}`)).join("|")})(?![\\w-])`,
);
/** A bank's 6-digit BIN standing alone (970405, 963388…): the page must name the bank. */
const RAW_BIN = /(^|[^\d.,*])9[67]\d{4}(?![\d.,])/;

async function open(role: Role, hash: string, heading: string): Promise<Page> {
  const page = await rig.signIn(rig.tokens[role]);
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
  await page.getByRole("heading", { level: 1, name: heading }).first().waitFor();
  await expect.poll(() => page.locator(".loading").count()).toBe(0);
  return page;
}

/** Every visible control under 44 × 44 px, described by its tag, text and size. */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const targets = document.querySelectorAll<HTMLElement>(
      "button, select, summary, input:not([type=hidden]), textarea, #nav a, .bar a, td a, li > a, a[href^='tel:'], a.button",
    );
    for (const el of targets) {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || style.visibility === "hidden") continue;
      // Inside a closed <details> or a closed dialog: not on screen.
      if (el.closest("dialog:not([open])") || el.closest("details:not([open]) > :not(summary)")) continue;
      if (r.width < 43.5 || r.height < 43.5)
        out.push(
          `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} "${(el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`,
        );
    }
    return out;
  });
}

describe("every screen at 360 px", () => {
  it.each(SCREENS)(
    "%s %s: tap targets of 44 × 44 px and no English or raw BIN",
    async (role, hash, heading) => {
      const page = await open(role, hash, heading);
      try {
        expect(await smallTargets(page)).toEqual([]);
        // What a person reads: the rendered text, not hidden templates.
        // biome-ignore lint/performance/useDomNodeTextContent: the text on screen is what matters
        const text = await page.evaluate(() => document.body.innerText);
        expect(text.match(ENGLISH)?.[0] ?? null, `${hash}: English`).toBeNull();
        expect(text.match(RAW_BIN)?.[0] ?? null, `${hash}: a raw BIN`).toBeNull();
        await page.screenshot({
          path: join(
            SHOTS,
            `touch-${role}-${hash.replace(/[#/]+/g, "-").replace(/^-|-$/g, "") || "home"}-360.png`,
          ),
          fullPage: true,
        });
      } finally {
        await page.close();
      }
    },
  );
});
