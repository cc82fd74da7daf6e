import { toSvg } from "@market40/core/vietqr/qrMatrix";
import { ApiError, blobUrl, get, post } from "../api";
import { day, esc, month, num, parseDay, pct, today, vnd } from "../format";
import { t } from "../i18n";
import type { Bill, Evaluation } from "../shapes";
import { clearFieldErrors, dateInput, download, section, showFieldErrors } from "../ui";

/**
 * Market fees on screen (docs/contract.md §20): the vendor's bills to pay and receipts, the manager's "Phí chợ"
 * screen (a session's bills, cash and waivers, a printable sheet, receipts), and the fee shares beside uptake.
 */

const STATUS: Record<Bill["status"], Parameters<typeof t>[0]> = {
  open: "billOpen",
  "partly-paid": "billPartlyPaid",
  paid: "billPaid",
  "paid-cash": "billPaidCash",
  waived: "billWaived",
};

/** A bill's period as people say it: a session's or day's date, or the month. */
const periodOf = (b: Bill) => (b.period === "month" ? month(b.periodKey) : day(b.periodKey));

/** What is left to pay on a bill. */
const owed = (b: Bill) => Math.max(0, b.amount - b.paid);

const receiptPath = (b: Bill) => `/api/markets/${b.marketId}/fees/bills/${b.id}/receipt.pdf`;

async function openReceipt(b: Bill) {
  download(
    await blobUrl(receiptPath(b)),
    `bien-lai-${b.reference.replace(/[^A-Za-z0-9]/g, "").toLowerCase()}.pdf`,
  );
}

/**
 * The bill's payment QR, when the API gives one (`GET …/bills/{id}/qr`, a VietQR payload to the board's account
 * with the bill's reference); otherwise the reference and amount to transfer by hand.
 */
async function billQr(box: HTMLElement, b: Bill) {
  box.hidden = false;
  const lines = `<p>${t("billAmount")}: <b>${esc(vnd(owed(b)))}</b><br>${t("feeTransferNote")}: <b class="reference">${esc(b.reference)}</b></p>`;
  box.innerHTML = `<p class="loading" role="status">${t("loading")}</p>`;
  try {
    const { payload } = await get<{ payload: string }>(`/api/markets/${b.marketId}/fees/bills/${b.id}/qr`);
    box.innerHTML = `<div class="sale-code" role="img" aria-label="${esc(`${t("feeQrScan")} ${vnd(owed(b))}`)}">${toSvg(payload, 280)}</div>${lines}`;
  } catch {
    box.innerHTML = `${lines}<p class="muted">${t("feeQrUnavailable")}</p>`;
  }
}

/**
 * The vendor's fees, on the speaker page: "Phí chợ: 20.000 ₫ — Nộp bằng QR" for each bill left to pay, and the
 * receipts of what was paid. Hidden for a stall that has never been billed.
 */
export async function vendorFees(el: HTMLElement, stallId: string): Promise<void> {
  let bills: Bill[] = [];
  await section(
    el,
    async () => {
      bills = (await get<{ items: Bill[] }>(`/api/stalls/${stallId}/bills`)).items;
      el.hidden = bills.length === 0;
      // Oldest first: the one to pay next on top.
      const toPay = bills.filter((b) => b.status === "open" || b.status === "partly-paid").reverse();
      const paid = bills.filter((b) => b.receipt);
      const owedList = toPay.length
        ? `<ul class="bills owed">${toPay
            .map(
              (b) =>
                `<li data-bill="${esc(b.id)}"><span>${t("fees")}: <b>${esc(vnd(owed(b)))}</b> — </span><button type="button" class="pay-fee">${t("payByQr")}</button> <span class="muted">${esc(periodOf(b))}</span><div class="bill-qr" hidden></div></li>`,
            )
            .join("")}</ul>`
        : `<p>${t("feesNoneOwed")}</p>`;
      const receipts = paid.length
        ? `<h3 id="fee-receipts">${t("feeReceipts")}</h3><ul class="bills receipts" aria-labelledby="fee-receipts">${paid
            .map(
              (b) =>
                `<li data-bill="${esc(b.id)}"><span>${esc(periodOf(b))} — <b>${esc(vnd(Math.min(b.paid, b.amount) || b.amount))}</b></span> <span class="badge bill-${esc(b.status)}">${t(STATUS[b.status])}</span> <button type="button" class="secondary receipt">${t("receipt")}</button></li>`,
            )
            .join("")}</ul>`
        : "";
      return `<h2>${t("fees")}</h2>${owedList}${receipts}`;
    },
    (root) => {
      const byId = new Map(bills.map((b) => [b.id, b]));
      for (const li of root.querySelectorAll<HTMLElement>("li[data-bill]:has(.pay-fee)"))
        li.querySelector(".pay-fee")!.addEventListener("click", () => {
          const box = li.querySelector<HTMLElement>(".bill-qr")!;
          if (!box.hidden) {
            box.hidden = true;
            return;
          }
          void billQr(box, byId.get(li.dataset.bill!)!);
        });
      wireReceipts(root, byId);
    },
  );
}

