import { toSvg } from "@market40/core/vietqr/qrMatrix";
import { ApiError, blobUrl, del, get, post, uploadCsv } from "../api";
import { dateTime, esc } from "../format";
import { t } from "../i18n";
import type { Stall } from "../shapes";
import { clearFieldErrors, download, formValues, section, showFieldErrors } from "../ui";
import { allStalls, payingStalls } from "./data";

/** Text for accent-blind search: "Hùng" and "hung" match, "đ" matches "d", spaces and dots in numbers ignored. */
export function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase();
}

const digits = (text: string) => text.replace(/[\s.+-]/g, "");

function matches(s: Stall, q: string): boolean {
  if (!q) return true;
  const f = fold(q.trim());
  const d = digits(q);
  return (
    fold(s.vendorName).includes(f) ||
    fold(s.code).includes(f) ||
    (d.length >= 3 &&
      /^\d+$/.test(d) &&
      (digits(s.phone ?? "").includes(d) || s.bank.accountNumber.includes(d)))
  );
}

/** A failed download says why, offline included, instead of failing silently. */
function downloadError(err: unknown): string {
  return err instanceof ApiError && err.status === 0 ? t("offlineDownload") : (err as Error).message;
}

interface AuditEntry {
  at: string;
  action: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

/**
 * A changed value as the manager reads it: a bank by its name (never its BIN), a status in words, a date as
 * dd/MM/yyyy HH:mm; nothing of the API's own codes.
 */
function change(field: string, value: unknown, bankName: (bin: string) => string): string {
  if (value === null || value === undefined) return field === "qrIssuedAt" ? t("no") : "—";
  if (typeof value === "object") {
    const bank = value as { bin?: string; bankName?: string; accountNumber?: string; accountName?: string };
    if ("accountNumber" in bank)
      return [bank.bankName ?? bankName(bank.bin ?? ""), bank.accountNumber, bank.accountName]
        .filter(Boolean)
        .join(" · ");
    return "—";
  }
  if (field === "status" && (value === "active" || value === "suspended")) return t(value);
  if (field === "qrIssuedAt" && typeof value === "string") return dateTime(value);
  return String(value);
}

/** A changed field as the manager calls it. */
function fieldName(field: string): string {
  const names: Record<string, Parameters<typeof t>[0]> = {
    code: "code",
    vendorName: "vendor",
    phone: "phone",
    category: "category",
    bank: "bank",
    status: "status",
    qrIssuedAt: "hasQr",
  };
  return names[field] ? t(names[field]) : field;
}

export async function stallsView(app: HTMLElement, marketId: string): Promise<void> {
  app.innerHTML = `
    <h1>${t("stalls")}</h1>
    <div class="row no-print toolbar">
      <input id="q" type="search" placeholder="${t("search")}" aria-label="${t("search")}">
      <button type="button" id="print-all" class="secondary">${t("printAll")}</button>
      <button type="button" id="print-cards" class="secondary">${t("printCards")}</button>
      <button type="button" id="hand-over" class="secondary" disabled>${t("handOverSelected")}</button>
    </div>
    <div id="toolbar-status" class="form-status" aria-live="polite"></div>
    <section id="list" class="card"></section>
    <dialog id="stall-dialog" aria-labelledby="stall-dialog-title"></dialog>
    <dialog id="confirm-dialog" aria-labelledby="confirm-title"></dialog>
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
        <p class="muted">${t("importHelp2")}</p>
        <p class="buttons"><button type="button" id="template" class="secondary">${t("downloadTemplate")}</button> <button type="button" id="template-csv" class="secondary">${t("downloadTemplateCsv")}</button></p>
        <input type="file" name="file" accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required aria-label="${t("importCsv")}">
        <progress value="0" max="1" hidden></progress>
        <div class="form-status"></div>
        <p><button type="submit">${t("upload")}</button></p>
      </form>
    </div>`;

  const list = app.querySelector<HTMLElement>("#list")!;
  const toolbarStatus = app.querySelector<HTMLElement>("#toolbar-status")!;
  const handOverButton = app.querySelector<HTMLButtonElement>("#hand-over")!;
  let stalls: Stall[] = [];
  let paying = new Set<string>();
  const selected = new Set<string>();
  let banks: { bin: string; shortName: string }[] = [];
  const bankOptions = (chosen?: string) =>
    banks
      .map(
        (b) =>
          `<option value="${esc(b.bin)}"${b.bin === chosen ? " selected" : ""}>${esc(b.shortName)}</option>`,
      )
      .join("");
  const say = (html: string) => {
    toolbarStatus.innerHTML = html;
  };

  const render = () => {
    const q = app.querySelector<HTMLInputElement>("#q")!.value;
    const shown = stalls.filter((s) => matches(s, q));
    list.innerHTML = `<div class="scroll" tabindex="0" role="region" aria-label="${t("stalls")}"><table class="stall-table"><thead><tr><th><span class="sr-only">${t("select")}</span></th><th>${t("code")}</th><th>${t("vendor")}</th><th>${t("phone")}</th><th>${t("bank")}</th><th>${t("status")}</th><th>${t("hasQr")}</th><th>${t("transacted")}</th><th>${t("actions")}</th></tr></thead><tbody>${shown
      .map(
        (s) =>
          `<tr data-stall="${esc(s.id)}"><td class="pick-cell"><input type="checkbox" class="pick" aria-label="${t("select")} ${esc(s.code)}"${selected.has(s.id) ? " checked" : ""}></td><td data-label="${t("code")}"><b>${esc(s.code)}</b></td><td data-label="${t("vendor")}">${esc(s.vendorName)}</td><td data-label="${t("phone")}">${s.phone ? `<a href="tel:${esc(s.phone.replace(/[^\d+]/g, ""))}" aria-label="${esc(s.phone)} — ${t("call")} ${esc(s.vendorName)}">${esc(s.phone)}</a>` : "—"}</td><td data-label="${t("bank")}">${esc(s.bank.bankName)} ${esc(s.bank.accountNumber)}</td><td data-label="${t("status")}">${t(s.status)}</td><td data-label="${t("hasQr")}">${s.qrIssuedAt ? t("yes") : t("no")}</td><td data-label="${t("transacted")}">${paying.has(s.id) ? t("yes") : t("no")}</td><td><button type="button" class="secondary open-stall">${t("edit")}</button></td></tr>`,
      )
      .join(
        "",
      )}</tbody></table></div><p class="muted">${shown.length ? "" : `${t("noStalls")} `}${shown.length} / ${stalls.length}</p>`;
    for (const row of list.querySelectorAll<HTMLTableRowElement>("tr[data-stall]")) {
      const stall = stalls.find((s) => s.id === row.dataset.stall)!;
      row.querySelector(".open-stall")!.addEventListener("click", () => void openStall(stall));
      row.querySelector<HTMLInputElement>(".pick")!.addEventListener("change", (e) => {
        if ((e.target as HTMLInputElement).checked) selected.add(stall.id);
        else selected.delete(stall.id);
        handOverButton.disabled = selected.size === 0;
      });
    }
    handOverButton.disabled = selected.size === 0;
  };
  const load = () =>
    section(
      list,
      async () => {
        [stalls, paying] = await Promise.all([allStalls(marketId, true), payingStalls(marketId)]);
        return "";
      },
      render,
    );

  const bankName = (bin: string) => banks.find((b) => b.bin === bin)?.shortName ?? t("bank");

  /** Asks before a destructive action (suspending a stall); resolves true when confirmed. */
  const confirmAction = (title: string, help: string, yes: string) =>
    new Promise<boolean>((resolve) => {
      const dlg = app.querySelector<HTMLDialogElement>("#confirm-dialog")!;
      dlg.innerHTML = `<h2 id="confirm-title">${esc(title)}</h2><p>${esc(help)}</p>
        <p class="row"><button type="button" id="confirm-yes">${esc(yes)}</button><button type="button" id="confirm-no" class="secondary">${t("cancel")}</button></p>`;
      const done = (ok: boolean) => {
        dlg.close();
        resolve(ok);
      };
      dlg.querySelector("#confirm-yes")!.addEventListener("click", () => done(true));
      dlg.querySelector("#confirm-no")!.addEventListener("click", () => done(false));
      dlg.addEventListener("cancel", () => resolve(false), { once: true });
      dlg.showModal();
      dlg.querySelector<HTMLButtonElement>("#confirm-no")!.focus();
    });

  /** Asks before a bank change, showing old → new; resolves true when confirmed. */
  const confirmBank = (
    before: Stall["bank"],
    after: { bin: string; accountNumber: string; accountName: string },
  ) =>
    new Promise<boolean>((resolve) => {
      const dlg = app.querySelector<HTMLDialogElement>("#confirm-dialog")!;
      const newBank = banks.find((b) => b.bin === after.bin)?.shortName ?? after.bin;
      dlg.innerHTML = `<h2 id="confirm-title">${t("confirmBankTitle")}</h2><p>${t("confirmBankHelp")}</p>
        <dl class="change"><dt>${t("before")}</dt><dd>${esc(before.bankName)} · ${esc(before.accountNumber)} · ${esc(before.accountName)}</dd>
        <dt>${t("after")}</dt><dd><b>${esc(newBank)} · ${esc(after.accountNumber)} · ${esc(after.accountName)}</b></dd></dl>
        <p class="row"><button type="button" id="confirm-yes">${t("confirm")}</button><button type="button" id="confirm-no" class="secondary">${t("cancel")}</button></p>`;
      const done = (ok: boolean) => {
        dlg.close();
        resolve(ok);
      };
      dlg.querySelector("#confirm-yes")!.addEventListener("click", () => done(true));
      dlg.querySelector("#confirm-no")!.addEventListener("click", () => done(false));
      dlg.addEventListener("cancel", () => resolve(false), { once: true });
      dlg.showModal();
      dlg.querySelector<HTMLButtonElement>("#confirm-no")!.focus();
    });

  /** One stall: edit, suspend or reactivate, invite its vendor, hand over its QR, its keys and its history. */
  const openStall = async (stall: Stall) => {
    const dlg = app.querySelector<HTMLDialogElement>("#stall-dialog")!;
    dlg.innerHTML = `<div class="dialog-head"><h2 id="stall-dialog-title">${t("stall")} ${esc(stall.code)}</h2><button type="button" class="secondary" id="dlg-close">${t("close")}</button></div>
      <form id="edit" novalidate>
        <div class="row"><div><label for="e-code">${t("code")}</label><input id="e-code" name="code" value="${esc(stall.code)}" required></div>
        <div><label for="e-vendor">${t("vendor")}</label><input id="e-vendor" name="vendorName" value="${esc(stall.vendorName)}" required></div></div>
        <div class="row"><div><label for="e-phone">${t("phone")}</label><input id="e-phone" name="phone" inputmode="tel" value="${esc(stall.phone ?? "")}"></div>
        <div><label for="e-category">${t("category")}</label><input id="e-category" name="category" value="${esc(stall.category ?? "")}"></div></div>
        <label for="e-bin">${t("bank")}</label><select id="e-bin" name="bank.bin">${bankOptions(stall.bank.bin)}</select>
        <div class="row"><div><label for="e-acct">${t("accountNumber")}</label><input id="e-acct" name="bank.accountNumber" inputmode="numeric" value="${esc(stall.bank.accountNumber)}" required></div>
        <div><label for="e-holder">${t("accountName")}</label><input id="e-holder" name="bank.accountName" value="${esc(stall.bank.accountName)}" required></div></div>
        <div class="form-status"></div>
        <p class="row"><button type="submit">${t("save")}</button>
        <button type="button" class="secondary" id="toggle-status">${stall.status === "active" ? t("suspend") : t("reactivate")}</button></p>
      </form>
      <p class="row"><button type="button" id="invite" class="secondary"${stall.status === "active" ? "" : " disabled"}>${t("invite")}</button>
      <button type="button" id="mark-handed" class="secondary"${stall.qrIssuedAt || stall.status !== "active" ? " disabled" : ""}>${t("handOver")}</button></p>
      <div id="dlg-status" class="form-status" aria-live="polite"></div>
      <div id="invite-panel"></div>
      <h3>${t("vendorKeys")}</h3><div id="keys"></div>
      <h3>${t("history")}</h3><div id="history"></div>`;
    const status = dlg.querySelector<HTMLElement>("#dlg-status")!;
    const form = dlg.querySelector<HTMLFormElement>("#edit")!;
    const refreshDialog = async (next: Stall) => {
      stalls = stalls.map((s) => (s.id === next.id ? next : s));
      render();
      await openStall(next);
    };
    dlg.querySelector("#dlg-close")!.addEventListener("click", () => dlg.close());

    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const v = formValues(form) as {
        bank: { bin: string; accountNumber: string; accountName: string };
      } & Record<string, unknown>;
      const patch = { ...v, phone: v.phone ?? null, category: v.category ?? null };
      const bankChanged =
        v.bank.bin !== stall.bank.bin ||
        v.bank.accountNumber !== stall.bank.accountNumber ||
        v.bank.accountName !== stall.bank.accountName;
      if (bankChanged && !(await confirmBank(stall.bank, v.bank))) return;
      const button = form.querySelector<HTMLButtonElement>("button[type=submit]")!;
      button.disabled = true;
      try {
        const next = await post<Stall>(`/api/stalls/${stall.id}`, patch, "PATCH");
        clearFieldErrors(form);
        await refreshDialog(next);
        dlg.querySelector("#dlg-status")!.innerHTML = `<div class="ok" role="status">${t("saved2")}</div>`;
      } catch (err) {
        showFieldErrors(form, err);
      } finally {
        button.disabled = false;
      }
    });
    dlg.querySelector("#toggle-status")!.addEventListener("click", async (e) => {
      const button = e.currentTarget as HTMLButtonElement;
      // Suspending stops the stall's payment code: asked first. Reactivating needs no confirmation.
      if (
        stall.status === "active" &&
        !(await confirmAction(
          `${t("suspend")}: ${stall.code} — ${stall.vendorName}`,
          t("suspendConfirmHelp"),
          t("suspend"),
        ))
      )
        return;
      button.disabled = true;
      try {
        const next = await post<Stall>(
          `/api/stalls/${stall.id}`,
          { status: stall.status === "active" ? "suspended" : "active" },
          "PATCH",
        );
        await refreshDialog(next);
      } catch (err) {
        status.innerHTML = `<div class="error" role="alert">${esc(downloadError(err))}</div>`;
      }
    });
    // The invitation on screen (issue 26): the vendor scans it from the manager's phone, or gets the link over
    // Zalo (Web Share), or the manager prints the card — no printer needed to onboard.
    dlg.querySelector("#invite")!.addEventListener("click", async (e) => {
      const b = e.currentTarget as HTMLButtonElement;
      b.disabled = true;
      try {
        const inv = await post<{ code: string; shortCode: string; url: string; expiresAt: string }>(
          `/api/stalls/${stall.id}/invitations`,
          {},
        );
        showInvitation(dlg.querySelector<HTMLElement>("#invite-panel")!, stall, inv);
        status.innerHTML = "";
      } catch (err) {
        status.innerHTML = `<div class="error" role="alert">${esc(downloadError(err))}</div>`;
      } finally {
        b.disabled = false;
      }
    });
    dlg.querySelector("#mark-handed")!.addEventListener("click", async (e) => {
      (e.currentTarget as HTMLButtonElement).disabled = true;
      try {
        await refreshDialog(await post<Stall>(`/api/stalls/${stall.id}/handover`, {}));
      } catch (err) {
        status.innerHTML = `<div class="error" role="alert">${esc(downloadError(err))}</div>`;
      }
    });

