import { blobUrl, get } from "../api";
import { lineChart } from "../charts";
import { esc, num, pct, today } from "../format";
import { t } from "../i18n";
import type { Evaluation } from "../shapes";
import { download, section } from "../ui";

export type { Evaluation };

const COLUMNS: [string, (e: Evaluation) => string | number | null][] = [
  ["market", (e) => e.market.name],
  ["period", (e) => `${e.period.from} → ${e.period.to}`],
  ["rating", (e) => e.rating],
  ["uptime", (e) => e.uptime.uptimePct],
  ["qrShare", (e) => e.uptake.qrSharePct],
  ["activeShare", (e) => e.uptake.activeSharePct],
  ["transactions", (e) => e.uptake.transactions],
  ["version", (e) => e.version],
];

export function evaluationsTable(items: Evaluation[], withPeriod = false, sortBy = -1, desc = false): string {
  const cols = COLUMNS.filter(([k]) => withPeriod || k !== "period");
  const sorted =
    sortBy < 0
      ? items
      : [...items].sort((a, b) => {
          const [x, y] = [cols[sortBy]![1](a), cols[sortBy]![1](b)];
          const cmp =
            x === null
              ? -1
              : y === null
                ? 1
                : typeof x === "number" && typeof y === "number"
                  ? x - y
                  : String(x).localeCompare(String(y), "vi");
          return desc ? -cmp : cmp;
        });
  const cell = (k: string, v: string | number | null) =>
    k === "rating"
      ? `<span class="badge ${esc(v)}">${t(v as "pass")}</span>`
      : typeof v === "number" && ["uptime", "qrShare", "activeShare"].includes(k)
        ? pct(v)
        : v === null
          ? "—"
          : typeof v === "number"
            ? num(v)
            : esc(v);
  return `<div class="scroll"><table><thead><tr>${cols
    .map(
      ([k], i) =>
        `<th><button type="button" data-sort="${i}" aria-sort="${i === sortBy ? (desc ? "descending" : "ascending") : "none"}">${t(k as "market")}${i === sortBy ? (desc ? " ▼" : " ▲") : ""}</button></th>`,
    )
    .join(
      "",
    )}</tr></thead><tbody>${sorted.map((e) => `<tr>${cols.map(([k, f]) => `<td>${cell(k, f(e))}</td>`).join("")}</tr>`).join("")}</tbody></table></div>`;
}

/** The liaison's page: every market's latest evaluation, sortable; a chart per market over months; the CSV. */
export async function liaisonView(app: HTMLElement): Promise<void> {
  const thisMonth = today().slice(0, 7);
  app.innerHTML = `
    <h1>${t("evaluations")}</h1>
    <form id="period" class="row no-print"><div><label for="p">${t("period")}</label><input id="p" name="period" type="month" value="${thisMonth}"></div>
    <div><button type="submit">${t("show")}</button></div><div><button type="button" id="csv" class="secondary">${t("downloadCsv")}</button></div></form>
    <section id="table" class="card"></section><section id="trend"></section>`;
  const form = app.querySelector<HTMLFormElement>("#period")!;
  const period = () => String(new FormData(form).get("period"));
  let items: Evaluation[] = [];
  let sortBy = -1;
  let desc = false;
  const table = app.querySelector<HTMLElement>("#table")!;
  const draw = () => {
    table.innerHTML = items.length ? evaluationsTable(items, false, sortBy, desc) : `<p>${t("none")}</p>`;
    for (const b of table.querySelectorAll<HTMLButtonElement>("[data-sort]"))
      b.addEventListener("click", () => {
        const i = Number(b.dataset.sort);
        desc = sortBy === i ? !desc : false;
        sortBy = i;
        draw();
      });
  };
  const load = async () => {
    await section(
      table,
      async () => {
        items = (await get<{ items: Evaluation[] }>(`/api/evaluations?period=${period()}`)).items;
        return "";
      },
      draw,
    );
    await section(app.querySelector("#trend")!, async () => {
      const charts = await Promise.all(
        items.map(async (e) => {
          const history = (await get<{ items: Evaluation[] }>(`/api/markets/${e.marketId}/evaluations`))
            .items;
          const latest = new Map<string, Evaluation>();
          for (const h of history)
            if (/^\d{4}-\d{2}$/.test(h.periodKey) && !latest.has(h.periodKey)) latest.set(h.periodKey, h);
          const periods = [...latest.keys()].sort().slice(-12);
          const series = [
            { name: t("uptime"), values: periods.map((p) => latest.get(p)!.uptime.uptimePct) },
            { name: t("qrShare"), values: periods.map((p) => latest.get(p)!.uptake.qrSharePct) },
            { name: t("activeShare"), values: periods.map((p) => latest.get(p)!.uptake.activeSharePct) },
          ];
          return `<div class="card">${lineChart(periods, series, `${e.market.name} — ${t("overMonths")}`)}</div>`;
        }),
      );
      return charts.join("");
    });
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void load();
  });
  app
    .querySelector("#csv")!
    .addEventListener("click", async () =>
      download(await blobUrl(`/api/evaluations?period=${period()}&format=csv`), `market40-${period()}.csv`),
    );
  await load();
}
