import { esc } from "./format";
import { currentLang, t } from "./i18n";

/**
 * Charts, drawn by uPlot (README: "Charts"). A view asks for a chart's HTML — a figure with its title, legend and a
 * data table as the text alternative — and calls `drawCharts` once that HTML is in the page. uPlot (~23 KB gzip)
 * is loaded then, with a dynamic `import()`, so a vendor's first load never carries it.
 */
export interface Series {
  name: string;
  values: (number | null)[];
  /** Drawn as a dashed line in the series' colour, labelled at the right edge. */
  threshold?: number;
}

export interface ChartSpec {
  kind: "bars" | "lines";
  title: string;
  /** The x labels as readers see them (`dd/MM`, `MM/yyyy`), one per point. */
  labels: string[];
  series: Series[];
  format: (n: number) => string;
  /** Compact y-axis ticks (`1,2 Tr`); `format` otherwise. */
  tick?: (n: number) => string;
  /** Points whose figures may still change: shaded and marked "tạm tính". */
  provisional?: boolean[];
  /** Counts: whole-number ticks only. */
  integer?: boolean;
  /** The y range when it is fixed (percentages: 0–100). */
  range?: [number, number];
}

const pending = new Map<string, ChartSpec>();
let nextId = 0;

/** A chart's figure: the caption above, a legend, the plot (an image with a summary) and its data table. */
export function chart(spec: ChartSpec): string {
  const id = `chart-${++nextId}`;
  pending.set(id, spec);
  const provisional = spec.provisional?.some(Boolean);
  const legend =
    spec.series.length > 1 || spec.series.some((s) => s.threshold !== undefined)
      ? `<ul class="legend">${spec.series
          .map(
            (s, i) =>
              `<li><span class="swatch s${i}" aria-hidden="true"></span>${esc(s.name)}${s.threshold === undefined ? "" : ` <span class="muted">(${t("threshold")} ${esc(spec.format(s.threshold))})</span>`}</li>`,
          )
          .join(
            "",
          )}${provisional ? `<li><span class="swatch provisional" aria-hidden="true"></span>${t("provisional")}</li>` : ""}</ul>`
      : provisional
        ? `<ul class="legend"><li><span class="swatch provisional" aria-hidden="true"></span>${t("provisional")}</li></ul>`
        : "";
  return `<figure class="chart" id="${id}"><figcaption>${esc(spec.title)}</figcaption>${legend}<div class="plot" role="img" aria-label="${esc(summary(spec))}"></div>${dataTable(spec)}</figure>`;
}

/** One sentence a screen reader can say instead of the picture. */
function summary(spec: ChartSpec): string {
  const parts = spec.series.map((s) => {
    const known = s.values.flatMap((v, i) => (v === null ? [] : [[v, i] as const]));
    if (!known.length) return `${s.name}: ${t("noData")}`;
    const [last, at] = known.at(-1)!;
    const max = Math.max(...known.map(([v]) => v));
    return `${s.name}: ${spec.labels[at]} ${spec.format(last)}, ${t("highest")} ${spec.format(max)}`;
  });
  return `${spec.title}. ${spec.labels[0] ?? ""} – ${spec.labels.at(-1) ?? ""}. ${parts.join("; ")}.`;
}

function dataTable(spec: ChartSpec): string {
  const rows = spec.labels
    .map(
      (label, i) =>
        `<tr><th scope="row">${esc(label)}${spec.provisional?.[i] ? ` (${t("provisional")})` : ""}</th>${spec.series
          .map((s) => `<td class="num">${s.values[i] === null ? "—" : esc(spec.format(s.values[i]!))}</td>`)
          .join("")}</tr>`,
    )
    .join("");
  return `<details class="data"><summary>${t("dataTable")}</summary><div class="scroll" tabindex="0" role="region" aria-label="${esc(`${spec.title} — ${t("dataTable")}`)}"><table><thead><tr><th scope="col">${t("period")}</th>${spec.series.map((s) => `<th scope="col" class="num">${esc(s.name)}</th>`).join("")}</tr></thead><tbody>${rows}</tbody></table></div></details>`;
}

/** Draws every chart inside `root` whose HTML came from `chart`. Safe to call more than once. */
export async function drawCharts(root: HTMLElement): Promise<void> {
  const figures = [...root.querySelectorAll<HTMLElement>("figure.chart")].filter((f) => pending.has(f.id));
  if (!figures.length) return;
  const { plot } = await import("./chartDraw");
  for (const figure of figures) {
    const spec = pending.get(figure.id);
    pending.delete(figure.id);
    if (spec && figure.isConnected) plot(figure.querySelector<HTMLElement>(".plot")!, spec);
  }
}

/** `2026-03-11` → `11/03`, the order Vietnamese readers expect. */
export const dayLabel = (date: string) => `${date.slice(8, 10)}/${date.slice(5, 7)}`;
/** `2026-03` → `03/2026`. */
export const monthLabel = (period: string) => `${period.slice(5, 7)}/${period.slice(0, 4)}`;
/** `1.200.000 ₫` → `1,2 Tr`: short enough for a y axis on a phone. */
export const compactVnd = (n: number) =>
  new Intl.NumberFormat(currentLang() === "vi" ? "vi-VN" : "en-GB", {
    notation: "compact",
    maximumFractionDigits: 1,
  }).format(n);
