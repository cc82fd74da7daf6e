import { blobUrl, get } from "../api";
import { chart, drawCharts, monthLabel } from "../charts";
import { day, esc, month, num, pct, today } from "../format";
import { t } from "../i18n";
import type { Evaluation } from "../shapes";
import { download, section } from "../ui";

export type { Evaluation };

type Column = [key: string, value: (e: Evaluation) => string | number | null];

const COLUMNS: Column[] = [
  ["market", (e) => e.market.name],
  ["period", (e) => `${day(e.period.from)} → ${day(e.period.to)}`],
  ["rating", (e) => e.rating],
  ["uptime", (e) => e.uptime.uptimePct],
  ["qrShare", (e) => e.uptake.qrSharePct],
  ["activeShare", (e) => e.uptake.activeSharePct],
  ["transactions", (e) => e.uptake.transactions],
  // The board's fees (issue 29): "—" for a market without a fee schedule.
  ["feesCashless", (e) => e.fees?.feesCashlessPct ?? null],
  ["feesCollected", (e) => e.fees?.feesCollectedPct ?? null],
  ["version", (e) => e.version],
];

export interface TableOptions {
  withPeriod?: boolean;
  /** Column index to sort by (`-1`: as given); the header buttons carry `data-sort`. */
  sortBy?: number;
  desc?: boolean;
  /** Market names link to the market's page (liaison, admin). */
  linkMarkets?: boolean;
}

