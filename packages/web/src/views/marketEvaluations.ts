import { get } from "../api";
import { animalName, weekdayName } from "../calendarWords";
import { drawCharts } from "../charts";
import { day, esc, month, num, pct } from "../format";
import { t } from "../i18n";
import type { Market } from "../shapes";
import { section } from "../ui";
import { type Evaluation, evaluationsTable, monthlyChart } from "./liaison";

/** A manager's evaluations: every version, newest first, and the months as a chart. */
export async function marketEvaluationsView(app: HTMLElement, marketId: string): Promise<void> {
  app.innerHTML = `<h1 tabindex="-1">${t("evaluations")}</h1><section id="evals" class="card"></section><section id="trend" class="card"></section>`;
  await evaluationsSections(app, marketId);
}

async function evaluationsSections(app: HTMLElement, marketId: string) {
  let items: Evaluation[] = [];
  await section(app.querySelector("#evals")!, async () => {
    ({ items } = await get<{ items: Evaluation[] }>(`/api/markets/${marketId}/evaluations`));
    return items.length
      ? `${items.some((e) => e.provisional) ? `<p class="muted">${t("provisionalNote")}</p>` : ""}${evaluationsTable(items, { withPeriod: true })}`
      : `<p>${t("none")}</p>`;
  });
  await section(
    app.querySelector("#trend")!,
    async () => monthlyChart(items, t("overMonths")),
    (el) => void drawCharts(el),
  );
}

/**
 * One market as a liaison or an admin reads it: its details, schedule, evaluations over the months (uptime,
 * incidents, uptake), read-only.
 */
export async function marketPageView(app: HTMLElement, marketId: string): Promise<void> {
  app.innerHTML = `<h1 tabindex="-1">${t("market")}</h1><section id="details" class="card"></section>
    <h2>${t("evaluations")}</h2><section id="evals" class="card"></section><section id="trend" class="card"></section>
    <h2>${t("incidentsAndUptake")}</h2><section id="figures" class="card"></section>`;
  await section(app.querySelector("#details")!, async () => {
    const m = await get<Market>(`/api/markets/${marketId}`);
    app.querySelector("h1")!.textContent = m.name;
    return `<dl class="facts">
      <dt>${t("province")}</dt><dd>${esc(m.province)}</dd>
      <dt>${t("commune")}</dt><dd>${esc(m.commune)}</dd>
      <dt>${t("schedule")}</dt><dd>${esc(scheduleText(m.schedule))}</dd>
      <dt>${t("hours")}</dt><dd>${esc(m.hours.open)}–${esc(m.hours.close)}</dd>
      <dt>${t("launchedOn")}</dt><dd>${esc(day(m.launchedOn))}</dd>
      <dt>${t("closures")}</dt><dd>${m.closures.length ? m.closures.map((d) => esc(day(d))).join(", ") : "—"}</dd></dl>`;
  });
  await evaluationsSections(app, marketId);
  await section(app.querySelector("#figures")!, async () => {
    const { items } = await get<{ items: Evaluation[] }>(`/api/markets/${marketId}/evaluations`);
    const latest = new Map<string, Evaluation>();
    for (const e of items) if (!latest.has(e.periodKey)) latest.set(e.periodKey, e);
    const rows = [...latest.values()]
      .map(
        (e) =>
          `<tr><td>${esc(/^\d{4}-\d{2}$/.test(e.periodKey) ? month(e.periodKey) : e.periodKey.replace(/(\d{4})-(\d{2})-(\d{2})/g, "$3/$2/$1"))}${e.provisional ? ` <span class="badge provisional">${t("provisional")}</span>` : ""}</td><td class="num">${num(e.uptime.incidents)}</td><td class="num">${num(e.uptime.downMinutes)}</td><td class="num">${num(e.uptake.stalls)}</td><td class="num">${num(e.uptake.stallsWithQr)}</td><td class="num">${num(e.uptake.transactions)}</td><td class="num">${pct(e.fees?.feesCashlessPct ?? null)}</td><td class="num">${pct(e.fees?.feesCollectedPct ?? null)}</td></tr>`,
      )
      .join("");
    return rows
      ? `<div class="scroll" tabindex="0" role="region" aria-label="${t("incidentsAndUptake")}"><table><thead><tr><th scope="col">${t("period")}</th><th scope="col" class="num">${t("incidentCount")}</th><th scope="col" class="num">${t("downMinutes")}</th><th scope="col" class="num">${t("registered")}</th><th scope="col" class="num">${t("withQr")}</th><th scope="col" class="num">${t("transactions")}</th><th scope="col" class="num">${t("feesCashless")}</th><th scope="col" class="num">${t("feesCollected")}</th></tr></thead><tbody>${rows}</tbody></table></div>`
      : `<p>${t("none")}</p>`;
  });
}

/** A schedule in words: "Hằng tuần: CN", "Theo âm lịch: 1, 6, 11". */
export function scheduleText(s: Market["schedule"]): string {
  switch (s.kind) {
    case "daily":
      return t("daily");
    case "weekly":
      return `${t("weekly")}: ${s.days.map(weekdayName).join(", ")}`;
    case "zodiac":
      return `${t("zodiac")}: ${s.animals.map(animalName).join(", ")}`;
    case "lunar":
      return `${t("lunar")}: ${s.days.join(", ")}`;
  }
}
