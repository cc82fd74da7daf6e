import { join } from "node:path";
import { signAs } from "@market40/devkit/providerClients";
import ExcelJS from "exceljs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOTS, type WebRig, webRig } from "./support/browser";
import { DONG_VAN, stallInput, TEST_SECRETS } from "./support/harness";
import { pageWidth } from "./support/layout";

/** The admin's screens and the liaison's sorted charts, in Chromium against the real server on DynamoDB Local. */
let rig: WebRig;
beforeAll(async () => {
  rig = await webRig();
  // A second market, so sorting the liaison's table changes the order of its charts.
  await rig.h.call("POST", "/api/markets", {
    body: {
      ...DONG_VAN,
      id: "meo-vac",
      name: "Chợ phiên Mèo Vạc",
      commune: "Mèo Vạc",
      schedule: { kind: "daily" },
      launchedOn: "2026-01-01",
    },
  });
  await rig.h.call("POST", "/api/markets/meo-vac/stalls", { body: stallInput("M-01", "8888000101") });
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

/** Signed in, with actions that fail in seconds rather than waiting for the test's timeout. */
const signIn = async (token: string, width: number) => {
  const page = await rig.signIn(token, width);
  page.setDefaultTimeout(10_000);
  return page;
};
const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, name), fullPage: true });
/** At 360 px nothing scrolls sideways; the message names what sticks out. */
const noSidewaysScroll = async (page: Page) => {
  const { width, culprits } = await pageWidth(page);
  return width <= 360 ? "fits" : `${width} px: ${culprits.join(", ")}`;
};
const thisMonth = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 7);
const lastMonth = () => {
  const [y, m] = thisMonth().split("-").map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
};