function wireReceipts(root: HTMLElement, byId: Map<string, Bill>) {
  for (const row of root.querySelectorAll<HTMLElement>("[data-bill]"))
    row.querySelector(".receipt")?.addEventListener("click", () => {
      void openReceipt(byId.get(row.dataset.bill!)!).catch((err) => {
        row
          .querySelector(".receipt")!
          .insertAdjacentHTML(
            "afterend",
            `<div class="error" role="alert">${esc((err as Error).message)}</div>`,
          );
      });
    });
}

/** The fee shares of the market's latest evaluation with fees, for the manager's dashboard ("" when none). */
export async function feeStats(marketId: string): Promise<string> {
  const { items } = await get<{ items: Evaluation[] }>(`/api/markets/${marketId}/evaluations`);
  const e = items.find((x) => x.fees);
  if (!e?.fees) return "";
  const when = /^\d{4}-\d{2}$/.test(e.periodKey)
    ? month(e.periodKey)
    : `${day(e.period.from)} → ${day(e.period.to)}`;
  return `<div class="stats card fee-stats" aria-label="${esc(`${t("fees")} ${when}`)}">
    <div class="stat">${t("feesCashless")}<b>${pct(e.fees.feesCashlessPct)}</b></div>
    <div class="stat">${t("feesCollected")}<b>${pct(e.fees.feesCollectedPct)}</b></div>
    <div class="stat">${t("fees")} · ${esc(when)}${e.provisional ? ` <span class="badge provisional">${t("provisional")}</span>` : ""}<b>${esc(vnd(e.fees.collected))} / ${esc(vnd(e.fees.billed - e.fees.waived))}</b></div>
  </div>`;
}

/**
 * The manager's "Phí chợ" screen: a session's (or day's) bills by stall, filtered by status; cash and waivers
 * recorded with a note or a reason (both audited by the API); receipts; and the sheet printed for the cashier's
 * round, with a column to sign.
 */
