import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodePng, pdfText } from "@market40/devkit/oracles";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOTS, type WebRig, webRig } from "./support/browser";
import { stallInput } from "./support/harness";

/**
 * A market manager's day in Chromium (issue 16, part A): correcting a stall, suspending one, incidents, search,
 * an Excel CSV, sign-in cards — and a vendor signing in by opening the card's URL. Screenshots at 360 and 1280 px.
 */
let rig: WebRig;
let typo: { id: string };
beforeAll(async () => {
  rig = await webRig();
  typo = (
    await rig.h.call("POST", "/api/markets/dong-van/stalls", {
      body: { ...stallInput("B-07", "88880I2345678"), vendorName: "Lò Văn Hùng", phone: "0977 111 222" },
    })
  ).body;
  await rig.h.call("POST", "/api/markets/dong-van/stalls", {
    body: { ...stallInput("B-08", "8888000008"), vendorName: "Đinh Thị Dung" },
  });
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

const fitsPhone = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

async function shoot(page: Page, name: string) {
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: 800 });
    await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
    if (width === 360) expect(await fitsPhone(page), `${name} at 360 px`).toBeLessThanOrEqual(360);
  }
}

async function openStall(page: Page, code: string) {
  await page.locator("tr", { hasText: code }).getByRole("button", { name: "Sửa" }).click();
  await page.locator("#stall-dialog[open]").waitFor();
}

