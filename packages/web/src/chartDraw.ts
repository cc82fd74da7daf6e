import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { ChartSpec } from "./charts";
import { t } from "./i18n";

/** Loaded only with the first chart (`drawCharts`): uPlot and its stylesheet stay out of the first load. */
const COLOURS = ["#0b5d1e", "#b35c00", "#1f4e9c"];
const DASHES = [[], [8, 4], [2, 4]];
const FONT = "12px system-ui, sans-serif";
const HEIGHT = 220;

export function plot(el: HTMLElement, spec: ChartSpec): void {
  const xs = spec.labels.map((_, i) => i);
  const bars = spec.kind === "bars";
  const tick = spec.tick ?? spec.format;
  const width = () => Math.max(200, el.clientWidth);
  const opts: uPlot.Options = {
    width: width(),
    height: HEIGHT,
    legend: { show: false },
    cursor: { show: false },
    padding: [12, 16, 0, 0],
    scales: {
      // Half a step either side, so the first bar and the last label are never cut off.
      x: { time: false, range: () => [-0.5, xs.length - 0.5] },
      y: spec.range ? { range: spec.range } : { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
    },
    axes: [
      {
        font: FONT,
        stroke: "#333",
        grid: { show: false },
        ticks: { size: 4 },
        // At most one label per ~56 px, so `dd/MM` labels never collide on a 360-px phone.
        splits: (u) => {
          const every = Math.max(
            1,
            Math.ceil(xs.length / Math.max(1, Math.floor(u.bbox.width / devicePixelRatio / 56))),
          );
          return xs.filter((i) => (xs.length - 1 - i) % every === 0);
        },
        values: (_u, splits) => splits.map((i) => spec.labels[i] ?? ""),
      },
      {
        font: FONT,
        stroke: "#333",
        size: 56,
        // Fixed ranges (percentages) keep a strip above 100 for the "tạm tính" mark.
        ...(spec.integer
          ? { incrs: [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000] }
          : {}),
        ...(spec.range ? { splits: () => [0, 20, 40, 60, 80, 100].filter((v) => v <= spec.range![1]) } : {}),
        grid: { show: true, stroke: "#d8d8d8", width: 1 },
        values: (_u, splits) => splits.map((v) => tick(v)),
      },
    ],
    series: [
      {},
      ...spec.series.map((s, i) => ({
        label: s.name,
        stroke: COLOURS[i % COLOURS.length],
        width: 2,
        ...(bars
          ? {
              fill: `${COLOURS[i % COLOURS.length]}cc`,
              paths: uPlot.paths.bars!({ size: [0.7, 48] }),
              points: { show: false },
            }
          : { dash: DASHES[i % DASHES.length], points: { size: 7, width: 2 } }),
      })),
    ],
    hooks: { drawClear: [(u) => shadeProvisional(u, spec)], draw: [(u) => drawThresholds(u, spec)] },
  };
  const u = new uPlot(opts, [xs, ...spec.series.map((s) => s.values)] as uPlot.AlignedData, el);
  new ResizeObserver(() => {
    if (Math.abs(u.width - width()) > 4) u.setSize({ width: width(), height: HEIGHT });
  }).observe(el);
}

/** Provisional points (a month in progress) sit on a grey band labelled "tạm tính". */
function shadeProvisional(u: uPlot, spec: ChartSpec) {
  if (!spec.provisional?.some(Boolean)) return;
  const { ctx } = u;
  const half = (u.valToPos(1, "x", true) - u.valToPos(0, "x", true)) / 2 || u.bbox.width / 2;
  ctx.save();
  spec.provisional.forEach((p, i) => {
    if (!p) return;
    const x = u.valToPos(i, "x", true);
    ctx.fillStyle = "#ececec";
    ctx.fillRect(x - half, u.bbox.top, half * 2, u.bbox.height);
    ctx.fillStyle = "#444";
    ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.fillText(
      t("provisional"),
      Math.min(x, u.bbox.left + u.bbox.width - 30 * devicePixelRatio),
      u.bbox.top + 2,
    );
  });
  ctx.restore();
}

/** Each series' threshold as a dashed rule in its colour, its value written at the right edge. */
function drawThresholds(u: uPlot, spec: ChartSpec) {
  const { ctx } = u;
  ctx.save();
  ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`;
  ctx.textAlign = "right";
  ctx.textBaseline = "bottom";
  spec.series.forEach((s, i) => {
    if (s.threshold === undefined) return;
    const y = u.valToPos(s.threshold, "y", true);
    ctx.strokeStyle = COLOURS[i % COLOURS.length]!;
    ctx.fillStyle = COLOURS[i % COLOURS.length]!;
    ctx.lineWidth = devicePixelRatio;
    ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
    ctx.beginPath();
    ctx.moveTo(u.bbox.left, y);
    ctx.lineTo(u.bbox.left + u.bbox.width, y);
    ctx.stroke();
    ctx.fillText(spec.format(s.threshold), u.bbox.left + u.bbox.width - 2, y - 1);
  });
  ctx.restore();
}
