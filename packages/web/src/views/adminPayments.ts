import type { ReconciliationReport } from "@market40/core/callback/reconcile";
import { STATEMENT_MAPPING_FIELDS } from "@market40/core/callback/statementFields";
import type { UnmatchedTransactionSchema } from "@market40/core/callback/transactions";
import type { Provider } from "@market40/core/callback/types";
import type { z } from "zod";
import { ApiError, get, post, uploadCsv } from "../api";
import { dateTime, esc, vnd } from "../format";
import { t } from "../i18n";
import type { Market } from "../shapes";
import { clearFieldErrors, section, showFieldErrors } from "../ui";
import { allStalls } from "./data";

type Unmatched = z.output<typeof UnmatchedTransactionSchema>;
const PROVIDERS: Provider[] = ["generic", "payos", "sepay", "casso"];

/** A provider as people call it: the brand, or for `generic` what it is. */
const providerLabel = (p: string) =>
  p === "generic"
    ? t("providerGeneric")
    : p === "payos"
      ? "payOS"
      : p === "sepay"
        ? "SePay"
        : p === "casso"
          ? "Casso"
          : p;

/** Payments no stall could claim (§10): the admin gives each to the right stall; the assignment is audited. */
export async function adminUnmatchedView(app: HTMLElement): Promise<void> {
  app.innerHTML = `<h1 tabindex="-1">${t("unmatched")}</h1><p class="muted">${t("unmatchedHelp")}</p>
    <section id="unmatched" class="card"></section>
    <form id="assign" class="card" novalidate hidden>
      <h2 tabindex="-1">${t("assignTitle")}</h2><p id="assign-what"></p>
      <div class="row"><div><label for="a-market">${t("market")}</label><select id="a-market" required></select></div>
      <div><label for="a-stall">${t("stall")}</label><select id="a-stall" name="stallId" required></select></div></div>
      <div><label for="a-reason">${t("assignReason")}</label><textarea id="a-reason" name="reason" maxlength="500" rows="2"></textarea></div>
      <div class="form-status" role="status"></div>
      <p><button type="submit">${t("assign")}</button> <button type="button" class="secondary" id="a-cancel">${t("cancel")}</button></p>
    </form>`;
  const list = app.querySelector<HTMLElement>("#unmatched")!;
  const form = app.querySelector<HTMLFormElement>("#assign")!;
  const market = form.querySelector<HTMLSelectElement>("#a-market")!;
  const stall = form.querySelector<HTMLSelectElement>("#a-stall")!;
  const markets = await get<{ items: Market[] }>("/api/markets?limit=500").catch(() => ({ items: [] }));
  const banks = (
    await get<{ items: { bin: string; shortName: string }[] }>("/api/banks").catch(() => ({ items: [] }))
  ).items;
  const bankName = (bin: string) => banks.find((b) => b.bin === bin)?.shortName ?? t("bank");
  market.innerHTML = markets.items
    .map((m) => `<option value="${esc(m.id)}">${esc(m.name)}</option>`)
    .join("");
  const loadStalls = async () => {
    const stalls = market.value ? await allStalls(market.value).catch(() => []) : [];
    stall.innerHTML = stalls
      .map(
        (s) =>
          `<option value="${esc(s.id)}">${esc(s.code)} — ${esc(s.vendorName)} (${esc(s.bank.accountNumber)})</option>`,
      )
      .join("");
  };
  market.addEventListener("change", () => void loadStalls());
  let items: Unmatched[] = [];
  let chosen: Unmatched | undefined;
  const load = () =>
    section(
      list,
      async () => {
        items = (await get<{ items: Unmatched[] }>("/api/callbacks/unmatched?limit=500")).items;
        return items.length
          ? `<div class="scroll" tabindex="0" role="region" aria-label="${t("unmatched")}"><table class="stack"><thead><tr><th scope="col">${t("time")}</th><th scope="col" class="num">${t("amount")}</th><th scope="col">${t("accountNumber")}</th><th scope="col">${t("reason")}</th><th scope="col">${t("content")}</th><th scope="col"><span class="visually-hidden">${t("actions")}</span></th></tr></thead><tbody>${items
              .map(
                (x, i) =>
                  `<tr><td data-label="${t("time")}">${esc(dateTime(x.paidAt))}<br><span class="muted">${esc(providerLabel(x.provider))} · ${esc(x.id)}</span></td><td class="num" data-label="${t("amount")}">${esc(vnd(x.amount))}</td><td data-label="${t("accountNumber")}">${esc(x.accountNumber)}${x.bin ? `<br><span class="muted">${esc(bankName(x.bin))}</span>` : ""}</td><td data-label="${t("reason")}">${t(x.reason === "ambiguous" ? "reasonAmbiguous" : "reasonNoAccount")}</td><td data-label="${t("content")}">${esc(x.description)}</td><td><button type="button" data-assign="${i}">${t("assign")}</button></td></tr>`,
              )
              .join("")}</tbody></table></div>`
          : `<p>${t("noUnmatched")}</p>`;
      },
      (el) => {
        for (const b of el.querySelectorAll<HTMLButtonElement>("[data-assign]"))
          b.addEventListener("click", async () => {
            chosen = items[Number(b.dataset.assign)];
            if (!chosen) return;
            form.hidden = false;
            clearFieldErrors(form);
            form.querySelector("#assign-what")!.textContent =
              `${vnd(chosen.amount)} · ${dateTime(chosen.paidAt)} · ${chosen.accountNumber}`;
            await loadStalls();
            form.querySelector<HTMLElement>("h2")!.focus();
          });
      },
    );
  form.querySelector("#a-cancel")!.addEventListener("click", () => {
    form.hidden = true;
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!chosen) return;
    const button = form.querySelector<HTMLButtonElement>("button[type=submit]")!;
    button.disabled = true;
    try {
      // Two providers may use the same id: the list's `provider:id` names exactly one.
      const id =
        items.filter((x) => x.id === chosen!.id).length > 1 ? `${chosen.provider}:${chosen.id}` : chosen.id;
      // The API asks for a reason only when the stall's account is not the one paid; it says so on the field.
      const reason = form.querySelector<HTMLTextAreaElement>("#a-reason")!.value.trim();
      await post(`/api/callbacks/unmatched/${encodeURIComponent(id)}/assign`, {
        stallId: stall.value,
        ...(reason ? { reason } : {}),
      });
      form.querySelector<HTMLTextAreaElement>("#a-reason")!.value = "";
      form.hidden = true;
      await load();
      list.insertAdjacentHTML("afterbegin", `<div class="ok" role="status">${t("assigned")}</div>`);
    } catch (err) {
      showFieldErrors(form, err);
    } finally {
      button.disabled = false;
    }
  });
  await load();
}