    const keysEl = dlg.querySelector<HTMLElement>("#keys")!;
    const showKeys = () =>
      section(
        keysEl,
        async () => {
          const { items } = await get<{
            items: { id: string; label?: string; createdAt: string; revokedAt?: string }[];
          }>(`/api/stalls/${stall.id}/keys`);
          if (!items.length) return `<p class="muted">${t("noKeys")}</p>`;
          return `<ul class="plain">${items
            .map(
              (k) =>
                `<li data-key="${esc(k.id)}">${esc(k.label ?? k.id)} · ${esc(dateTime(k.createdAt))} ${k.revokedAt ? `· <span class="muted">${t("revoked")}</span>` : `<button type="button" class="secondary revoke">${t("revoke")}</button>`}</li>`,
            )
            .join("")}</ul>`;
        },
        (el) => {
          for (const li of el.querySelectorAll<HTMLElement>("li[data-key]"))
            li.querySelector(".revoke")?.addEventListener("click", async () => {
              await del(`/api/stalls/${stall.id}/keys/${li.dataset.key}`).catch(() => undefined);
              await showKeys();
            });
        },
      );
    const historyEl = dlg.querySelector<HTMLElement>("#history")!;
    const showHistory = () =>
      section(historyEl, async () => {
        const { items } = await get<{ items: AuditEntry[] }>(`/api/stalls/${stall.id}/audit`);
        return `<ul class="plain history">${items
          .map((a) => {
            const fields = Object.keys(a.after ?? {});
            const label =
              a.action === "stall.created"
                ? t("action_stall_created")
                : a.action === "stall.changed"
                  ? t("action_stall_changed")
                  : t("action_other");
            return `<li><b>${esc(dateTime(a.at))}</b> ${esc(label)}${fields
              .map(
                (f) =>
                  `<div class="change-line">${esc(fieldName(f))}: ${a.before ? `${esc(change(f, a.before[f], bankName))} → ` : ""}${esc(change(f, a.after?.[f], bankName))}</div>`,
              )
              .join("")}</li>`;
          })
          .join("")}</ul>`;
      });
    if (!dlg.open) dlg.showModal();
    await Promise.all([showKeys(), showHistory()]);
  };

  app.querySelector("#q")!.addEventListener("input", render);
  app.querySelector("#print-all")!.addEventListener("click", async (e) => {
    const b = e.currentTarget as HTMLButtonElement;
    b.disabled = true;
    say("");
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
    } catch (err) {
      say(`<div class="error" role="alert">${esc(downloadError(err))}</div>`);
    } finally {
      b.disabled = false;
    }
  });
  app.querySelector("#print-cards")!.addEventListener("click", async (e) => {
    const b = e.currentTarget as HTMLButtonElement;
    b.disabled = true;
    say("");
    try {
      const { parts } = await get<{ parts: unknown[] }>(`/api/markets/${marketId}/posters`);
      for (let part = 1; part <= Math.max(parts.length, 1); part++)
        download(
          await blobUrl(`/api/markets/${marketId}/invitations/cards.pdf?part=${part}`, "POST"),
          `the-dang-nhap-${marketId}-${part}.pdf`,
        );
      say(`<div class="ok" role="status">${t("cardReady")}</div>`);
    } catch (err) {
      say(`<div class="error" role="alert">${esc(downloadError(err))}</div>`);
    } finally {
      b.disabled = false;
    }
  });
  handOverButton.addEventListener("click", async () => {
    handOverButton.disabled = true;
    try {
      const r = await post<{ handedOver: number }>(`/api/markets/${marketId}/stalls/handover`, {
        stallIds: [...selected],
      });
      selected.clear();
      say(`<div class="ok" role="status">${t("handedOverCount")}: <b>${r.handedOver}</b></div>`);
      await load();
    } catch (err) {
      say(`<div class="error" role="alert">${esc(downloadError(err))}</div>`);
      handOverButton.disabled = false;
    }
  });
  for (const ext of ["xlsx", "csv"]) {
    app.querySelector(ext === "xlsx" ? "#template" : "#template-csv")!.addEventListener("click", async () => {
      const status = app.querySelector("#import .form-status")!;
      try {
        download(
          await blobUrl(`/api/markets/${marketId}/stalls/import/template.${ext}`),
          `mau-nhap-quay.${ext}`,
        );
      } catch (err) {
        status.innerHTML = `<div class="error" role="alert">${esc(downloadError(err))}</div>`;
      }
    });
  }

  banks = (
    await get<{ items: { bin: string; shortName: string }[] }>("/api/banks").catch(() => ({ items: [] }))
  ).items;
  app.querySelector("#bin")!.innerHTML = bankOptions();

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
        errors: { line: number; code?: string; message: string }[];
      }>(`/api/markets/${marketId}/stalls/import`, file, (f) => {
        bar.value = f;
      });
      // The file is cleared once read, so a second tap cannot send it again.
      imp.reset();
      status.innerHTML = `<div class="ok" role="status">${t("created")}: <b>${r.created}</b> · ${t("skipped")}: ${r.skipped}</div>${
        r.errors.length
          ? `<div class="error" role="alert"><ul>${r.errors.map((x) => `<li>${t("line")} ${x.line}${x.code ? ` · ${t("stall")} ${esc(x.code)}` : ""}: ${esc(x.message)}</li>`).join("")}</ul></div>`
          : ""
      }`;
      await load();
    } catch (err) {
      status.innerHTML = `<div class="error" role="alert">${esc(downloadError(err))}</div>`;
    } finally {
      bar.hidden = true;
    }
  });
  await load();
}

