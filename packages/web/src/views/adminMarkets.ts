import { ANIMALS } from "@market40/core/calendar/animals";
import { ApiError, get, post } from "../api";
import { animalName, weekdayName } from "../calendarWords";
import { day, esc, parseDay, parseTime, today } from "../format";
import { t } from "../i18n";
import type { Market } from "../shapes";
import { clearFieldErrors, dateInput, section, showFieldErrors, timeInput } from "../ui";
import { scheduleText } from "./marketEvaluations";

type Schedule = Market["schedule"];

/** The admin's markets: the list, a form to register one, and the same form to change its schedule and closures. */
export async function adminMarketsView(app: HTMLElement): Promise<void> {
  app.innerHTML = `<h1 tabindex="-1">${t("markets")}</h1>
    <section id="markets" class="card"></section>
    <form id="market-form" class="card" novalidate></form>`;
  const list = app.querySelector<HTMLElement>("#markets")!;
  const form = app.querySelector<HTMLFormElement>("#market-form")!;
  let markets: Market[] = [];
  const load = () =>
    section(
      list,
      async () => {
        markets = (await get<{ items: Market[] }>("/api/markets?limit=500")).items;
        return markets.length
          ? `<div class="scroll" tabindex="0" role="region" aria-label="${t("markets")}"><table class="stack"><thead><tr><th scope="col">${t("market")}</th><th scope="col">${t("province")}</th><th scope="col">${t("schedule")}</th><th scope="col">${t("closures")}</th><th scope="col"><span class="visually-hidden">${t("actions")}</span></th></tr></thead><tbody>${markets
              .map(
                (m) =>
                  `<tr><td data-label="${t("market")}"><a href="#/market/${esc(m.id)}">${esc(m.name)}</a><br><span class="muted">${esc(m.id)}</span></td><td data-label="${t("province")}">${esc(m.province)} · ${esc(m.commune)}</td><td data-label="${t("schedule")}">${esc(scheduleText(m.schedule))}</td><td data-label="${t("closures")}">${m.closures.length}</td><td class="actions"><button type="button" class="secondary" data-edit="${esc(m.id)}">${t("edit")}</button> <a href="#/m/${esc(m.id)}">${t("manage")}</a></td></tr>`,
              )
              .join("")}</tbody></table></div>`
          : `<p>${t("none")}</p>`;
      },
      (el) => {
        for (const b of el.querySelectorAll<HTMLButtonElement>("[data-edit]"))
          b.addEventListener("click", () => {
            showForm(
              form,
              markets.find((m) => m.id === b.dataset.edit),
            );
            form.querySelector<HTMLElement>("h2")!.focus();
          });
      },
    );
  showForm(form);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const editing = form.dataset.editing;
    const body = readForm(form);
    try {
      checkDates(body);
      if (editing) {
        const { id: _id, ...patch } = body;
        await post(`/api/markets/${editing}`, patch, "PATCH");
      } else await post("/api/markets", body);
      clearFieldErrors(form);
      await load();
      showForm(form);
      form.querySelector(".form-status")!.innerHTML = `<div class="ok">${t("saved")}</div>`;
    } catch (err) {
      showFieldErrors(form, fieldPaths(err, String(body.schedule.kind)));
    }
  });
  await load();
}