export async function feesView(app: HTMLElement, marketId: string): Promise<void> {
  app.innerHTML = `
    <h1 tabindex="-1">${t("fees")}</h1>
    <form id="bill-filter" class="row no-print">
      <div><label for="bill-date">${t("billDate")}</label>${dateInput("bill-date", "date", today())}</div>
      <div><label for="bill-status">${t("status")}</label><select id="bill-status" name="status"><option value="">${t("allStatuses")}</option>${(
        Object.keys(STATUS) as Bill["status"][]
      )
        .map((s) => `<option value="${s}">${t(STATUS[s])}</option>`)
        .join("")}</select></div>
      <div><button type="submit">${t("show")}</button></div>
    </form>
    <p class="buttons no-print"><button type="button" id="print-sheet" class="secondary">${t("printBillSheet")}</button></p>
    <p id="bills-status" class="no-print" role="status"></p>
    <section id="bills" class="card bill-sheet"></section>`;
  const form = app.querySelector<HTMLFormElement>("#bill-filter")!;
  const list = app.querySelector<HTMLElement>("#bills")!;
  const status = app.querySelector<HTMLElement>("#bills-status")!;
  let query = { date: today(), status: "" };
  let bills: Bill[] = [];
  const load = () =>
    section(
      list,
      async () => {
        // The cashier's sheet goes by stall code, as the stalls stand in the rows.
        bills = (
          await get<{ items: Bill[] }>(
            `/api/markets/${marketId}/fees/bills?date=${query.date}&limit=500${query.status ? `&status=${query.status}` : ""}`,
          )
        ).items.sort((a, b) => a.stallCode.localeCompare(b.stallCode, "vi", { numeric: true }));
        const total = bills.reduce((n, b) => n + b.amount, 0);
        const paid = bills.reduce((n, b) => n + Math.min(b.paid, b.amount), 0);
        const rows = bills
          .map(
            (b) => `<tr data-bill="${esc(b.id)}">
            <td data-label="${t("stall")}"><b>${esc(b.stallCode)}</b></td>
            <td data-label="${t("billReference")}">${esc(b.reference)}</td>
            <td data-label="${t("billAmount")}" class="num">${esc(vnd(b.amount))}</td>
            <td data-label="${t("billPaidSoFar")}" class="num">${esc(vnd(b.paid))}</td>
            <td data-label="${t("status")}"><span class="badge bill-${esc(b.status)}">${t(STATUS[b.status])}</span>${b.waivedReason ? ` <small>${esc(b.waivedReason)}</small>` : ""}${b.cashNote ? ` <small>${esc(b.cashNote)}</small>` : ""}</td>
            <td class="print-only signature"></td>
            <td class="actions no-print">${
              b.status === "open" || b.status === "partly-paid"
                ? `<button type="button" class="secondary cash">${t("markCash")}</button> <button type="button" class="secondary waive">${t("waive")}</button> `
                : ""
            }${b.receipt ? `<button type="button" class="secondary receipt">${t("receipt")}</button>` : ""}</td></tr>`,
          )
          .join("");
        return `<h2 class="print-only">${t("billSheetTitle")} — ${esc(day(query.date))}</h2>${
          bills.length
            ? `<div class="scroll" tabindex="0" role="region" aria-label="${t("fees")}"><table class="stack bills-table"><thead><tr><th scope="col">${t("stall")}</th><th scope="col">${t("billReference")}</th><th scope="col" class="num">${t("billAmount")}</th><th scope="col" class="num">${t("billPaidSoFar")}</th><th scope="col">${t("status")}</th><th scope="col" class="print-only">${t("signature")}</th><th scope="col" class="no-print"><span class="visually-hidden">${t("actions")}</span></th></tr></thead><tbody>${rows}</tbody></table></div><p class="bills-total"><b>${t("billsTotal")}</b>: ${num(bills.length)} · ${t("billAmount")} ${esc(vnd(total))} · ${t("billPaidSoFar")} ${esc(vnd(paid))}</p>`
            : `<p>${t("noBills")}</p>`
        }`;
      },
      (root) => {
        const byId = new Map(bills.map((b) => [b.id, b]));
        wireReceipts(root, byId);
        for (const row of root.querySelectorAll<HTMLElement>("tr[data-bill]")) {
          const bill = byId.get(row.dataset.bill!)!;
          row.querySelector(".cash")?.addEventListener("click", () => settleForm(row, bill, "cash"));
          row.querySelector(".waive")?.addEventListener("click", () => settleForm(row, bill, "waive"));
        }
      },
    );

  /** A row under the bill with the note (cash) or the reason (waiver) and the button that records it. */
  const settleForm = (row: HTMLElement, bill: Bill, kind: "cash" | "waive") => {
    row.nextElementSibling?.classList.contains("settle-row") && row.nextElementSibling.remove();
    // The API's own field names, so its errors land on the field.
    const field = kind === "cash" ? "cashNote" : "waivedReason";
    const label = t(kind === "cash" ? "cashNote" : "waiveReason");
    const id = `settle-${bill.id}`;
    row.insertAdjacentHTML(
      "afterend",
      `<tr class="settle-row no-print"><td colspan="7"><form class="row settle">
        <div><label for="${id}">${label}</label><input id="${id}" name="${field}" maxlength="500" autocomplete="off"${kind === "waive" ? ' required minlength="3"' : ""}></div>
        <div><button type="submit">${t(kind === "cash" ? "confirmCash" : "confirmWaive")} · <span class="reference-of">${esc(bill.stallCode)} ${esc(vnd(owed(bill)))}</span></button></div>
        <div class="form-status" role="status"></div></form></td></tr>`,
    );
    const settle = row.nextElementSibling!.querySelector<HTMLFormElement>("form")!;
    settle.querySelector("input")!.focus();
    settle.addEventListener("submit", async (e) => {
      e.preventDefault();
      status.textContent = "";
      clearFieldErrors(settle);
      const value = String(new FormData(settle).get(field) ?? "").trim();
      try {
        await post(
          `/api/markets/${marketId}/fees/bills/${bill.id}/${kind}`,
          kind === "cash" ? (value ? { cashNote: value } : {}) : { waivedReason: value },
        );
        await load();
        status.textContent = `${bill.stallCode} · ${bill.reference}: ${t("feeSaved")}`;
      } catch (err) {
        showFieldErrors(settle, err);
      }
    });
  };

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const typed = Object.fromEntries(new FormData(form)) as { date: string; status: string };
    const date = parseDay(typed.date);
    if (!date)
      return showFieldErrors(
        form,
        new ApiError(400, t("dateFormat"), [{ path: "date", message: t("dateFormat") }]),
      );
    clearFieldErrors(form);
    query = { date, status: typed.status };
    void load();
  });
  app.querySelector("#print-sheet")!.addEventListener("click", () => window.print());
  await load();
}
