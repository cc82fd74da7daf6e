import { readFileSync } from "node:fs";
import { join } from "node:path";
import { issueForMarket } from "@market40/core/fee/bills";
import { decodePng, pdfText } from "@market40/devkit/oracles";
import type { Page } from "playwright-core";
import { QRPay } from "vietnam-qr-pay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOTS, type WebRig, webRig } from "./support/browser";

/**
 * Market fees on screen at 360 px (issue 29, docs/contract.md §20): the vendor's bills to pay (with the bill's QR) and
 * receipts, the manager's "Phí chợ" screen — cash and waivers recorded on it, its printed sheet — and the fee shares
 * beside uptake for the manager and the liaison.
 *
 * Đồng Văn (daily here) charges 5,000 ₫ a day from 1 January 2026 into its board's account; the daily job has billed
 * for today and the next two days (the server's clock runs two days ahead). Today, A-01 paid by QR (a
 * signed callback naming its bill's reference); A-02 paid 2,000 ₫ by QR and the manager recorded the 3,000 ₫ left in
 * cash. So this month's fees collected are 10,000 ₫, 7,000 ₫ of it by QR: 70 %.
 */
let rig: WebRig;
let todayLocal: string;
let a02: string;
const BOARD = { bin: "970405", accountNumber: "8888000099", accountName: "BQL CHO DONG VAN" };

/** The reference of a stall's bill of a day, as the API lists it. */
async function referenceOf(date: string, stallId: string) {
  const res = await rig.h.call("GET", `/api/markets/dong-van/fees/bills?date=${date}&stallId=${stallId}`);
  expect(res.status).toBe(200);
  return res.body.items[0].reference as string;
}

