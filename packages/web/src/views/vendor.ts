import { blobUrl, get } from "../api";
import { addDays, dateTime, esc, today, vnd } from "../format";
import { t } from "../i18n";
import type { Stall, Transaction } from "../shapes";
import { download, section } from "../ui";

type Txn = Pick<Transaction, "id" | "amount" | "paidAt" | "description">;

/** The vendor's page: their stall, the code big enough to scan from the screen, the poster, payments as they come. */
export async function vendorView(app: HTMLElement, stallId: string): Promise<() => void> {
  app.innerHTML = `<div class="grid"><section id="stall" class="card"></section><section id="payments" class="card"></section></div>`;
  await section(
    app.querySelector("#stall")!,
    async () => {
      const s = await get<Stall>(`/api/stalls/${stallId}`);
      const qr = await blobUrl(`/api/stalls/${stallId}/qr.png?size=512`);
      return `
      <h1>${t("stall")} ${esc(s.code)} — ${esc(s.vendorName)}</h1>
      <img class="qr" src="${qr}" alt="${t("scanToPay")}" width="360" height="360">
      <p class="scan-label">${t("scanToPay")}</p>
      <p>${t("bank")}: <b>${esc(s.bank.bankName)}</b><br>${t("accountName")}: <b>${esc(s.bank.accountName)}</b><br>${t("accountNumber")}: <b>${esc(s.bank.accountNumber)}</b></p>
      <button type="button" id="poster">${t("printPoster")}</button>`;
    },
    (el) => {
      el.querySelector("#poster")?.addEventListener("click", async () =>
        download(await blobUrl(`/api/stalls/${stallId}/poster.pdf`), "poster.pdf"),
      );
    },
  );
  const payments = app.querySelector<HTMLElement>("#payments")!;
  const load = () =>
    section(payments, async () => {
      const { items } = await get<{ items: Txn[] }>(
        `/api/stalls/${stallId}/transactions?from=${addDays(today(), -6)}&to=${today()}&limit=100`,
      );
      const rows = [...items]
        .reverse()
        .map(
          (x) =>
            `<tr><td>${esc(dateTime(x.paidAt))}</td><td class="num">${esc(vnd(x.amount))}</td><td>${esc(x.description)}</td></tr>`,
        );
      return `<h2>${t("recentPayments")}</h2>${rows.length ? `<div class="scroll"><table><thead><tr><th>${t("time")}</th><th class="num">${t("amount")}</th><th>${t("content")}</th></tr></thead><tbody>${rows.join("")}</tbody></table></div>` : `<p>${t("noPayments")}</p>`}`;
    });
  await load();
  // New payments appear without a reload; cheap on a weak network (one small request every 20 s).
  const timer = setInterval(() => void load(), 20_000);
  return () => clearInterval(timer);
}