/** A provider's statement against what was stored: what we lack, what the statement lacks. */
export function adminReconciliationView(app: HTMLElement): void {
  app.innerHTML = `<h1 tabindex="-1">${t("reconciliation")}</h1>
    <form id="statement" class="card" novalidate>
      <p class="muted">${t("reconciliationHelp")}</p>
      <div class="row"><div><label for="r-provider">${t("providerName")}</label><select id="r-provider" name="provider">${PROVIDERS.map((p) => `<option value="${p}">${esc(providerLabel(p))}</option>`).join("")}</select></div>
      <div><label for="r-file">${t("statementFile")}</label><input id="r-file" type="file" name="file" accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required></div></div>
      <div><label for="r-bank">${t("statementBank")}</label><select id="r-bank" name="bank"><option value="">${t("statementBankNone")}</option></select></div>
      <label class="check"><input type="checkbox" name="ingest" value="true"> ${t("ingestMissing")}</label>
      <progress value="0" max="1" hidden></progress>
      <div class="form-status" role="status"></div>
      <p><button type="submit">${t("compare")}</button></p>
    </form>
    <section id="diff" aria-live="polite"></section>
    <form id="mapping" class="card" novalidate>
      <h2>${t("mappingTitle")}</h2>
      <p class="muted">${t("mappingHelp")}</p>
      <div class="row"><div><label for="m-bin">${t("bank")}</label><select id="m-bin" name="bin"></select></div>
      <div><label for="m-id">${t("mapId")}</label><input id="m-id" name="id" required></div>
      <div><label for="m-paidAt">${t("mapPaidAt")}</label><input id="m-paidAt" name="paidAt" required></div>
      <div><label for="m-dateFormat">${t("mapDateFormat")}</label><input id="m-dateFormat" name="dateFormat" value="dd/MM/yyyy HH:mm:ss"></div>
      <div><label for="m-amount">${t("mapAmount")}</label><input id="m-amount" name="amount" required></div>
      <div><label for="m-accountNumber">${t("mapAccount")}</label><input id="m-accountNumber" name="accountNumber"></div>
      <div><label for="m-fixedAccountNumber">${t("mapFixedAccount")}</label><input id="m-fixedAccountNumber" name="fixedAccountNumber" inputmode="numeric"></div>
      <div><label for="m-description">${t("mapDescription")}</label><input id="m-description" name="description"></div></div>
      <div class="form-status" role="status"></div>
      <p><button type="submit">${t("save")}</button></p>
    </form>`;
  const form = app.querySelector<HTMLFormElement>("#statement")!;
  const diff = app.querySelector<HTMLElement>("#diff")!;
  mappingForm(app);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const file = (form.elements.namedItem("file") as HTMLInputElement).files?.[0];
    const status = form.querySelector(".form-status")!;
    if (!file) {
      status.innerHTML = `<div class="error">${t("chooseFile")}</div>`;
      return;
    }
    const data = new FormData(form);
    const ingest = data.get("ingest") === "true";
    // Ingesting writes payments into stalls' books (once, audited): asked first; a comparison alone is not.
    if (ingest && !confirm(t("ingestConfirm"))) return;
    const bar = form.querySelector("progress")!;
    bar.hidden = false;
    try {
      const report = await uploadCsv<ReconciliationReport>(
        `/api/reconciliation/${data.get("provider")}?ingest=${ingest}${data.get("bank") ? `&bank=${data.get("bank")}` : ""}`,
        file,
        (f) => {
          bar.value = f;
        },
      );
      clearFieldErrors(form);
      diff.innerHTML = reportHtml(report);
      // After an ingest the file is done with: emptied, so a second tap sends nothing. A comparison keeps it, to
      // ingest next.
      if (ingest) {
        form.reset();
        form.querySelector<HTMLSelectElement>("#r-provider")!.value = String(data.get("provider"));
        form.querySelector<HTMLSelectElement>("#r-bank")!.value = String(data.get("bank") ?? "");
      }
    } catch (err) {
      showFieldErrors(form, err);
    } finally {
      bar.hidden = true;
    }
  });
}

