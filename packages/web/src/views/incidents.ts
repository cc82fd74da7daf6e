import { CAUSES } from "@market40/core/uptime/causes";
import { post } from "../api";
import { t } from "../i18n";
import { clearFieldErrors, formValues, showFieldErrors } from "../ui";

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
    </form>`;
  const form = app.querySelector<HTMLFormElement>("#incident")!;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const v = formValues(form) as Record<string, string>;
    // The inputs are local wall-clock times in Vietnam.
    const body = {
      ...v,
      startedAt: `${v.startedAt}:00+07:00`,
      ...(v.endedAt ? { endedAt: `${v.endedAt}:00+07:00` } : {}),
    };
    try {
      await post(`/api/markets/${marketId}/incidents`, body);
      clearFieldErrors(form);
      form.querySelector(".form-status")!.innerHTML = `<div class="ok" role="status">${t("reported")}</div>`;
    } catch (err) {
      showFieldErrors(form, err);
    }
  });
}