describe("admin screens", () => {
  it("creates a market with a lunar schedule and closures; a wrong id is named next to its field", async () => {
    const page = await signIn(rig.tokens.admin, 1280);
    await page.getByRole("link", { name: "Các chợ" }).click();
    await page.locator("td", { hasText: "Chợ phiên Đồng Văn" }).waitFor();
    await page.getByLabel("Mã chợ").fill("Hoàng Su Phì");
    await page.getByLabel("Tên chợ").fill("Chợ Hoàng Su Phì");
    await page.getByLabel("Tỉnh", { exact: true }).fill("Tuyên Quang");
    await page.getByLabel("Xã").fill("Hoàng Su Phì");
    await page.getByLabel("Lịch họp chợ").selectOption("lunar");
    await page.getByLabel("Các ngày âm lịch").fill("1, 6, 11, 16, 21, 26");
    await page.getByLabel("Ngày nghỉ chợ").fill("31/12/2026");
    await page.getByRole("button", { name: "Lưu" }).click();
    const idError = page.locator("#m-id + .field-error");
    await idError.waitFor();
    expect(await page.getByLabel("Mã chợ").getAttribute("aria-invalid")).toBe("true");

    await page.getByLabel("Mã chợ").fill("hoang-su-phi");
    await page.getByRole("button", { name: "Lưu" }).click();
    await page.locator("td", { hasText: "Chợ Hoàng Su Phì" }).waitFor();
    const { body } = await rig.h.call("GET", "/api/markets/hoang-su-phi");
    expect(body.schedule).toEqual({ kind: "lunar", days: [1, 6, 11, 16, 21, 26] });
    expect(body.closures).toEqual(["2026-12-31"]);
    expect(await page.locator("tr", { hasText: "Chợ Hoàng Su Phì" }).textContent()).toContain(
      "Theo âm lịch: 1, 6, 11, 16, 21, 26",
    );

    // Editing the schedule: weekly on Saturdays and Sundays.
    await page.locator("tr", { hasText: "Chợ Hoàng Su Phì" }).getByRole("button", { name: "Sửa" }).click();
    await page.getByLabel("Lịch họp chợ").selectOption("weekly");
    await page.getByLabel("T7").check();
    await page.getByLabel("CN").check();
    await page.getByRole("button", { name: "Lưu" }).click();
    await expect
      .poll(async () => (await rig.h.call("GET", "/api/markets/hoang-su-phi")).body.schedule)
      .toEqual({ kind: "weekly", days: [6, 7] });
    await shot(page, "admin-markets-1280.png");
    await page.setViewportSize({ width: 360, height: 740 });
    await expect.poll(() => noSidewaysScroll(page)).toBe("fits");
    await shot(page, "admin-markets-360.png");
    await page.close();
  });

  it("issues a key, shows its token once with a copy button, and revokes it after a confirmation", async () => {
    const page = await signIn(rig.tokens.admin, 1280);
    await page.getByRole("link", { name: "Mã khoá" }).click();
    await page.getByLabel("Vai trò").selectOption("liaison");
    await page.getByLabel("Tên gợi nhớ").fill("Cán bộ Sở Công Thương");
    await page.getByRole("button", { name: "Cấp mã khoá" }).click();
    const token = (await page.locator("#new-token").textContent())!;
    expect(token).toMatch(/^m40_/);
    await page.getByRole("button", { name: "Sao chép mã khoá" }).waitFor();
    expect((await rig.h.call("GET", "/api/me", { token })).body.role).toBe("liaison");
    await shot(page, "admin-keys-1280.png");

    const row = page.locator("tr", { hasText: "Cán bộ Sở Công Thương" });
    // Dismissing the confirmation keeps the key.
    page.once("dialog", (d) => void d.dismiss());
    await row.getByRole("button", { name: /Thu hồi/ }).click();
    expect((await rig.h.call("GET", "/api/me", { token })).status).toBe(200);
    page.once("dialog", (d) => void d.accept());
    await row.getByRole("button", { name: /Thu hồi/ }).click();
    await row.getByText("Đã thu hồi").waitFor();
    expect((await rig.h.call("GET", "/api/me", { token })).status).toBe(401);
    await page.setViewportSize({ width: 360, height: 740 });
    await expect.poll(() => noSidewaysScroll(page)).toBe("fits");
    await shot(page, "admin-keys-360.png");
    await page.close();
  });

  it("assigns a waiting payment to a stall", async () => {
    await rig.pay("ADM-U1", "9999000001", 42000);
    expect((await rig.h.call("GET", "/api/callbacks/unmatched")).body.items).toHaveLength(1);
    const page = await signIn(rig.tokens.admin, 360);
    await page.getByRole("link", { name: "Tiền chờ gán" }).click();
    await page.locator("td", { hasText: "42.000" }).waitFor();
    await expect.poll(() => noSidewaysScroll(page)).toBe("fits");
    await shot(page, "admin-unmatched-360.png");
    await page.getByRole("button", { name: "Gán cho quầy" }).click();
    await page.getByLabel("Chợ", { exact: true }).selectOption("dong-van");
    const a02 = (await rig.h.call("GET", "/api/markets/dong-van/stalls")).body.items.find(
      (s: { code: string }) => s.code === "A-02",
    );
    await page.getByLabel("Quầy", { exact: true }).selectOption(a02.id);
    await page.getByRole("button", { name: "Gán cho quầy" }).last().click();
    // A-02's account is not the one paid: the API asks why, on the reason field (§10).
    await page.locator("#a-reason-error").waitFor();
    await page.getByLabel(/^Lý do/).fill("Người bán đưa biên lai: chuyển nhầm số tài khoản cũ");
    await page.getByRole("button", { name: "Gán cho quầy" }).last().click();
    await page.getByText("Đã gán khoản tiền cho quầy.").waitFor();
    expect((await rig.h.call("GET", "/api/callbacks/unmatched")).body.items).toHaveLength(0);
    await page.getByText("Không có khoản tiền nào chờ gán.").waitFor();
    await page.setViewportSize({ width: 1280, height: 800 });
    await shot(page, "admin-unmatched-1280.png");
    await page.close();
  });

  it("uploads a provider's statement and shows what is missing on each side", async () => {
    await rig.pay("ADM-R1", "8888000001", 15000);
    const paidAt = new Date().toISOString();
    const csv = `id,paidAt,accountNumber,amount,description\nADM-R1,${paidAt},8888000001,15000,rau cai\nADM-R9,${paidAt},8888000001,27000,thit lon\n`;
    const page = await signIn(rig.tokens.admin, 1280);
    await page.getByRole("link", { name: "Đối chiếu sao kê" }).click();
    await page.getByLabel("Đơn vị thanh toán").selectOption("generic");
    await page
      .getByLabel("Tệp sao kê (Excel hoặc CSV)")
      .setInputFiles({ name: "statement.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("button", { name: "Đối chiếu" }).click();
    const missing = page.getByRole("region", { name: "Có trong sao kê, thiếu ở hệ thống" });
    await missing.getByText("ADM-R9").waitFor();
    expect(await missing.textContent()).toContain("27.000");
    expect(await missing.textContent()).not.toContain("ADM-R1");
    expect(await page.locator(".stat", { hasText: "Khớp" }).textContent()).toContain("1");
    await shot(page, "admin-reconciliation-1280.png");
    await page.setViewportSize({ width: 360, height: 740 });
    await expect.poll(() => noSidewaysScroll(page)).toBe("fits");
    await shot(page, "admin-reconciliation-360.png");
    await page.close();
  });

  it("reads SePay's .xlsx export at 360 px: names a bad row's column in Vietnamese, and a stall by its code", async () => {
    // A payment SePay's webhook delivered, which its export (below) lacks.
    const req = signAs(
      "sepay",
      {
        id: "ADM-S1",
        providerId: 7_000_001,
        bin: "970405",
        accountNumber: "8888000001",
        bankShortName: "Agribank",
        amount: 16000,
        paidAt: new Date(Date.now() - 120_000),
        description: "A-01 rau",
      },
      TEST_SECRETS,
      rig.h.clock.now(),
    );
    const delivered = await rig.h.call("POST", "/api/callbacks/sepay", {
      token: null,
      body: req.body,
      headers: req.headers,
    });
    expect(delivered.body.status).toBe("stored");
    const vn = new Date(Date.now() + 7 * 3600_000);
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("Giao dịch");
    sheet.addRow([
      "ID",
      "Ngân hàng",
      "Ngày giao dịch",
      "Số tài khoản",
      "Số tiền vào",
      "Số tiền ra",
      "Nội dung thanh toán",
    ]);
    // Excel's date-time cell: the Vietnam wall clock, stored without a zone.
    sheet.addRow([
      "ADM-S9",
      "Agribank",
      new Date(vn.getTime() - 60_000),
      "8888000001",
      "41.000",
      0,
      "A-01 ca",
    ]);
    sheet.addRow(["ADM-S8", "Agribank", "hôm qua", "8888000001", "5.000", 0, "ngay sai"]);
    const page = await signIn(rig.tokens.admin, 360);
    await page.getByRole("link", { name: "Đối chiếu sao kê" }).click();
    await page.getByLabel("Đơn vị thanh toán").selectOption("sepay");
    await page.getByLabel("Tệp sao kê (Excel hoặc CSV)").setInputFiles({
      name: "sepay-giao-dich.xlsx",
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      buffer: Buffer.from(await book.xlsx.writeBuffer()),
    });
    await page.getByRole("button", { name: "Đối chiếu" }).click();
    const missing = page.getByRole("region", { name: "Có trong sao kê, thiếu ở hệ thống" });
    await missing.getByText("ADM-S9").waitFor();
    expect(await missing.textContent()).toContain("41.000");
    const errors = (await page.locator("#diff ul.error").textContent())!;
    expect(errors).toContain("Dòng 3: Cột 'Ngày giao dịch': nhận được 'hôm qua', không phải ngày giờ");
    // What the export lacks names the stall by its code, never its internal id.
    const extra = (await page
      .getByRole("region", { name: "Có ở hệ thống, không có trong sao kê" })
      .textContent())!;
    expect(extra).toContain("7000001");
    expect(extra).toContain("16.000");
    expect(extra).toContain("A-01");
    expect(extra).not.toContain(rig.stallId);
    await expect.poll(() => noSidewaysScroll(page)).toBe("fits");
    await shot(page, "admin-reconciliation-sepay-360.png");
    await page.close();
  });

  it("sets a bank's statement columns once at 360 px, in Vietnamese, and reads its statement through them", async () => {
    const page = await signIn(rig.tokens.admin, 360);
    await page.getByRole("link", { name: "Đối chiếu sao kê" }).click();
    const mapping = page.locator("#mapping");
    await mapping.getByLabel("Ngân hàng", { exact: true }).selectOption({ label: "Agribank" });
    await mapping.getByLabel("Cột mã giao dịch (số bút toán)").fill("Số bút toán");
    await mapping.getByLabel("Cột ngày giờ").fill("Ngày giao dịch");
    await mapping.getByLabel("Dạng ngày giờ").fill("dd/MM/yyyy HH:mm");
    await mapping.getByLabel("Cột số tiền ghi có").fill("Ghi có");
    await mapping.getByLabel("Hoặc một số tài khoản cho cả sao kê").fill("8888000001");
    await mapping.getByRole("button", { name: "Lưu" }).click();
    await mapping.getByText("Đã lưu.").waitFor();
    expect((await rig.h.call("GET", "/api/reconciliation/mappings/970405")).body).toMatchObject({
      id: "Số bút toán",
      amount: "Ghi có",
      fixedAccountNumber: "8888000001",
    });

    const vn = new Date(Date.now() + 7 * 3600_000);
    const stamp = `${String(vn.getUTCDate()).padStart(2, "0")}/${String(vn.getUTCMonth() + 1).padStart(2, "0")}/${vn.getUTCFullYear()} ${String(vn.getUTCHours()).padStart(2, "0")}:${String(vn.getUTCMinutes()).padStart(2, "0")}`;
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("Sao kê");
    sheet.addRow(["Ngày giao dịch", "Số bút toán", "Diễn giải", "Ghi nợ", "Ghi có"]);
    sheet.addRow([stamp, "FT26BANK01", "A-01 ca", "", "27.000"]);
    sheet.addRow([stamp, "FT26BANK02", "so sai", "", "27.000,5"]);
    await page.getByLabel("Đơn vị thanh toán").selectOption("sepay");
    await page.getByLabel("Sao kê của ngân hàng").selectOption({ label: "Agribank" });
    await page.getByLabel("Tệp sao kê (Excel hoặc CSV)").setInputFiles({
      name: "agribank-sao-ke.xlsx",
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      buffer: Buffer.from(await book.xlsx.writeBuffer()),
    });
    await page.getByRole("button", { name: "Đối chiếu" }).click();
    const missing = page.getByRole("region", { name: "Có trong sao kê, thiếu ở hệ thống" });
    await missing.getByText("FT26BANK01").waitFor();
    expect(await missing.textContent()).toContain("27.000");
    expect(await page.locator("#diff ul.error").textContent()).toContain(
      "Dòng 3: Cột 'Ghi có': nhận được '27.000,5', không phải số tiền nguyên (đồng)",
    );
    await expect.poll(() => noSidewaysScroll(page)).toBe("fits");
    await shot(page, "admin-reconciliation-bank-360.png");
    await page.close();
  });
});

describe("liaison", () => {
  it("sorts the table; the charts follow its order, keep focus on the sort button, mark the month in progress", async () => {
    await rig.pay("ADM-L1", "8888000101", 50000);
    for (const period of [lastMonth(), thisMonth()])
      expect((await rig.h.call("POST", "/api/evaluations/run", { body: { period } })).status).toBe(200);
    const page = await signIn(rig.tokens.liaison, 1280);
    await page.locator("#trend figure canvas").nth(1).waitFor();
    const order = async () => ({
      table: await page.locator("#table tbody tr td:first-child").allTextContents(),
      charts: await page.locator("#trend figcaption").allTextContents(),
    });
    const sortBy = async (name: string) => {
      await page.getByRole("button", { name }).click();
      const o = await order();
      expect(o.charts).toEqual(o.table);
      return o.table;
    };
    const up = await sortBy("Chợ");
    expect(up).toEqual(["Chợ Hoàng Su Phì", "Chợ phiên Đồng Văn", "Chợ phiên Mèo Vạc"]);
    expect(await page.locator("th", { hasText: "Chợ" }).first().getAttribute("aria-sort")).toBe("ascending");
    const down = await sortBy("Chợ");
    expect(down).toEqual(["Chợ phiên Mèo Vạc", "Chợ phiên Đồng Văn", "Chợ Hoàng Su Phì"]);
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.sort)).toBe("0");
    expect(await page.locator("th[aria-sort]").getAttribute("aria-sort")).toBe("descending");
    expect(await page.locator("button[aria-sort]").count()).toBe(0);

    // The month in progress is marked in the table and in each chart's data table.
    expect(await page.locator("#table .badge.provisional").count()).toBe(3);
    const [y, m] = thisMonth().split("-");
    expect(await page.locator("#trend details").first().textContent()).toContain(`${m}/${y} (tạm tính)`);
    expect(await page.locator("#trend .plot").first().getAttribute("aria-label")).toContain("Tỷ lệ có QR");
    await page.getByRole("button", { name: "Tải Excel (.xlsx)" }).waitFor();
    await shot(page, "liaison-sorted-1280.png");
    await page.setViewportSize({ width: 360, height: 740 });
    await expect.poll(() => noSidewaysScroll(page)).toBe("fits");
    await shot(page, "liaison-sorted-360.png");

    // A market's name opens its read-only page.
    await page.getByRole("link", { name: "Chợ phiên Mèo Vạc" }).click();
    await page.getByRole("heading", { level: 1, name: "Chợ phiên Mèo Vạc" }).waitFor();
    await page.locator("#trend canvas").waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe("H1");
    await expect.poll(() => noSidewaysScroll(page)).toBe("fits");
    await shot(page, "liaison-market-360.png");
    await page.close();
  });
});
