import { readFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOTS, type WebRig, webRig } from "./support/browser";

/** Issue 27 in the browser at 360 px: Excel both ways on the stalls screen. */
let rig: WebRig;
beforeAll(async () => {
  rig = await webRig();
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

describe("Excel both ways, at 360 px", () => {
  it("downloads the .xlsx template and imports a workbook with Vietnamese headers, naming Excel's damage", {
    timeout: 60_000,
  }, async () => {
    const page = await rig.signIn(rig.tokens.manager);
    await page.getByRole("link", { name: "Các quầy" }).click();
    await page.getByText("A-01").first().waitFor();

    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Tải tệp mẫu Excel" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe("mau-nhap-quay.xlsx");
    const template = new ExcelJS.Workbook();
    await template.xlsx.load(new Uint8Array(readFileSync((await file.path())!)).buffer);
    expect(template.worksheets[0]!.getCell("F1").value).toBe("Số tài khoản");

    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("Quầy");
    sheet.addRow(["Mã quầy", "Tên người bán", "Số điện thoại", "Ngân hàng", "Số tài khoản", "Chủ tài khoản"]);
    sheet.addRow(["E-01", "Thào Thị Mai", "0915 111 222", "Agribank", "7771 0001", "THAO THI MAI"]);
    sheet.addRow(["E-02", "Thào Văn Sử", "", "BIDV", "8,88801E+12", "THAO VAN SU"]);
    await page.locator('input[type="file"]').setInputFiles({
      name: "danh-sach.xlsx",
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      buffer: Buffer.from(await book.xlsx.writeBuffer()),
    });
    await page.getByRole("button", { name: "Tải lên" }).click();
    const status = page.locator("#import .form-status");
    await expect.poll(() => status.textContent()).toContain("Đã tạo: 1");
    const text = (await status.textContent())!;
    expect(text).toContain("Dòng 3");
    expect(text).toContain("Số tài khoản: nhận được '8,88801E+12'");
    expect(text).toContain("Văn bản (Text)");
    // The form is cleared: a second tap has no file to send again.
    expect(
      await page.locator('input[type="file"]').evaluate((el) => (el as HTMLInputElement).files?.length),
    ).toBe(0);
    await page.locator("#import").screenshot({ path: join(SHOTS, "import-excel-360.png") });

    // The form takes an account number and a phone as people write them.
    await page.getByLabel("Mã quầy").fill("E-03");
    await page.getByLabel("Tiểu thương").fill("Thào Thị Dính");
    await page.locator("#phone").fill("0915.111.333");
    await page.getByLabel("Số tài khoản").fill("7771-0003");
    await page.getByLabel("Chủ tài khoản").fill("THAO THI DINH");
    await page.getByRole("button", { name: "Lưu" }).click();
    await page.getByText("Đã lưu.").waitFor();
    const stalls = await rig.h.call("GET", "/api/markets/dong-van/stalls?reveal=1");
    const e3 = stalls.body.items.find((s: { code: string }) => s.code === "E-03");
    expect(e3).toMatchObject({ phone: "0915111333", bank: { accountNumber: "77710003" } });
    await page.close();
  });
});

describe("Vietnamese dates and reports to file, at 360 px", () => {
  it("files an incident typed as dd/MM/yyyy and HH:mm, empties the form, and lists it as dd/MM/yyyy HH:mm", {
    timeout: 60_000,
  }, async () => {
    const page = await rig.signIn(rig.tokens.manager);
    await page.goto(`${rig.base}/#/incident`);
    const vn = new Date(Date.now() + 7 * 3600_000 - 3 * 3600_000).toISOString();
    const typed = `${vn.slice(8, 10)}/${vn.slice(5, 7)}/${vn.slice(0, 4)}`;
    await page.getByLabel("Ngày bắt đầu").fill("31/02/2026");
    await page.getByRole("button", { name: "Gửi" }).click();
    await expect.poll(() => page.locator("#startedDay + .field-error").textContent()).toContain("17/02/2026");
    await page.getByLabel("Ngày bắt đầu").fill(typed);
    await page.getByLabel("Giờ bắt đầu").fill(vn.slice(11, 16));
    await page.getByLabel("Ghi chú").fill("mất điện");
    await page.getByRole("button", { name: "Gửi" }).click();
    await page.getByText("Đã ghi nhận").first().waitFor();
    expect(await page.getByLabel("Ghi chú").inputValue()).toBe("");
    await expect
      .poll(() => page.locator("li[data-incident]").first().textContent())
      .toContain(`${typed} ${vn.slice(11, 16)}`);
    await page.screenshot({ path: join(SHOTS, "incident-dates-360.png"), fullPage: true });
    await page.close();
  });

  it("liaison: months by name, ratings in one vocabulary, PDF, Excel and CSV cho Excel", {
    timeout: 90_000,
  }, async () => {
    const period = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 7);
    await rig.h.call("POST", "/api/evaluations/run", { body: { period } });
    const page = await rig.signIn(rig.tokens.liaison);
    await page.locator("td", { hasText: "Chợ phiên Đồng Văn" }).first().waitFor();
    const month = await page.getByLabel("Kỳ").locator("option:checked").textContent();
    expect(month).toBe(`tháng ${period.slice(5, 7)}/${period.slice(0, 4)}`);
    const main = (await page.textContent("main"))!;
    expect(main).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(main).not.toContain("Chưa đạt");
    for (const [button, name, magic] of [
      ["Tải báo cáo PDF", `market40-bao-cao-${period}.pdf`, "%PDF"],
      ["Tải Excel (.xlsx)", `market40-danh-gia-${period}.xlsx`, "PK"],
      ["CSV cho Excel", `market40-danh-gia-excel-${period}.csv`, "\uFEFFMã chợ;"],
    ] as const) {
      const download = page.waitForEvent("download");
      await page.getByRole("button", { name: button }).click();
      const file = await download;
      expect(file.suggestedFilename()).toBe(name);
      expect(readFileSync((await file.path())!, "utf8").startsWith(magic)).toBe(true);
    }
    await page.screenshot({ path: join(SHOTS, "liaison-360.png"), fullPage: true });
    await page.close();
  });
});
