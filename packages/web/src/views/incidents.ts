import { CAUSES } from "@market40/core/uptime/causes";
import { ApiError, get, post, postOnce } from "../api";
import { addDays, dateTime, esc, parseDay, parseTime, today } from "../format";
import { t } from "../i18n";
import { clearFieldErrors, dateInput, formValues, section, showFieldErrors, timeInput } from "../ui";

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
  // Wall-clock times in Vietnam, typed as dd/MM/yyyy and HH:mm whatever the browser's locale.
  const now = new Date(Date.now() + 7 * 3600_000).toISOString();
  app.innerHTML = `
    <h1>${t("reportIncident")}</h1>
    <form id="incident" class="card narrow" novalidate>
      <div class="row"><div><label for="startedDay">${t("startDate")}</label>${dateInput("startedDay", "startedDay", now.slice(0, 10), " required")}</div>
      <div><label for="startedTime">${t("startTime")}</label>${timeInput("startedTime", "startedTime", now.slice(11, 16), " required")}</div></div>
      <div class="row"><div><label for="endedDay">${t("endDate")}</label>${dateInput("endedDay", "endedDay", "")}</div>
      <div><label for="endedTime">${t("endTime")}</label>${timeInput("endedTime", "endedTime", "")}</div></div>
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
    const { startedDay, startedTime, endedDay, endedTime, ...v } = formValues(form) as Record<string, string>;
    try {
      // The inputs are local wall-clock times in Vietnam.
      const at = (dayText = "", timeText = "", prefix: "started" | "ended") => {
        const d = parseDay(dayText);
        const time = parseTime(timeText);
        const issues = [
          ...(d ? [] : [{ path: `${prefix}Day`, message: t("dateFormat") }]),
          ...(time ? [] : [{ path: `${prefix}Time`, message: t("timeFormat") }]),
        ];
        if (issues.length) throw new ApiError(400, t("dateFormat"), issues);
        return `${d}T${time}:00+07:00`;
      };
      const body = {
        ...v,
        startedAt: at(startedDay, startedTime, "started"),
        ...(endedDay || endedTime ? { endedAt: at(endedDay, endedTime, "ended") } : {}),
      };
      await postOnce(`/api/markets/${marketId}/incidents`, body, key);
      key = newKey();
      clearFieldErrors(form);
      // Emptied once filed, so a second tap has nothing to file again.
      form.reset();
      form.querySelector(".form-status")!.innerHTML = `<div class="ok" role="status">${t("reported")}</div>`;
      await showList();
    } catch (err) {
      // The API names `startedAt`/`endedAt`; the form has a date and a time for each.
      showFieldErrors(
        form,
        err instanceof ApiError
          ? new ApiError(
              err.status,
              err.message,
              err.issues.map((i) => ({ ...i, path: i.path.replace(/^(started|ended)At$/, "$1Day") })),
            )
          : err,
      );
    } finally {
      button.disabled = false;
      button.textContent = t("send");
    }
  });
  void showList();
}