function showForm(form: HTMLFormElement, m?: Market) {
  const s: Schedule = m?.schedule ?? { kind: "weekly", days: [7] };
  const checked = (on: boolean) => (on ? " checked" : "");
  form.dataset.editing = m?.id ?? "";
  form.innerHTML = `<h2 tabindex="-1">${m ? `${t("edit")}: ${esc(m.name)}` : t("addMarket")}</h2>
    <div class="row"><div><label for="m-id">${t("marketId")}</label><input id="m-id" name="id" value="${esc(m?.id ?? "")}" ${m ? "readonly" : "required"} autocapitalize="none" spellcheck="false"></div>
    <div><label for="m-name">${t("marketName")}</label><input id="m-name" name="name" value="${esc(m?.name ?? "")}" required></div></div>
    <div class="row"><div><label for="m-province">${t("province")}</label><input id="m-province" name="province" value="${esc(m?.province ?? "")}" required></div>
    <div><label for="m-commune">${t("commune")}</label><input id="m-commune" name="commune" value="${esc(m?.commune ?? "")}" required></div></div>
    <div class="row"><div><label for="m-launched">${t("launchedOn")}</label>${dateInput("m-launched", "launchedOn", esc(m?.launchedOn ?? today()), " required")}</div>
    <div><label for="m-open">${t("opens")}</label>${timeInput("m-open", "hours.open", esc(m?.hours.open ?? "05:00"), " required")}</div>
    <div><label for="m-close">${t("closes")}</label>${timeInput("m-close", "hours.close", esc(m?.hours.close ?? "12:00"), " required")}</div></div>
    <label for="m-kind">${t("schedule")}</label>
    <select id="m-kind" name="schedule.kind">${(["daily", "weekly", "zodiac", "lunar"] as const).map((k) => `<option value="${k}"${s.kind === k ? " selected" : ""}>${t(k)}</option>`).join("")}</select>
    <fieldset name="weeklyDays" data-kind="weekly"><legend>${t("weekdays")}</legend>${[1, 2, 3, 4, 5, 6, 7].map((d) => `<label class="check"><input type="checkbox" name="weeklyDays" value="${d}"${checked(s.kind === "weekly" && s.days.includes(d))}> ${weekdayName(d)}</label>`).join("")}</fieldset>
    <fieldset name="animals" data-kind="zodiac"><legend>${t("zodiacDays")}</legend>${ANIMALS.map((a) => `<label class="check"><input type="checkbox" name="animals" value="${a}"${checked(s.kind === "zodiac" && s.animals.includes(a))}> ${animalName(a)}</label>`).join("")}</fieldset>
    <div data-kind="lunar"><label for="m-lunar">${t("lunarDays")}</label><input id="m-lunar" name="lunarDays" inputmode="numeric" placeholder="1, 6, 11, 16, 21, 26" value="${s.kind === "lunar" ? esc(s.days.join(", ")) : ""}"></div>
    <label for="m-closures">${t("closures")}</label>
    <textarea id="m-closures" name="closures" rows="2" placeholder="17/02/2026, 18/02/2026" aria-describedby="m-closures-help">${esc(m?.closures.map(day).join(", ") ?? "")}</textarea>
    <p id="m-closures-help" class="muted">${t("closuresHelp")}</p>
    <div class="form-status" role="status"></div>
    <p><button type="submit">${t("save")}</button>${m ? ` <button type="button" class="secondary" id="m-cancel">${t("cancel")}</button>` : ""}</p>`;
  const kind = form.querySelector<HTMLSelectElement>("#m-kind")!;
  const showKind = () => {
    for (const el of form.querySelectorAll<HTMLElement>("[data-kind]"))
      el.hidden = el.dataset.kind !== kind.value;
  };
  kind.addEventListener("change", showKind);
  showKind();
  form.querySelector("#m-cancel")?.addEventListener("click", () => showForm(form));
}

function readForm(form: HTMLFormElement) {
  const data = new FormData(form);
  const text = (k: string) => String(data.get(k) ?? "").trim();
  const numbers = (values: string[]) => values.filter(Boolean).map(Number);
  const kind = text("schedule.kind") as Schedule["kind"];
  const schedule =
    kind === "weekly"
      ? { kind, days: numbers(data.getAll("weeklyDays").map(String)) }
      : kind === "zodiac"
        ? { kind, animals: data.getAll("animals").map(String) }
        : kind === "lunar"
          ? { kind, days: numbers(text("lunarDays").split(/[\s,;]+/)) }
          : { kind };
  return {
    id: text("id"),
    name: text("name"),
    province: text("province"),
    commune: text("commune"),
    launchedOn: parseDay(text("launchedOn")) ?? text("launchedOn"),
    hours: {
      open: parseTime(text("hours.open")) ?? text("hours.open"),
      close: parseTime(text("hours.close")) ?? text("hours.close"),
    },
    schedule,
    closures: text("closures")
      .split(/[\s,;]+/)
      .filter(Boolean)
      .map((d) => parseDay(d) ?? d),
  };
}

/** Dates and times as typed (dd/MM/yyyy, HH:mm) are checked here, so the message speaks the form's format. */
function checkDates(body: ReturnType<typeof readForm>): void {
  const isDay = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d);
  const issues = [
    ...(isDay(body.launchedOn) ? [] : [{ path: "launchedOn", message: t("dateFormat") }]),
    ...(body.closures.every(isDay) ? [] : [{ path: "closures", message: t("dateFormat") }]),
    ...(["open", "close"] as const)
      .filter((k) => !/^\d{2}:\d{2}$/.test(body.hours[k]))
      .map((k) => ({ path: `hours.${k}`, message: t("timeFormat") })),
  ];
  if (issues.length) throw new ApiError(400, t("dateFormat"), issues);
}

/** The API names `schedule.days.0`, `closures.2`; the form's fields are named for what a person fills in. */
function fieldPaths(err: unknown, kind: string): unknown {
  if (!(err instanceof ApiError)) return err;
  const field = (path: string) =>
    path.startsWith("schedule.days")
      ? kind === "lunar"
        ? "lunarDays"
        : "weeklyDays"
      : path.startsWith("schedule.animals")
        ? "animals"
        : path.startsWith("closures")
          ? "closures"
          : path;
  const seen = new Set<string>();
  const issues = err.issues
    .map((i) => ({ ...i, path: field(i.path) }))
    .filter((i) => !seen.has(i.path) && seen.add(i.path));
  return new ApiError(err.status, err.message, issues);
}
