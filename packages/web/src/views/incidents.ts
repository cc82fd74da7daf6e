import { CAUSES } from "@market40/core/uptime/causes";
import { ApiError, get, post, postOnce } from "../api";
import { addDays, dateTime, esc, today } from "../format";
import { t } from "../i18n";
import { clearFieldErrors, formValues, section, showFieldErrors } from "../ui";

interface Incident {
  id: string;
  startedAt: string;
  endedAt: string | null;
  cause: (typeof CAUSES)[number];
  note?: string;
}

/** A fresh key per report: every send of the same report (a double click, a retry) carries it, so one is filed. */
const newKey = () =>
  typeof crypto.randomUUID === "function"
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

export function incidentView(app: HTMLElement, marketId: string): void {
  const now = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 16);
  app.innerHTML = `
    <h1>${t("reportIncident")}</h1>
    <form id="incident" class="card narrow" novalidate>
      <label for="startedAt">${t("startedAt")}</label><input id="startedAt" name="startedAt" type="datetime-local" value="${now}" required>
      <label for="endedAt">${t("endedAt")}</label><input id="endedAt" name="endedAt" type="datetime-local">
      <label for="cause">${t("cause")}</label><select id="cause" name="cause">${CAUSES.map((c) => `<option value="${c}">${t(c)}</option>`).join("")}</select>
      <label for="note">${t("note")}</label><textarea id="note" name="note" rows="2"></textarea>
      <div class="form-status"></div><p><button type="submit">${t("send")}</button></p>
    </form>
    <h2>${t("incidents")}</h2>
    <section id="incident-list" class="card"></section>`;
  const form = app.querySelector<HTMLFormElement>("#incident")!;
  const listEl = app.querySelector<HTMLElement>("#incident-list")!;
  let key = newKey();

  const showList = () =>
    section(
      listEl,
      async () => {
        const { items } = await get<{ items: Incident[] }>(
          `/api/markets/${marketId}/incidents?from=${addDays(today(), -60)}&to=${today()}`,
        );
        const sorted = [...items].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
        if (!sorted.length) return `<p class="muted">—</p>`;
        return `<ul class="plain incidents">${sorted
          .map(
            (i) =>
              `<li data-incident="${esc(i.id)}"><b>${t(i.endedAt ? "incidentClosed" : "incidentOpen")}</b> · ${esc(t(i.cause))} · ${esc(dateTime(i.startedAt))}${i.endedAt ? ` → ${esc(dateTime(i.endedAt))}` : ""}${i.note ? `<div class="muted">${esc(i.note)}</div>` : ""}${i.endedAt ? "" : ` <button type="button" class="secondary close-incident">${t("closeNow")}</button>`}<div class="form-status"></div></li>`,
          )
          .join("")}</ul>`;
      },
      (el) => {
        for (const li of el.querySelectorAll<HTMLElement>("li[data-incident]"))
          li.querySelector(".close-incident")?.addEventListener("click", async (e) => {
            const b = e.currentTarget as HTMLButtonElement;
            b.disabled = true;
            try {
              await post(
                `/api/incidents/${li.dataset.incident}`,
                { endedAt: new Date().toISOString() },
                "PATCH",
              );
              await showList();
            } catch (err) {
              b.disabled = false;
              const message =
                err instanceof ApiError && err.status === 0 ? t("offline") : (err as Error).message;
              li.querySelector(".form-status")!.innerHTML =
                `<div class="error" role="alert">${esc(message)}</div>`;
            }
          });
      },
    );

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const button = form.querySelector<HTMLButtonElement>("button[type=submit]")!;
    // Disabled while sending; the Idempotency-Key makes a second send (a double tap that got through) file nothing.
    if (button.disabled) return;
    button.disabled = true;
    button.textContent = t("sending");
    const v = formValues(form) as Record<string, string>;
    // The inputs are local wall-clock times in Vietnam.
    const body = {
      ...v,
      startedAt: `${v.startedAt}:00+07:00`,
      ...(v.endedAt ? { endedAt: `${v.endedAt}:00+07:00` } : {}),
    };
    try {
      await postOnce(`/api/markets/${marketId}/incidents`, body, key);
      key = newKey();
      clearFieldErrors(form);
      form.querySelector(".form-status")!.innerHTML = `<div class="ok" role="status">${t("reported")}</div>`;
      await showList();
    } catch (err) {
      showFieldErrors(form, err);
    } finally {
      button.disabled = false;
      button.textContent = t("send");
    }
  });
  void showList();
}