/**
 * A bank's statement columns (docs/contract.md §18): banks by name in both selects, the remembered mapping filled in
 * when a bank is chosen, saved with PUT (the API audits it).
 */
async function mappingForm(app: HTMLElement): Promise<void> {
  const form = app.querySelector<HTMLFormElement>("#mapping")!;
  const bin = form.querySelector<HTMLSelectElement>("#m-bin")!;
  const status = form.querySelector(".form-status")!;
  const banks = (
    await get<{ items: { bin: string; shortName: string }[] }>("/api/banks").catch(() => ({ items: [] }))
  ).items;
  const options = banks.map((b) => `<option value="${esc(b.bin)}">${esc(b.shortName)}</option>`).join("");
  bin.innerHTML = options;
  app.querySelector("#r-bank")!.insertAdjacentHTML("beforeend", options);
  const input = (name: string) => form.querySelector<HTMLInputElement>(`[name=${name}]`)!;
  // Typing waits while a bank's mapping loads, and only the last bank chosen fills the form: what someone typed is
  // never overwritten by an answer that arrives after it.
  let asked = 0;
  const fill = async () => {
    const mine = ++asked;
    status.innerHTML = "";
    clearFieldErrors(form);
    form.setAttribute("aria-busy", "true");
    for (const f of STATEMENT_MAPPING_FIELDS) input(f).readOnly = true;
    try {
      let mapping: Record<string, string | undefined> = {};
      try {
        mapping = await get<Record<string, string>>(`/api/reconciliation/mappings/${bin.value}`);
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 404)) throw err;
      }
      if (mine !== asked) return;
      for (const f of STATEMENT_MAPPING_FIELDS)
        input(f).value = mapping[f] ?? (f === "dateFormat" ? "dd/MM/yyyy HH:mm:ss" : "");
    } finally {
      if (mine === asked) {
        form.removeAttribute("aria-busy");
        for (const f of STATEMENT_MAPPING_FIELDS) input(f).readOnly = false;
      }
    }
  };
  bin.addEventListener("change", () => void fill().catch((err) => showFieldErrors(form, err)));
  if (bin.value) await fill().catch((err) => showFieldErrors(form, err));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = Object.fromEntries(
      STATEMENT_MAPPING_FIELDS.map((f) => [f, input(f).value.trim()]).filter(([, v]) => v !== ""),
    );
    const button = form.querySelector<HTMLButtonElement>("button[type=submit]")!;
    button.disabled = true;
    try {
      await post(`/api/reconciliation/mappings/${bin.value}`, body, "PUT");
      clearFieldErrors(form);
      status.innerHTML = `<div class="ok">${t("saved")}</div>`;
    } catch (err) {
      showFieldErrors(form, err);
    } finally {
      button.disabled = false;
    }
  });
}