/** The evaluations in the order the table shows them. */
export function sortEvaluations(
  items: Evaluation[],
  { withPeriod = false, sortBy = -1, desc = false }: TableOptions,
) {
  const cols = COLUMNS.filter(([k]) => withPeriod || k !== "period");
  if (sortBy < 0) return items;
  return [...items].sort((a, b) => {
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
}

/** A scrollable, sortable evaluations table; `aria-sort` sits on the header cell, the button inside sorts. */
export function evaluationsTable(items: Evaluation[], options: TableOptions = {}): string {
  const { withPeriod = false, sortBy = -1, desc = false, linkMarkets = false } = options;
  const cols = COLUMNS.filter(([k]) => withPeriod || k !== "period");
  const cell = (k: string, v: string | number | null, e: Evaluation) =>
    k === "market"
      ? linkMarkets
        ? `<a href="#/market/${esc(e.marketId)}">${esc(v)}</a>`
        : esc(v)
      : k === "rating"
        ? `<span class="badge ${esc(v)}">${t(v as "pass")}</span>${e.provisional ? ` <span class="badge provisional">${t("provisional")}</span>` : ""}`
        : typeof v === "number" &&
            ["uptime", "qrShare", "activeShare", "feesCashless", "feesCollected"].includes(k)
          ? pct(v)
          : v === null
            ? "—"
            : typeof v === "number"
              ? num(v)
              : esc(v);
  const sortable = options.sortBy !== undefined;
  const head = cols
    .map(([k], i) => {
      const label = t(k as "market");
      if (!sortable) return `<th scope="col">${label}</th>`;
      const state = i === sortBy ? (desc ? "descending" : "ascending") : undefined;
      return `<th scope="col"${state ? ` aria-sort="${state}"` : ""}><button type="button" class="sort" data-sort="${i}">${label}<span aria-hidden="true">${i === sortBy ? (desc ? " ▼" : " ▲") : ""}</span></button></th>`;
    })
    .join("");
  const rows = sortEvaluations(items, options)
    .map(
      (e) =>
        `<tr>${cols.map(([k, f]) => `<td data-label="${t(k as "market")}">${cell(k, f(e), e)}</td>`).join("")}</tr>`,
    )
    .join("");
  return `<div class="scroll" tabindex="0" role="region" aria-label="${t("evaluations")}"><table class="evaluations stack${sortable ? " sortable" : ""}"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** The months of one market's history (latest version of each), oldest first, at most 12. */
export function monthlyChart(history: Evaluation[], title: string): string {
  const latest = new Map<string, Evaluation>();
  for (const h of history)
    if (/^\d{4}-\d{2}$/.test(h.periodKey) && !latest.has(h.periodKey)) latest.set(h.periodKey, h);
  const periods = [...latest.keys()].sort().slice(-12);
  const at = (p: string) => latest.get(p)!;
  const thresholds = at(periods[0] ?? "")?.method.thresholds;
  if (!periods.length) return `<p>${t("none")}</p>`;
  return chart({
    kind: "lines",
    title,
    labels: periods.map(monthLabel),
    series: [
      {
        name: t("uptime"),
        values: periods.map((p) => at(p).uptime.uptimePct),
        threshold: thresholds?.uptimePct,
      },
      {
        name: t("qrShare"),
        values: periods.map((p) => at(p).uptake.qrSharePct),
        threshold: thresholds?.qrSharePct,
      },
      {
        name: t("activeShare"),
        values: periods.map((p) => at(p).uptake.activeSharePct),
        threshold: thresholds?.activeSharePct,
      },
    ],
    format: (n) => pct(n),
    tick: (n) => `${n}`,
    provisional: periods.map((p) => at(p).provisional),
    range: [0, 112],
  });
}

/** The liaison's page: every market's latest evaluation, sortable; a chart per market in the table's order. */
export async function liaisonView(app: HTMLElement): Promise<void> {
  // The last 24 months by name ("tháng 11/2026"): a month input follows the browser's locale.
  const [y, m] = today().split("-").map(Number) as [number, number];
  const months = Array.from({ length: 24 }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 - i, 1)).toISOString();
    return d.slice(0, 7);
  });
  app.innerHTML = `
    <h1 tabindex="-1">${t("evaluations")}</h1>
    <form id="period" class="row no-print"><div><label for="p">${t("period")}</label><select id="p" name="period">${months.map((p) => `<option value="${p}">${esc(month(p))}</option>`).join("")}</select></div>
    <div><button type="submit">${t("show")}</button></div></form>
    <p class="buttons no-print"><button type="button" id="pdf" class="secondary">${t("downloadPdf")}</button>
    <button type="button" id="xlsx" class="secondary">${t("downloadXlsx")}</button>
    <button type="button" id="excel-csv" class="secondary">${t("downloadCsv")}</button></p>
    <div id="download-status" role="status"></div>
    <p id="provisional-note" class="muted" hidden>${t("provisionalNote")}</p>
    <section id="table" class="card"></section>
    <h2>${t("overMonths")}</h2>
    <section id="trend" class="charts"></section>`;
  const form = app.querySelector<HTMLFormElement>("#period")!;
  const period = () => String(new FormData(form).get("period"));
  let items: Evaluation[] = [];
  let sortBy = -1;
  let desc = false;
  const table = app.querySelector<HTMLElement>("#table")!;
  const trend = app.querySelector<HTMLElement>("#trend")!;
  /** Charts follow the table: the same markets in the same order. */
  const orderCharts = () => {
    for (const e of sortEvaluations(items, { sortBy, desc })) {
      const figure = trend.querySelector(`[data-market="${CSS.escape(e.marketId)}"]`);
      if (figure) trend.append(figure);
    }
  };
  const draw = (focus?: number) => {
    table.innerHTML = items.length
      ? evaluationsTable(items, { sortBy, desc, linkMarkets: true })
      : `<p>${t("none")}</p>`;
    app.querySelector("#provisional-note")!.toggleAttribute("hidden", !items.some((e) => e.provisional));
    for (const b of table.querySelectorAll<HTMLButtonElement>("[data-sort]"))
      b.addEventListener("click", () => {
        const i = Number(b.dataset.sort);
        desc = sortBy === i ? !desc : false;
        sortBy = i;
        draw(i);
        orderCharts();
      });
    if (focus !== undefined) table.querySelector<HTMLButtonElement>(`[data-sort="${focus}"]`)?.focus();
  };
  const load = async () => {
    await section(
      table,
      async () => {
        items = (await get<{ items: Evaluation[] }>(`/api/evaluations?period=${period()}`)).items;
        return "";
      },
      () => draw(),
    );
    await section(
      trend,
      async () => {
        const charts = await Promise.all(
          sortEvaluations(items, { sortBy, desc }).map(async (e) => {
            const history = (await get<{ items: Evaluation[] }>(`/api/markets/${e.marketId}/evaluations`))
              .items;
            return `<div class="card" data-market="${esc(e.marketId)}">${monthlyChart(history, e.market.name)}</div>`;
          }),
        );
        return charts.join("") || `<p>${t("none")}</p>`;
      },
      (el) => void drawCharts(el),
    );
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void load();
  });
  const files = { pdf: "bao-cao", xlsx: "danh-gia", "excel-csv": "danh-gia-excel" } as const;
  for (const format of ["pdf", "xlsx", "excel-csv"] as const)
    app.querySelector(`#${format}`)!.addEventListener("click", async () => {
      const status = app.querySelector("#download-status")!;
      status.textContent = "";
      try {
        download(
          await blobUrl(`/api/evaluations?period=${period()}&format=${format}`),
          `market40-${files[format]}-${period()}.${format === "excel-csv" ? "csv" : format}`,
        );
      } catch {
        status.innerHTML = `<p class="error">${t("downloadFailed")}</p>`;
      }
    });
  await load();
}
