import { blobUrl, get, post, uploadCsv } from "../api";
import { esc } from "../format";
import { t } from "../i18n";
import type { Stall } from "../shapes";
import { clearFieldErrors, download, formValues, section, showFieldErrors } from "../ui";
import { allStalls, payingStalls } from "./data";

export async function stallsView(app: HTMLElement, marketId: string): Promise<void> {
  app.innerHTML = `
    <h1>${t("stalls")}</h1>
    <div class="row no-print"><input id="q" type="search" placeholder="${t("search")}" aria-label="${t("search")}"><button type="button" id="print-all" class="secondary">${t("printAll")}</button></div>
    <section id="list" class="card"></section>
    <div class="grid">
      <form id="add" class="card" novalidate>
        <h2>${t("addStall")}</h2>
        <div class="row"><div><label for="code">${t("code")}</label><input id="code" name="code" required></div>
        <div><label for="vendorName">${t("vendor")}</label><input id="vendorName" name="vendorName" required></div></div>
        <div class="row"><div><label for="phone">${t("phone")}</label><input id="phone" name="phone" inputmode="tel"></div>
        <div><label for="category">${t("category")}</label><input id="category" name="category"></div></div>
        <label for="bin">${t("bank")}</label><select id="bin" name="bank.bin" required></select>
        <div class="row"><div><label for="acct">${t("accountNumber")}</label><input id="acct" name="bank.accountNumber" inputmode="numeric" required></div>
        <div><label for="holder">${t("accountName")}</label><input id="holder" name="bank.accountName" required></div></div>
        <div class="form-status"></div>
        <p><button type="submit">${t("save")}</button></p>
      </form>
      <form id="import" class="card">
        <h2>${t("importCsv")}</h2>
        <p class="muted">${t("importHelp")}</p>
        <input type="file" name="file" accept=".csv,text/csv" required aria-label="${t("importCsv")}">
        <progress value="0" max="1" hidden></progress>
        <div class="form-status"></div>
        <p><button type="submit">${t("upload")}</button></p>
      </form>
    </div>`;

  const list = app.querySelector<HTMLElement>("#list")!;
  let stalls: Stall[] = [];
  let paying = new Set<string>();
  const render = () => {
    const q = app.querySelector<HTMLInputElement>("#q")!.value.trim().toLowerCase();
    const shown = stalls.filter(
      (s) => !q || s.code.toLowerCase().includes(q) || s.vendorName.toLowerCase().includes(q),
    );
    list.innerHTML = `<div class="scroll"><table><thead><tr><th>${t("code")}</th><th>${t("vendor")}</th><th>${t("bank")}</th><th>${t("status")}</th><th>${t("hasQr")}</th><th>${t("transacted")}</th></tr></thead><tbody>${shown
      .map(
        (s) =>
          `<tr data-stall="${esc(s.id)}"><td>${esc(s.code)}</td><td>${esc(s.vendorName)}</td><td>${esc(s.bank.bankName)} ${esc(s.bank.accountNumber)}</td><td>${t(s.status)}</td><td>${s.qrIssuedAt ? t("yes") : t("no")}</td><td>${paying.has(s.id) ? t("yes") : t("no")}</td></tr>`,
      )
      .join("")}</tbody></table></div><p class="muted">${shown.length} / ${stalls.length}</p>`;
  };
  const load = () =>
    section(
      list,
      async () => {
        [stalls, paying] = await Promise.all([allStalls(marketId), payingStalls(marketId)]);
        return "";
      },
      render,
    );
  app.querySelector("#q")!.addEventListener("input", render);
  app.querySelector("#print-all")!.addEventListener("click", async (e) => {
    const b = e.currentTarget as HTMLButtonElement;
    b.disabled = true;
    try {
      // Large markets come in parts of at most 200 stalls (docs/contract.md §12): one file per part.
      const { parts } = await get<{ parts: { url: string; from: string; to: string }[] }>(
        `/api/markets/${marketId}/posters`,
      );
      if (parts.length <= 1)
        download(await blobUrl(`/api/markets/${marketId}/posters.pdf`), `posters-${marketId}.pdf`);
      else
        for (const part of parts)
          download(await blobUrl(part.url), `posters-${marketId}-${part.from}-${part.to}.pdf`);
    } finally {
      b.disabled = false;
    }
  });

  const banks = await get<{ items: { bin: string; shortName: string }[] }>("/api/banks").catch(() => ({
    items: [],
  }));
  app.querySelector("#bin")!.innerHTML = banks.items
    .map((b) => `<option value="${esc(b.bin)}">${esc(b.shortName)}</option>`)
    .join("");

  const add = app.querySelector<HTMLFormElement>("#add")!;
  add.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await post(`/api/markets/${marketId}/stalls`, formValues(add));
      clearFieldErrors(add);
      add.reset();
      add.querySelector(".form-status")!.innerHTML = `<div class="ok" role="status">${t("saved")}</div>`;
      await load();
    } catch (err) {
      showFieldErrors(add, err);
    }
  });

  const imp = app.querySelector<HTMLFormElement>("#import")!;
  imp.addEventListener("submit", async (e) => {
    e.preventDefault();
    const file = (imp.elements.namedItem("file") as HTMLInputElement).files?.[0];
    if (!file) return;
    const bar = imp.querySelector("progress")!;
    const status = imp.querySelector(".form-status")!;
    bar.hidden = false;
    bar.removeAttribute("value");
    try {
      const r = await uploadCsv<{
        created: number;
        skipped: number;
        errors: { line: number; message: string }[];
      }>(`/api/markets/${marketId}/stalls/import`, file, (f) => {
        bar.value = f;
      });
      status.innerHTML = `<div class="ok" role="status">${t("created")}: <b>${r.created}</b> · ${t("skipped")}: ${r.skipped}</div>${
        r.errors.length
          ? `<div class="error" role="alert"><ul>${r.errors.map((x) => `<li>${t("line")} ${x.line}: ${esc(x.message)}</li>`).join("")}</ul></div>`
          : ""
      }`;
      await load();
    } catch (err) {
      status.innerHTML = `<div class="error" role="alert">${esc((err as Error).message)}</div>`;
    } finally {
      bar.hidden = true;
    }
  });
  await load();
}