/** `2026-11-27` → `27/11/2026`. */
const localDate = (date: string) => date.split("-").reverse().join("/");

function reportHtml(r: ReconciliationReport): string {
  const table = (label: string, head: string[], rows: string[][]) =>
    rows.length
      ? `<div class="scroll" tabindex="0" role="region" aria-label="${esc(label)}"><table class="stack"><thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join("")}</tr></thead><tbody>${rows.map((row) => `<tr>${row.map((c, i) => `<td data-label="${esc(head[i])}">${c}</td>`).join("")}</tr>`).join("")}</tbody></table></div>`
      : `<p>${t("none")}</p>`;
  return `<div class="card"><h2>${t("reconciliationResult")}</h2>
    <div class="stats"><div class="stat">${t("statementRows")}<b>${r.rows}</b></div><div class="stat">${t("matched")}<b>${r.matched}</b></div>
    <div class="stat">${t("missingHere")}<b>${r.missing.length}</b></div><div class="stat">${t("extraHere")}<b>${r.extra.length}</b></div>
    <div class="stat">${t("ingested")}<b>${r.ingested}</b></div></div>
    ${r.from ? `<p class="muted">${t("statementDays")}: ${esc(localDate(r.from))} → ${esc(localDate(r.to ?? r.from))}</p>` : ""}
    <h3>${t("missingHere")}</h3>${table(
      t("missingHere"),
      [t("line"), "ID", t("time"), t("accountNumber"), t("amount")],
      r.missing.map((m) => [
        String(m.line),
        esc(m.id),
        esc(dateTime(m.paidAt)),
        esc(m.accountNumber),
        esc(vnd(m.amount)),
      ]),
    )}
    <h3>${t("extraHere")}</h3>${table(
      t("extraHere"),
      ["ID", t("time"), t("stall"), t("amount")],
      r.extra.map((x) => [esc(x.id), esc(dateTime(x.paidAt)), esc(x.stallCode ?? "—"), esc(vnd(x.amount))]),
    )}
    ${r.errors.length ? `<h3>${t("statementErrors")}</h3><ul class="error">${r.errors.map((x) => `<li>${t("line")} ${x.line}: ${esc(x.message)}</li>`).join("")}</ul>` : ""}</div>`;
}