/** The local date `days` after today, as the API (ISO) and as people type it (dd/mm/yyyy). */
const dayAfter = (days: number) => {
  const iso = new Date(Date.parse(`${todayLocal}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  return { iso, typed: iso.split("-").reverse().join("/") };
};

beforeAll(async () => {
  rig = await webRig();
  todayLocal = new Date(rig.h.clock.now().getTime() + 7 * 3600_000).toISOString().slice(0, 10);
  const rate = { appliesTo: { kind: "all" }, period: "day", amount: 5_000, from: "2026-01-01" };
  expect(
    (await rig.h.call("PUT", "/api/markets/dong-van/fees/schedule", { body: { rates: [rate] } })).status,
  ).toBe(200);
  expect((await rig.h.call("PUT", "/api/markets/dong-van/fees/account", { body: BOARD })).status).toBe(200);
  // The stalls were registered just now: two days on, the daily job bills today and the next two days.
  rig.h.clock.set(new Date(rig.h.clock.now().getTime() + 2 * 86_400_000).toISOString());
  await issueForMarket(rig.h.deps, "dong-van");
  const stalls = (await rig.h.call("GET", "/api/markets/dong-van/stalls")).body.items as {
    id: string;
    code: string;
  }[];
  a02 = stalls.find((s) => s.code === "A-02")!.id;
  // Transfers into the board's account naming the bills (signed callbacks), and the rest of A-02's in cash.
  await rig.pay("FEE-A01", BOARD.accountNumber, 5_000, await referenceOf(todayLocal, rig.stallId));
  await rig.pay("FEE-A02", BOARD.accountNumber, 2_000, await referenceOf(todayLocal, a02));
  const cash = await rig.h.call("POST", `/api/markets/dong-van/fees/bills/${todayLocal}_${a02}/cash`, {
    token: rig.tokens.manager,
    body: {},
  });
  expect(cash.body).toMatchObject({ status: "paid-cash", paidQr: 2_000, paidCash: 3_000 });
  const period = todayLocal.slice(0, 7);
  expect((await rig.h.call("POST", "/api/evaluations/run", { body: { period } })).status).toBe(200);
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

const fitsPhone = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: join(SHOTS, `${name}-360.png`), fullPage: true });
  expect(await fitsPhone(page), `${name} at 360 px`).toBeLessThanOrEqual(360);
}

/** The PDF a click downloads, as pdf.js reads its text (spaces folded). */
async function downloaded(page: Page, click: () => Promise<void>) {
  const download = page.waitForEvent("download");
  await click();
  const file = await download;
  const bytes = new Uint8Array(readFileSync((await file.path())!));
  return { name: file.suggestedFilename(), text: (await pdfText(bytes)).join(" ").replace(/\s+/g, " ") };
}

describe("fees on screen", () => {
  it("the vendor sees the fees to pay, the reference to transfer with, and opens a receipt", async () => {
    const page = await rig.signIn(rig.tokens.vendor);
    const fees = page.locator("#fees");
    await fees.getByRole("heading", { name: "Phí chợ", exact: true }).waitFor();
    // The next two days are left to pay; today's is paid and has a receipt.
    const toPay = fees.locator(".owed li");
    await expect.poll(() => toPay.count()).toBe(2);
    expect(await toPay.first().textContent()).toMatch(/^Phí chợ: 5\.000\s₫ — Nộp bằng QR/);
    await toPay.first().getByRole("button", { name: "Nộp bằng QR" }).click();
    const box = toPay.first().locator(".bill-qr");
    // The bill's QR, and under it the reference and the amount to transfer by hand.
    const code = box.getByRole("img", { name: "Quét mã để nộp phí 5.000 ₫" });
    await code.waitFor();
    const tomorrow = await referenceOf(dayAfter(1).iso, rig.stallId);
    expect(await box.textContent()).toContain(`Nội dung chuyển khoản: ${tomorrow}`);
    // Read back from the pixels by an independent reader (jsQR) and parsed by vietnam-qr-pay: a transfer of what is
    // owed to the board's account, with the bill's reference as its purpose — what the callback then matches.
    const qr = new QRPay(decodePng(await code.locator("svg").screenshot())!);
    expect(qr.isValid).toBe(true);
    expect(qr.initMethod).toBe("12");
    expect(qr.consumer.bankBin).toBe(BOARD.bin);
    expect(qr.consumer.bankNumber).toBe(BOARD.accountNumber);
    expect(qr.amount).toBe("5000");
    expect(qr.additionalData.purpose).toBe(tomorrow);
    const receipts = fees.getByRole("list", { name: "Biên lai phí chợ" });
    expect(await receipts.locator("li").count()).toBe(1);
    expect(await receipts.textContent()).toMatch(/5\.000\s₫ Đã nộp đủ/);
    await shoot(page, "vendor-fees");
    const receipt = await downloaded(page, () => receipts.getByRole("button", { name: "Biên lai" }).click());
    expect(receipt.name).toMatch(/^bien-lai-phia01\d{4}\.pdf$/);
    expect(receipt.text).toContain("Bằng chữ Năm nghìn đồng");
    expect(receipt.text).toContain("A-01 — Giàng Thị Mai");
    await page.close();
  });

  it("the manager lists today's bills, narrows them by status, prints the sheet and opens a receipt", async () => {
    const page = await rig.signIn(rig.tokens.manager);
    await page.getByRole("link", { name: "Phí chợ" }).click();
    const rows = page.locator("#bills tbody tr");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain("Đã nộp đủ");
    expect(await rows.nth(1).textContent()).toContain("A-02");
    await shoot(page, "manager-fees");
    await page.getByLabel("Trạng thái").selectOption({ label: "Chưa nộp" });
    await page.getByRole("button", { name: "Xem" }).click();
    await expect.poll(() => page.locator("#bills").textContent()).toContain("Không có khoản phí nào.");
    await page.getByLabel("Trạng thái").selectOption({ label: "Tất cả" });
    await page.getByRole("button", { name: "Xem" }).click();
    await expect.poll(() => rows.count()).toBe(2);
    const receipt = await downloaded(page, () =>
      rows.nth(1).getByRole("button", { name: "Biên lai" }).click(),
    );
    expect(receipt.text).toContain("Chuyển khoản bằng mã QR và tiền mặt");
    expect(receipt.text).toContain("Bằng chữ Năm nghìn đồng");
    expect(await rows.nth(1).textContent()).toContain("Đã nộp tiền mặt");
    // The printed sheet: a title and a column to sign; no buttons.
    await page.emulateMedia({ media: "print" });
    await page.setViewportSize({ width: 800, height: 1100 });
    expect(await page.getByRole("heading", { name: /Bảng kê thu phí chợ/ }).isVisible()).toBe(true);
    expect(await page.getByRole("columnheader", { name: "Ký nhận" }).isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Biên lai" }).first().isVisible()).toBe(false);
    await page.screenshot({ path: join(SHOTS, "manager-fees-print.png"), fullPage: true });
    await page.close();
  });

  it("the manager records tomorrow's A-01 paid in cash with a note and waives A-02 with a reason: listed, audited", async () => {
    const page = await rig.signIn(rig.tokens.manager);
    await page.getByRole("link", { name: "Phí chợ" }).click();
    const rows = page.locator("#bills tbody tr:not(.settle-row)");
    await expect.poll(() => rows.count()).toBe(2);
    const tomorrow = dayAfter(1);
    await page.getByLabel("Ngày phiên").fill(tomorrow.typed);
    await page.getByRole("button", { name: "Xem" }).click();
    await expect.poll(() => rows.first().textContent()).toContain("Chưa nộp");
    expect(await rows.nth(1).textContent()).toContain("Chưa nộp");

    await rows.nth(0).getByRole("button", { name: "Thu tiền mặt" }).click();
    const form = page.locator("form.settle");
    await form.getByLabel("Ghi chú (không bắt buộc)").fill("Thu tại quầy, phiếu 17");
    await shoot(page, "manager-fees-cash");
    await form.getByRole("button", { name: /^Xác nhận đã thu tiền mặt · A-01 5\.000\s₫$/ }).click();
    await expect.poll(() => rows.nth(0).textContent()).toContain("Đã nộp tiền mặt");
    expect(await rows.nth(0).textContent()).toContain("Thu tại quầy, phiếu 17");
    expect(await page.locator("#bills-status").textContent()).toMatch(/^A-01 · PHI A01 \d{4}: Đã lưu\.$/);
    // Closed: no more cash or waiver on it.
    expect(await rows.nth(0).getByRole("button", { name: "Thu tiền mặt" }).count()).toBe(0);

    await rows.nth(1).getByRole("button", { name: "Miễn" }).click();
    await form.getByLabel("Lý do miễn").fill("Quầy bị ngập sau mưa lớn");
    await form.getByRole("button", { name: /^Xác nhận miễn · A-02 5\.000\s₫$/ }).click();
    await expect.poll(() => rows.nth(1).textContent()).toContain("Được miễn");
    expect(await rows.nth(1).textContent()).toContain("Quầy bị ngập sau mưa lớn");
    expect(await page.locator("#bills").textContent()).not.toContain("Chưa nộp");
    await shoot(page, "manager-fees-settled");
    await page.close();

    // The API says the same, and the audit who did what.
    const bills = (await rig.h.call("GET", `/api/markets/dong-van/fees/bills?date=${tomorrow.iso}`)).body
      .items;
    expect(
      bills
        .map((b: { stallCode: string; status: string; outstanding: number }) => [
          b.stallCode,
          b.status,
          b.outstanding,
        ])
        .sort(),
    ).toEqual([
      ["A-01", "paid-cash", 0],
      ["A-02", "waived", 0],
    ]);
    const audit = (await rig.h.call("GET", "/api/audit?marketId=dong-van")).body.items as {
      action: string;
      actor: { role: string };
      entity: { id: string };
      after: Record<string, unknown>;
    }[];
    expect(
      audit.find((e) => e.action === "bill.paidCash" && e.entity.id === `${tomorrow.iso}_${rig.stallId}`),
    ).toMatchObject({
      actor: { role: "manager" },
      after: { status: "paid-cash", paidCash: 5_000, cashNote: "Thu tại quầy, phiếu 17" },
    });
    expect(
      audit.find((e) => e.action === "bill.waived" && e.entity.id === `${tomorrow.iso}_${a02}`),
    ).toMatchObject({
      actor: { role: "manager" },
      after: { status: "waived", waivedReason: "Quầy bị ngập sau mưa lớn" },
    });
  });

  it("the manager's dashboard and the liaison's evaluations show the fee shares beside uptake", async () => {
    const manager = await rig.signIn(rig.tokens.manager);
    const stats = manager.locator(".fee-stats");
    await stats.waitFor();
    expect(await stats.textContent()).toContain("Phí thu không dùng tiền mặt70 %");
    await shoot(manager, "manager-dashboard-fees");
    await manager.close();

    const evaluation = (await rig.h.call("GET", `/api/evaluations?period=${todayLocal.slice(0, 7)}`)).body
      .items[0];
    expect(evaluation.fees).toMatchObject({
      collected: 10_000,
      collectedCashless: 7_000,
      feesCashlessPct: 70,
    });
    const page = await rig.signIn(rig.tokens.liaison);
    const cell = (label: string) => page.locator(`td[data-label="${label}"]`).first();
    await cell("Phí thu không dùng tiền mặt").waitFor();
    expect(await cell("Phí thu không dùng tiền mặt").textContent()).toBe("70 %");
    const collected = new Intl.NumberFormat("vi-VN").format(evaluation.fees.feesCollectedPct);
    expect(await cell("Tỷ lệ phí đã thu").textContent()).toBe(`${collected} %`);
    await shoot(page, "liaison-fees");
    await page.close();
  });
});
