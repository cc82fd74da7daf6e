import { ApiError } from "./api";
import { esc } from "./format";
import { t } from "./i18n";

/**
 * Renders an async section with the three states a weak network needs: loading, failed (with retry), done.
 * `after` wires up events once the HTML is in place.
 */
export async function section(
  el: HTMLElement,
  load: () => Promise<string>,
  after?: (el: HTMLElement) => void,
): Promise<void> {
  el.innerHTML = `<p class="loading" role="status">${t("loading")}</p>`;
  try {
    el.innerHTML = await load();
    after?.(el);
  } catch (err) {
    const message = err instanceof ApiError && err.status === 0 ? t("offline") : (err as Error).message;
    el.innerHTML = `<div class="error" role="alert"><b>${t("failed")}</b>: ${esc(message)} <button type="button" class="secondary retry">${t("retry")}</button></div>`;
    el.querySelector(".retry")?.addEventListener("click", () => void section(el, load, after));
  }
}

/** Removes a form's field errors and status message. */
export function clearFieldErrors(form: HTMLFormElement): void {
  for (const old of form.querySelectorAll(".field-error")) old.remove();
  for (const input of form.querySelectorAll("[aria-invalid]")) {
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
  }
  const status = form.querySelector(".form-status");
  if (status) status.innerHTML = "";
}

/** Shows a form's field errors next to their fields (issue paths like `bank.accountNumber`). */
export function showFieldErrors(form: HTMLFormElement, err: unknown): void {
  clearFieldErrors(form);
  const status = form.querySelector(".form-status");
  if (!(err instanceof ApiError) || err.status === 0) {
    const message = err instanceof ApiError ? t("offline") : (err as Error).message;
    if (status) status.innerHTML = `<div class="error" role="alert">${esc(message)}</div>`;
    return;
  }
  let placed = 0;
  for (const issue of err.issues) {
    const input = form.querySelector<HTMLElement>(`[name="${CSS.escape(issue.path)}"]`);
    if (!input) continue;
    // Tied to its field: a screen reader reads the message with the field, not only when it appears.
    const id = `${input.id || issue.path.replace(/\W/g, "-")}-error`;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", id);
    input.insertAdjacentHTML(
      "afterend",
      `<div class="field-error" id="${esc(id)}" role="alert">${esc(issue.message)}</div>`,
    );
    placed++;
  }
  if (status)
    status.innerHTML =
      placed === err.issues.length && placed > 0
        ? ""
        : `<div class="error" role="alert">${esc(err.message)}</div>`;
}

/** Reads a form into a plain object, nesting dotted names (`bank.bin`). Empty fields are left out. */
export function formValues(form: HTMLFormElement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of new FormData(form)) {
    if (typeof value !== "string" || value.trim() === "") continue;
    const parts = name.split(".");
    let target = out;
    for (const p of parts.slice(0, -1)) {
      target[p] ??= {};
      target = target[p] as Record<string, unknown>;
    }
    target[parts.at(-1)!] = value.trim();
  }
  return out;
}

export const download = (url: string, filename: string) => {
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
};

/**
 * A date field typed as dd/MM/yyyy whatever the browser's locale (a `type="date"` input follows the browser's, US
 * in many phones' defaults); read it back with `parseDay`.
 */
export const dateInput = (id: string, name: string, date: string, extra = "") =>
  `<input id="${id}" name="${name}" type="text" inputmode="numeric" autocomplete="off" placeholder="dd/mm/yyyy" value="${date ? `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}` : ""}"${extra}>`;

/** A time field typed as HH:mm (24 hours), whatever the browser's locale; read it back with `parseTime`. */
export const timeInput = (id: string, name: string, time: string, extra = "") =>
  `<input id="${id}" name="${name}" type="text" inputmode="numeric" autocomplete="off" placeholder="hh:mm" value="${time}"${extra}>`;