/** An invitation shown to hand over without printing: its QR, the code to type, and the link to share or copy. */
function showInvitation(
  panel: HTMLElement,
  stall: Stall,
  inv: { code: string; shortCode: string; url: string; expiresAt: string },
): void {
  const grouped = `${inv.shortCode.slice(0, 4)} ${inv.shortCode.slice(4)}`;
  const until = new Intl.DateTimeFormat("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", dateStyle: "short" }).format(
    new Date(inv.expiresAt),
  );
  const text = t("shareText")
    .replace("{stall}", stall.code)
    .replace("{date}", until)
    .replace("{code}", grouped);
  const canShare = typeof navigator.share === "function";
  panel.innerHTML = `<div class="invite-panel">
    <h3>${t("invitationReady")} ${esc(stall.code)}</h3>
    <p>${t("invitationShow")}</p>
    <div role="img" aria-label="${esc(`${t("invitationReady")} ${stall.code}`)}">${toSvg(inv.url, 280)}</div>
    <p>${t("typedCode")}: <span class="invite-code">${esc(grouped)}</span></p>
    <p class="invite-link">${esc(inv.url)}</p>
    <p class="row">${canShare ? `<button type="button" id="share-invite">${t("shareLink")}</button>` : ""}
      <button type="button" class="secondary" id="copy-invite">${t("copyLink")}</button>
      <button type="button" class="secondary" id="print-invite">${t("printCard")}</button></p>
    <div class="form-status" aria-live="polite"></div>
  </div>`;
  panel.scrollIntoView({ block: "nearest" });
  const say = (html: string) => {
    panel.querySelector(".form-status")!.innerHTML = html;
  };
  panel.querySelector("#share-invite")?.addEventListener("click", () => {
    void navigator.share({ title: `${t("invitationReady")} ${stall.code}`, text, url: inv.url }).catch(() => {
      // dismissed by the manager: nothing to say
    });
  });
  panel.querySelector("#copy-invite")!.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(`${text}\n${inv.url}`);
      say(`<div class="ok" role="status">${t("linkCopied")}</div>`);
    } catch (err) {
      say(`<div class="error" role="alert">${esc((err as Error).message)}</div>`);
    }
  });
  panel.querySelector("#print-invite")!.addEventListener("click", async () => {
    try {
      download(
        await blobUrl(`/api/stalls/${stall.id}/invitations/${encodeURIComponent(inv.code)}/card.pdf`),
        `the-moi-${stall.code}.pdf`,
      );
      say(`<div class="ok" role="status">${t("cardReady")}</div>`);
    } catch (err) {
      say(`<div class="error" role="alert">${esc(downloadError(err))}</div>`);
    }
  });
}
