import { ApiError, get } from "../api";
import { chart, compactVnd, dayLabel, drawCharts } from "../charts";
import { addDays, esc, num, parseDay, today, vnd } from "../format";
import { t } from "../i18n";
import type { Uptake } from "../shapes";
import { clearFieldErrors, dateInput, section, showFieldErrors } from "../ui";
import { allStalls, payingStalls } from "./data";
import { feeStats } from "./fees";

export async function uptakeView(app: HTMLElement, marketId: string): Promise<void> {
  const to = today();
  const from = addDays(to, -29);
  app.innerHTML = `
    <h1 tabindex="-1">${t("uptake")}</h1>
    <form id="range" class="row no-print"><div><label for="from">${t("from")}</label>${dateInput("from", "from", from)}</div>
    <div><label for="to">${t("to")}</label>${dateInput("to", "to", to)}</div><div><button type="submit">${t("show")}</button></div></form>
    <section id="dash"></section>`;
  const dash = app.querySelector<HTMLElement>("#dash")!;
  const form = app.querySelector<HTMLFormElement>("#range")!;
  const load = () =>
    section(
      dash,
      async () => {
        const { from, to } = range;
        const [u, stalls, paying, fees] = await Promise.all([
          get<Uptake>(`/api/markets/${marketId}/uptake?from=${from}&to=${to}`),
          // In full: the manager calls these vendors from this list.
          allStalls(marketId, true),
          payingStalls(marketId),
          // The board's fees, beside uptake (issue 29): from the latest evaluation; none is no reason to fail.
          feeStats(marketId).catch(() => ""),
        ]);
        const coach = stalls.filter((s) => s.status === "active" && s.qrIssuedAt && !paying.has(s.id));
        const bars = (
          k: "transactions" | "value",
          format: (n: number) => string,
          tick?: (n: number) => string,
        ) =>
          chart({
            kind: "bars",
            title: `${t(k)} ${t("perDay")}`,
            labels: u.days.map((d) => dayLabel(d.date)),
            series: [{ name: t(k), values: u.days.map((d) => d[k]) }],
            format,
            tick,
            integer: k === "transactions",
          });
        return `
        <div class="stats card">
          <div class="stat">${t("registered")}<b>${num(u.totals.stalls)}</b></div>
          <div class="stat">${t("withQr")}<b>${num(u.totals.stallsWithQr)}</b></div>
          <div class="stat">${t("activeStalls")}<b>${num(u.totals.activeStalls)}</b></div>
          <div class="stat">${t("transactions")}<b>${num(u.totals.transactions)}</b></div>
          <div class="stat">${t("value")}<b>${esc(vnd(u.totals.value))}</b></div>
        </div>${fees}
        <div class="grid">
          <div class="card">${bars("transactions", (n) => num(n))}</div>
          <div class="card">${bars("value", vnd, compactVnd)}</div>
        </div>
        <div class="card"><h2>${t("toCoach")}</h2>${coach.length ? `<ul>${coach.map((s) => `<li>${esc(s.code)} — ${esc(s.vendorName)}${s.phone ? ` · ${callable(s.phone)}` : ""}</li>`).join("")}</ul>` : `<p>${t("noneToCoach")}</p>`}</div>`;
      },
      (el) => void drawCharts(el),
    );
  let range = { from, to };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const typed = Object.fromEntries(new FormData(form)) as { from: string; to: string };
    const next = { from: parseDay(typed.from), to: parseDay(typed.to) };
    const issues = (["from", "to"] as const)
      .filter((k) => !next[k])
      .map((path) => ({ path, message: t("dateFormat") }));
    if (issues.length) return showFieldErrors(form, new ApiError(400, t("dateFormat"), issues));
    clearFieldErrors(form);
    range = next as typeof range;
    void load();
  });
  await load();
}

/** A phone number to call with one tap; a masked one (`******8504`) is only shown. */
const callable = (phone: string) =>
  phone.includes("*") ? esc(phone) : `<a href="tel:${esc(phone.replace(/[^\d+]/g, ""))}">${esc(phone)}</a>`;