describe("manager", () => {
  it("corrects a typo'd account number after confirming old → new, and sees it in the history", {
    timeout: 60_000,
  }, async () => {
    const page = await rig.signIn(rig.tokens.manager, 1280);
    await page.getByRole("link", { name: "Các quầy" }).click();
    await page.getByText("B-07").waitFor();
    // Phones are shown in full to the manager, callable.
    await expect.poll(() => page.locator('a[href="tel:0977111222"]').count()).toBe(1);
    await openStall(page, "B-07");
    const dialog = page.locator("#stall-dialog");
    await dialog.getByLabel("Số tài khoản").fill("8888012345678");
    await dialog.getByRole("button", { name: "Lưu" }).click();
    const confirm = page.locator("#confirm-dialog[open]");
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain("88880I2345678");
    expect(await confirm.textContent()).toContain("8888012345678");
    await shoot(page, "manager-confirm-bank");
    await confirm.getByRole("button", { name: "Xác nhận" }).click();
    await dialog.getByText("Đã lưu thay đổi.").waitFor();
    expect((await rig.h.call("GET", `/api/stalls/${typo.id}`)).body.bank.accountNumber).toBe("8888012345678");
    await expect.poll(() => dialog.locator("#history").textContent()).toContain("Sửa quầy");
    // The change, old → new, masked as the audit keeps it.
    expect(await dialog.locator("#history").textContent()).toMatch(
      /Ngân hàng: Agribank · \*+5678 .*→ Agribank · \*+5678/,
    );
    await shoot(page, "manager-stall-dialog");

    // Suspends it, then it can be reactivated.
    await dialog.getByRole("button", { name: "Tạm ngưng" }).click();
    // Asked first (issue 27): cancelling changes nothing.
    const confirmDialog = page.locator("#confirm-dialog");
    await confirmDialog.getByRole("button", { name: "Huỷ" }).click();
    expect((await rig.h.call("GET", `/api/stalls/${typo.id}`)).body.status).toBe("active");
    await dialog.getByRole("button", { name: "Tạm ngưng" }).click();
    await confirmDialog.getByRole("button", { name: "Tạm ngưng" }).click();
    await dialog.getByRole("button", { name: "Cho hoạt động lại" }).waitFor();
    await expect
      .poll(() => dialog.locator("#history").textContent())
      .toContain("Trạng thái: Đang hoạt động → Tạm ngừng");
    expect((await rig.h.call("GET", `/api/stalls/${typo.id}`)).body.status).toBe("suspended");
    await dialog.getByRole("button", { name: "Cho hoạt động lại" }).click();
    await dialog.getByRole("button", { name: "Tạm ngưng" }).waitFor();
    expect((await rig.h.call("GET", `/api/stalls/${typo.id}`)).body.status).toBe("active");

    // Invites the vendor without printing (issue 26): the invitation's QR on screen, the code to type, and the
    // link shared through the phone's share sheet (stubbed: headless Chromium has none).
    await page.evaluate(() => {
      (navigator as unknown as { share: (d: ShareData) => Promise<void> }).share = async (d) => {
        (window as unknown as { __shared: ShareData }).__shared = d;
      };
    });
    await dialog.getByRole("button", { name: "Mời tiểu thương" }).click();
    const panel = dialog.locator(".invite-panel");
    await panel.waitFor();
    const onScreen = decodePng(await panel.locator("svg").screenshot());
    expect(onScreen).toMatch(new RegExp(`^${rig.base}/#/invite/[A-Za-z0-9_-]{20,}$`));
    expect(await panel.locator(".invite-code").textContent()).toMatch(
      /^[0-9A-HJKMNP-TV-Z]{4} [0-9A-HJKMNP-TV-Z]{4}$/,
    );
    await panel.getByRole("button", { name: "Gửi đường dẫn" }).click();
    const shared = await page.evaluate(() => (window as unknown as { __shared: ShareData }).__shared);
    expect(shared.url).toBe(onScreen);
    expect(shared.text).toContain("B-07");
    await shoot(page, "manager-invite-on-screen");
    // And prints its card: a PDF naming the stall.
    const download = page.waitForEvent("download");
    await panel.getByRole("button", { name: "In thẻ" }).click();
    const pdf = readFileSync((await (await download).path())!);
    expect((await pdfText(new Uint8Array(pdf)))[0]).toContain("Quầy B-07");
    await dialog.getByRole("button", { name: "Đóng" }).click();
    await page.close();
  });

  it("cancelling the confirmation changes nothing", async () => {
    const page = await rig.signIn(rig.tokens.manager, 1280);
    await page.getByRole("link", { name: "Các quầy" }).click();
    await openStall(page, "B-08");
    const dialog = page.locator("#stall-dialog");
    await dialog.getByLabel("Số tài khoản").fill("1234567");
    await dialog.getByRole("button", { name: "Lưu" }).click();
    await page.locator("#confirm-dialog[open]").getByRole("button", { name: "Huỷ" }).click();
    const list = (await rig.h.call("GET", "/api/markets/dong-van/stalls?reveal=1")).body.items;
    expect(list.find((s: { code: string }) => s.code === "B-08").bank.accountNumber).toBe("8888000008");
    await page.close();
  });

  it("searches without accents, by phone and by account; imports a `;` CSV with a bank by name", {
    timeout: 60_000,
  }, async () => {
    const page = await rig.signIn(rig.tokens.manager, 1280);
    await page.getByRole("link", { name: "Các quầy" }).click();
    await page.getByText("B-07").waitFor();
    const search = page.getByPlaceholder("Tìm theo mã, tên");
    const rows = () => page.locator("#list tbody tr").allTextContents();
    await search.fill("hung");
    await expect.poll(rows).toEqual([expect.stringContaining("Lò Văn Hùng")]);
    await search.fill("dinh");
    await expect.poll(rows).toEqual([expect.stringContaining("Đinh Thị Dung")]);
    await search.fill("0977 111");
    await expect.poll(rows).toEqual([expect.stringContaining("B-07")]);
    await search.fill("8888000008");
    await expect.poll(rows).toEqual([expect.stringContaining("B-08")]);
    await search.fill("");

    const csv =
      "\uFEFFcode;vendorName;phone;category;bankBin;accountNumber;accountName\r\nC-01;Vàng Thị Mỷ;;rau;Agribank;7770001;VANG THI MY\r\nC-02;Thào Mí Chứ;;rau;Ngân hàng Lạ;7770002;THAO MI CHU\r\n";
    await page
      .locator('input[type="file"]')
      .setInputFiles({ name: "excel.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("button", { name: "Tải lên" }).click();
    const status = page.locator("#import .form-status");
    await expect.poll(() => status.textContent()).toContain("Đã tạo: 1");
    expect(await status.textContent()).toContain("Dòng 3 · Quầy C-02");
    expect(await status.textContent()).toContain("Ngân hàng");
    await page.locator("td", { hasText: "C-01" }).waitFor();
    await shoot(page, "manager-stalls");

    // Marks a poster handed over from the list.
    await page.getByRole("checkbox", { name: "Chọn C-01" }).check();
    await page.getByRole("button", { name: "Đánh dấu đã giao mã QR" }).click();
    await expect.poll(() => page.locator("#toolbar-status").textContent()).toContain("1");
    await page.close();
  });

  it("ties field errors to their fields, in Vietnamese; print-all and the template say so when offline", {
    timeout: 60_000,
  }, async () => {
    const page = await rig.signIn(rig.tokens.manager, 1280);
    await page.getByRole("link", { name: "Các quầy" }).click();
    await page.getByText("B-07").waitFor();
    await openStall(page, "B-08");
    const dialog = page.locator("#stall-dialog");
    const account = dialog.getByLabel("Số tài khoản");
    await account.fill("12/34");
    await dialog.getByRole("button", { name: "Lưu" }).click();
    await page.locator("#confirm-dialog[open]").getByRole("button", { name: "Xác nhận" }).click();
    await expect.poll(() => account.getAttribute("aria-invalid")).toBe("true");
    const described = await account.getAttribute("aria-describedby");
    expect(await page.locator(`#${described}`).textContent()).toBe(
      "Số tài khoản chỉ gồm 1–19 chữ số hoặc chữ cái, không dấu cách",
    );
    await dialog.getByRole("button", { name: "Đóng" }).click();

    await page.context().setOffline(true);
    await page.getByRole("button", { name: "In tất cả áp phích" }).click();
    await expect.poll(() => page.locator("#toolbar-status").textContent()).toContain("Không có mạng");
    await page.getByRole("button", { name: "Tải tệp mẫu Excel" }).click();
    await expect.poll(() => page.locator("#import .form-status").textContent()).toContain("Không có mạng");
    await page.context().setOffline(false);
    await page.close();
  });

  it("files one incident on a double click, lists it open, and closes it", { timeout: 60_000 }, async () => {
    const page = await rig.signIn(rig.tokens.manager, 1280);
    await page.getByRole("link", { name: "Báo sự cố" }).click();
    await page.getByLabel("Nguyên nhân").selectOption("power");
    await page.getByRole("button", { name: "Gửi" }).dblclick();
    await page.getByText("Đã ghi nhận sự cố.").waitFor();
    await expect.poll(() => page.locator("li[data-incident]").count()).toBe(1);
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const listed = await rig.h.call("GET", `/api/markets/dong-van/incidents?from=${today}&to=${today}`);
    expect(listed.body.items).toHaveLength(1);
    expect(await page.locator("li[data-incident]").textContent()).toContain("Đang diễn ra");
    await shoot(page, "manager-incidents");
    await page.getByRole("button", { name: "Kết thúc bây giờ" }).click();
    await expect.poll(() => page.locator("li[data-incident]").textContent()).toContain("Đã kết thúc");
    await page.close();
  });
});

describe("vendor", () => {
  it("opens the card's URL in a fresh browser and lands on its stall; a second use says it is used", {
    timeout: 60_000,
  }, async () => {
    const res = await fetch(`${rig.base}/api/stalls/${typo.id}/invitations`, {
      method: "POST",
      headers: { authorization: `Bearer ${rig.tokens.manager}` },
    });
    const { url } = (await res.json()) as { url: string };
    expect(url.startsWith(rig.base)).toBe(true);
    const first = await rig.browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await first.newPage();
    await page.goto(url);
    await page.getByText("Quét mã để thanh toán").first().waitFor();
    expect(await page.textContent("main")).toContain("B-07");
    expect(page.url()).not.toContain("invite");
    expect(await fitsPhone(page)).toBeLessThanOrEqual(360);
    await page.screenshot({ path: join(SHOTS, "vendor-invited-360.png"), fullPage: true });
    await first.close();

    const second = await rig.browser.newContext({ viewport: { width: 360, height: 740 } });
    const again = await second.newPage();
    await again.goto(url);
    await expect.poll(() => again.getByRole("alert").textContent()).toContain("đã dùng");
    await again.screenshot({ path: join(SHOTS, "vendor-invite-used-360.png"), fullPage: true });
    await second.close();

    // The manager sees the key the card made and revokes it (a lost phone).
    const manager = await rig.signIn(rig.tokens.manager, 360);
    await manager.getByRole("link", { name: "Các quầy" }).click();
    await manager.getByText("B-07").first().waitFor();
    await openStall(manager, "B-07");
    const keys = manager.locator("#stall-dialog #keys");
    await expect.poll(() => keys.textContent()).toContain("Thẻ mời · B-07");
    await keys.getByRole("button", { name: "Thu hồi" }).click();
    await expect.poll(() => keys.textContent()).toContain("Đã thu hồi");
    const listed = await rig.h.call("GET", `/api/stalls/${typo.id}/keys`);
    expect(listed.body.items.every((k: { revokedAt?: string }) => k.revokedAt)).toBe(true);
    await manager.close();
  });
});
