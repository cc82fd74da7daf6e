import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOTS, type WebRig, webRig } from "./support/browser";
import type { Harness } from "./support/harness";

/** The web UI in Debian's Chromium, against the real server on DynamoDB Local. Screenshots go to test-results/. */
let rig: WebRig;
let h: Harness;
let base: string;
let tokens: WebRig["tokens"];
let signIn: WebRig["signIn"];
let pay: WebRig["pay"];
beforeAll(async () => {
  rig = await webRig();
  ({ h, base, tokens, signIn, pay } = rig);
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

describe("web UI", () => {
  it("refuses a wrong key with a clear message", async () => {
    const page = await signIn("m40_wrong_wrong_wrong");
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("Mã khoá không đúng");
    await page.close();
  });

  it("vendor: sees the stall, a scannable QR code, and payments as they arrive", async () => {
    const page = await signIn(tokens.vendor);
    await page.getByText("Quét mã để thanh toán").first().waitFor();
    const img = page.locator("img.qr");
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(512);
    await expect.poll(() => page.textContent("main")).toContain("Chưa có giao dịch");
    await pay("WEB-V1", "8888000001", 35000);
    await page.reload();
    await expect.poll(() => page.textContent("main")).toContain("35.000");
    await page.screenshot({ path: join(SHOTS, "vendor-360.png"), fullPage: true });
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Tải / in áp phích" }).click();
    expect((await download).suggestedFilename()).toBe("poster.pdf");
    await page.close();
  });

  it("manager: adds a stall with field errors, imports a CSV, and sees the dashboard move after a callback", {
    timeout: 60_000,
  }, async () => {
    const page = await signIn(tokens.manager, 1280);
    await page.getByText("Quầy đăng ký").waitFor();
    await page.screenshot({ path: join(SHOTS, "manager-dashboard-1280.png"), fullPage: true });
    const before = await page.locator(".stat").nth(3).textContent();

    await page.getByRole("link", { name: "Các quầy" }).click();
    await page.getByText("A-02").waitFor();
    await page.getByLabel("Mã quầy").fill("B-01");
    await page.getByLabel("Tiểu thương").fill("Lò Thị Dợ");
    await page.getByLabel("Số tài khoản").fill("12/34");
    await page.getByLabel("Chủ tài khoản").fill("LO THI DO");
    await page.getByRole("button", { name: "Lưu" }).click();
    await expect
      .poll(() => page.locator(".field-error").first().textContent())
      .toContain("Số tài khoản chỉ gồm 1–19");
    await page.getByLabel("Số tài khoản").fill("555 0001");
    await page.getByRole("button", { name: "Lưu" }).click();
    await page.getByText("Đã lưu.").waitFor();
    await page.locator("td", { hasText: "B-01" }).waitFor();

    const csv =
      "code,vendorName,phone,category,bankBin,accountNumber,accountName\nC-01,Vàng Thị Mỷ,,rau,970405,7770001,VANG THI MY\nC-02,Bad,,rau,999999,7770002,X\n";
    await page
      .locator('input[type="file"]')
      .setInputFiles({ name: "stalls.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("button", { name: "Tải lên" }).click();
    await expect.poll(() => page.locator("#import .form-status").textContent()).toContain("Đã tạo: 1");
    expect(await page.locator("#import .form-status").textContent()).toContain("Dòng 3");
    await page.getByPlaceholder("Tìm theo mã, tên").fill("Vàng");
    await expect.poll(() => page.locator("#list tbody tr").count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, "manager-stalls-1280.png"), fullPage: true });
    await page.setViewportSize({ width: 360, height: 800 });
    await page.screenshot({ path: join(SHOTS, "manager-stalls-360.png"), fullPage: true });

    await pay("WEB-M1", "8888000002", 120000);
    await page.getByRole("link", { name: "Mức độ sử dụng" }).click();
    await page.getByText("Quầy đăng ký").waitFor();
    await expect.poll(async () => page.locator(".stat").nth(3).textContent()).not.toBe(before);
    expect(await page.locator(".stat").nth(4).textContent()).toContain("155.000");
    await page.screenshot({ path: join(SHOTS, "manager-dashboard-360.png"), fullPage: true });

    await page.getByRole("link", { name: "Báo sự cố" }).click();
    await page.getByLabel("Nguyên nhân").selectOption("power");
    await page.getByRole("button", { name: "Gửi" }).click();
    await page.getByText("Đã ghi nhận sự cố.").waitFor();
    await page.close();
  });

  it("liaison: reads every market's latest evaluation, sorts it, switches to English and downloads the CSV", async () => {
    const period = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 7);
    await h.call("POST", "/api/evaluations/run", { body: { period } });
    const page = await signIn(tokens.liaison, 1280);
    await page.locator("td", { hasText: "Chợ phiên Đồng Văn" }).waitFor();
    await page.getByRole("button", { name: "Xếp loại" }).click();
    await page.screenshot({ path: join(SHOTS, "liaison-1280.png"), fullPage: true });
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "CSV cho Excel" }).click();
    const file = await (await download).path();
    const text = readFileSync(file!, "utf8");
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain("Chợ phiên Đồng Văn");
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { name: "Model evaluations" }).waitFor();
    await page.setViewportSize({ width: 360, height: 800 });
    await page.screenshot({ path: join(SHOTS, "liaison-360-en.png"), fullPage: true });
    await page.close();
  });

  it("admin: picks a market and sees it as its manager would", async () => {
    const page = await signIn(tokens.admin, 1280);
    await page.getByRole("link", { name: "Các chợ", exact: true }).click();
    await page
      .locator("tr", { hasText: "Chợ phiên Đồng Văn" })
      .getByRole("link", { name: "Quản lý" })
      .click();
    await page.getByText("Quầy đăng ký").waitFor();
    await page.getByRole("link", { name: "Các quầy" }).click();
    await page.locator("td", { hasText: "A-02" }).waitFor();
    await page.close();
  });

  it("says so when the API fails, and offers a retry", async () => {
    const page = await signIn(tokens.manager);
    await page.getByText("Quầy đăng ký").waitFor();
    await page.route("**/api/markets/dong-van/uptake**", (route) =>
      route.fulfill({
        status: 503,
        contentType: "application/json",
        body: '{"error":{"code":"unavailable","message":"store down"}}',
      }),
    );
    await page.getByRole("button", { name: "Xem" }).click();
    await page.getByRole("alert").getByText("store down").waitFor();
    await page.unroute("**/api/markets/dong-van/uptake**");
    await page.getByRole("button", { name: "Thử lại" }).click();
    await page.getByText("Quầy đăng ký").waitFor();
    await page.close();
  });
});

describe("web bundle", () => {
  it("runs under a strict Content-Security-Policy: no inline code or style, nothing refused", async () => {
    const res = await fetch(`${base}/`);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    const api = await fetch(`${base}/api/health`);
    expect(api.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(api.headers.get("x-content-type-options")).toBe("nosniff");
    // Every page the tests above opened — vendor, manager, liaison, admin, errors — ran without a refusal.
    expect(rig.refused).toEqual([]);
  });

  it("loads under 150 KB of compressed JavaScript and CSS", () => {
    const dir = "packages/web/dist/assets";
    const total = readdirSync(dir)
      .filter((f) => /\.(js|css)$/.test(f))
      .reduce((sum, f) => sum + gzipSync(readFileSync(join(dir, f))).length, 0);
    expect(total).toBeGreaterThan(1000);
    expect(total).toBeLessThan(150 * 1024);
  });
});
