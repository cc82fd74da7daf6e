import { esc } from "./format";

/** A bar chart as inline SVG: no library, a few hundred bytes, prints in black and white. */
export function barChart(
  points: { label: string; value: number }[],
  title: string,
  format: (n: number) => string,
): string {
  const w = 640;
  const h = 220;
  const pad = { l: 8, r: 8, t: 26, b: 30 };
  const max = Math.max(1, ...points.map((p) => p.value));
  const bw = (w - pad.l - pad.r) / Math.max(1, points.length);
  const bars = points
    .map((p, i) => {
      const bh = ((h - pad.t - pad.b) * p.value) / max;
      const x = pad.l + i * bw;
      const label =
        points.length <= 8 || i % Math.ceil(points.length / 6) === 0
          ? `<text x="${x + bw / 2}" y="${h - 8}" text-anchor="middle">${esc(p.label)}</text>`
          : "";
      return `<rect class="bar" x="${x + 1}" y="${h - pad.b - bh}" width="${Math.max(1, bw - 2)}" height="${bh}"><title>${esc(p.label)}: ${esc(format(p.value))}</title></rect>${label}`;
    })
    .join("");
  return `<svg class="chart" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(title)}"><text x="${pad.l}" y="18" font-weight="700">${esc(title)} · max ${esc(format(max))}</text>${bars}</svg>`;
}

/** Lines of percentages (0–100) over periods, one per series. */
export function lineChart(
  periods: string[],
  series: { name: string; values: (number | null)[] }[],
  title: string,
): string {
  const w = 640;
  const h = 240;
  const pad = { l: 40, r: 8, t: 50, b: 30 };
  const x = (i: number) =>
    pad.l + (periods.length <= 1 ? 0 : (i * (w - pad.l - pad.r)) / (periods.length - 1));
  const y = (v: number) => h - pad.b - ((h - pad.t - pad.b) * v) / 100;
  const dash = ["", "6 3", "2 3"];
  const lines = series
    .map((s, k) => {
      const pts = s.values.map((v, i) => (v === null ? null : `${x(i)},${y(v)}`)).filter(Boolean);
      const dots = s.values
        .map((v, i) =>
          v === null
            ? ""
            : `<circle cx="${x(i)}" cy="${y(v)}" r="${3 + k}" fill="${k === 1 ? "#fff" : "currentColor"}" stroke="currentColor"/>`,
        )
        .join("");
      return `<polyline fill="none" stroke="currentColor" stroke-width="2" stroke-dasharray="${dash[k % 3]}" points="${pts.join(" ")}"><title>${esc(s.name)}</title></polyline>${dots}`;
    })
    .join("");
  const labels = periods
    .map((p, i) => `<text x="${x(i)}" y="${h - 8}" text-anchor="middle">${esc(p)}</text>`)
    .join("");
  const legend = series
    .map(
      (s, k) =>
        `<tspan dx="${k === 0 ? 0 : 16}" text-decoration="${k === 0 ? "" : k === 1 ? "underline" : "overline"}">${esc(s.name)}</tspan>`,
    )
    .join("");
  return `<svg class="chart" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(title)}"><text x="${pad.l}" y="18" font-weight="700">${esc(title)}</text><text x="${pad.l}" y="38">${legend}</text><text x="2" y="${y(100) + 12}">100</text><text x="10" y="${y(0)}">0</text>${lines}${labels}</svg>`;
}
