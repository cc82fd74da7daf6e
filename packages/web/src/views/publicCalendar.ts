import { token } from "../api";
import { API_BASE } from "../apiBase";
import { branchName, animalName as inWords, weekdayFull } from "../calendarWords";
import { addDays, esc, num, today } from "../format";
import type { PublicMarket } from "../shapes";
import { word } from "./publicCalendarText";

/**
 * "Lịch chợ phiên" (docs/contract.md §21): every public market's next sessions as people say them, whether it is in
 * session now, its share of stalls with a QR code and its iCal feed, for anyone, with no sign-in. It lives in the
 * entry chunk with none of the officials' app, and opens with no network after one visit (public/sw.js).
 */

/** `#/lich-cho`, optionally with a search: `#/lich-cho?q=dong van` (a link someone can share). */
export const isPublicCalendar = (hash: string) => /^#\/lich-cho(?:[/?]|$)/.test(hash);

const PATH = "/api/public/markets";
/** The same cache public/sw.js keeps this answer in (the worker is plain JavaScript and cannot import it). */
const CACHE = "m40-public";

interface Listing {
  items: PublicMarket[];
  /** Served from the phone's copy: when it was saved (the answer's `date`), if known. */
  stale?: { savedAt: string | null };
}

/** Network first; the phone's last copy when the network fails (the worker's, or the page's own). */
async function load(): Promise<Listing> {
  const url = `${API_BASE}${PATH}`;
  try {
    // No key and no cookie: the answer is the same for everyone, and safe to keep.
    const res = await fetch(url, { credentials: "omit", signal: AbortSignal.timeout(20_000) });
    if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
    const stale = res.headers.has("x-m40-offline");
    // On the first visit the answer arrives before the service worker has taken the page over, so the page keeps
    // the copy itself; later the worker does (network first).
    if (!stale && !navigator.serviceWorker?.controller)
      await globalThis.caches
        ?.open(CACHE)
        .then((c) => c.put(url, res.clone()))
        .catch(() => undefined);
    const { items } = (await res.json()) as { items: PublicMarket[] };
    return { items, ...(stale ? { stale: { savedAt: res.headers.get("date") } } : {}) };
  } catch (err) {
    const copy = await globalThis.caches
      ?.open(CACHE)
      .then((c) => c.match(url))
      .catch(() => undefined);
    if (!copy) throw err;
    const { items } = (await copy.json()) as { items: PublicMarket[] };
    return { items, stale: { savedAt: copy.headers.get("date") } };
  }
}

/** Letters without their marks, lower case: "Đồng Văn" and "dong van" find each other. */
const plain = (text: string) =>
  text
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .replace(/đ/gi, "d")
    .toLowerCase();

const isoWeekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
/** An instant as Vietnam's wall-clock `HH:mm`. */
const vnTime = (iso: string) => new Date(Date.parse(iso) + 7 * 3600_000).toISOString().slice(11, 16);
/** A `date` header as "14:05 06/12" in Vietnam time. */
function savedAtText(date: string | null): string {
  const ms = date ? Date.parse(date) : Number.NaN;
  if (Number.isNaN(ms)) return "";
  const vn = new Date(ms + 7 * 3600_000).toISOString();
  return word("savedAt", { time: `${vn.slice(11, 16)} ${vn.slice(8, 10)}/${vn.slice(5, 7)}` });
}

type Session = PublicMarket["next"][number];

/**
 * "Chủ nhật 06/12", "Ngày Dần · Chủ nhật 06/12", "26/3 âm lịch → Chủ nhật 02/05/2027" (or their English): the
 * year only when it is not this one.
 */
function sessionName(s: Session, thisYear: string): string {
  const year = s.date.startsWith(thisYear) ? "" : `/${s.date.slice(0, 4)}`;
  const solar = `${weekdayFull(isoWeekday(s.date))} ${s.date.slice(8, 10)}/${s.date.slice(5, 7)}${year}`;
  if (s.animal) {
    const day = word("zodiacDay", { branch: branchName(s.animal), animal: inWords(s.animal) });
    return `${day.charAt(0).toUpperCase()}${day.slice(1)} · ${solar}`;
  }
  if (s.lunar) {
    const lunar = word("lunarDate", {
      day: s.lunar.day,
      month: s.lunar.month,
      leap: s.lunar.leap ? word("leap") : "",
    });
    return `${lunar} → ${solar}`;
  }
  return solar;
}

/** When a market meets, in words: "Họp Chủ nhật hằng tuần", "Họp ngày Dần, ngày Thân". */
function scheduleName(s: PublicMarket["schedule"]): string {
  const and = ", ";
  switch (s.kind) {
    case "daily":
      return word("daily");
    case "weekly":
      return word("weekly", { days: s.days.map(weekdayFull).join(and) });
    case "zodiac":
      return word("zodiac", {
        days: s.animals
          .map((a) => word("zodiacDay", { branch: branchName(a), animal: inWords(a) }))
          .join(and),
      });
    case "lunar":
      return s.months
        ? word("lunarYearly", { days: s.days.join(and), months: s.months.join(and) })
        : word("lunarMonthly", { days: s.days.join(and) });
  }
}

/** "05:00–12:00", and for a night market "17:00–01:00 (hôm sau)". */
function hoursName(h: PublicMarket["hours"]): string {
  const nextDay = h.close !== "24:00" && h.close <= h.open;
  return `${h.open}–${h.close}${nextDay ? ` (${word("nextDay")})` : ""}`;
}

/**
 * The session open now, if any: the first one listed when the server says the market is in session; in a saved
 * copy, the one the phone's clock falls in (the copy's `inSession` was true when it was saved).
 */
function sessionNow(m: PublicMarket, stale: boolean, now: number): Session | undefined {
  if (!stale) return m.inSession ? m.next[0] : undefined;
  return m.next.find((s) => Date.parse(s.opensAt) <= now && now < Date.parse(s.closesAt));
}

function marketCard(m: PublicMarket, stale: boolean): string {
  const now = Date.now();
  const current = sessionNow(m, stale, now);
  // A saved copy may hold sessions that have passed since.
  const next = stale ? m.next.filter((s) => Date.parse(s.closesAt) > now) : m.next;
  const t0 = today();
  const sessions = next
    .map((s) => {
      const when =
        s === current
          ? word("inSessionUntil", { time: vnTime(s.closesAt) })
          : s.date === t0
            ? word("today")
            : s.date === addDays(t0, 1)
              ? word("tomorrow")
              : "";
      return `<li${s === current ? ' class="in-session"' : ""}>${esc(sessionName(s, t0.slice(0, 4)))}${when ? ` <span class="when">(${esc(when)})</span>` : ""}</li>`;
    })
    .join("");
  const share =
    m.qrSharePct === null
      ? `<p class="qr-share muted">${word("qrNone")}</p>`
      : `<p class="qr-share"><b>${word("qrShare", { pct: num(Math.round(m.qrSharePct)) })}</b></p>`;
  const id = `m-${esc(m.id)}`;
  return `<li class="card market" data-search="${esc(plain(`${m.name} ${m.commune} ${m.province}`))}">
    <div class="market-head"><h4 id="${id}">${esc(m.name)}</h4>${current ? `<span class="badge in-session">${word("inSession")}</span>` : ""}</div>
    <p class="schedule">${esc(scheduleName(m.schedule))} · ${word("hours")} <span class="hours">${esc(hoursName(m.hours))}</span></p>
    ${
      next.length
        ? `<p class="sessions-title">${word("nextSessions")}:</p><ol class="sessions">${sessions}</ol>`
        : `<p class="muted">${word("noSessions")}</p>`
    }
    ${share}
    <a class="button" href="${esc(`${API_BASE}${m.calendar}`)}" aria-describedby="${id}">${word("addCalendar")}</a>
  </li>`;
}

/** Markets grouped by province, then commune, in the order the API gives them (province, commune, name). */
function listing(items: PublicMarket[], stale: boolean): string {
  const provinces = new Map<string, Map<string, PublicMarket[]>>();
  for (const m of items) {
    const communes = provinces.get(m.province) ?? new Map<string, PublicMarket[]>();
    provinces.set(m.province, communes);
    communes.set(m.commune, [...(communes.get(m.commune) ?? []), m]);
  }
  return [...provinces]
    .map(
      ([province, communes], i) => `<section class="province" aria-labelledby="p-${i}">
      <div class="province-head"><h2 id="p-${i}">${esc(province)}</h2>
      <a class="button secondary" href="${esc(`${API_BASE}/api/provinces/${encodeURIComponent(province)}/calendar.ics`)}">${word("addProvince", { province: esc(province) })}</a></div>
      <div class="communes">${[...communes]
        .map(
          ([commune, markets]) => `<div class="commune"><h3>${esc(commune)}</h3>
          <ul class="markets">${markets.map((m) => marketCard(m, stale)).join("")}</ul></div>`,
        )
        .join("")}</div>
    </section>`,
    )
    .join("");
}

/** Shows only the markets whose name, commune or province holds what was typed; says how many. */
function filter(root: HTMLElement, typed: string): void {
  const words = plain(typed).split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const card of root.querySelectorAll<HTMLElement>("li.market")) {
    const text = card.dataset.search ?? "";
    card.hidden = !words.every((w) => text.includes(w));
    if (!card.hidden) shown++;
  }
  for (const group of root.querySelectorAll<HTMLElement>(".commune, .province"))
    group.hidden = !group.querySelector("li.market:not([hidden])");
  const count = root.querySelector<HTMLElement>("#market-count");
  if (count) count.textContent = countText(shown);
}

const countText = (n: number) =>
  n === 0 ? word("noMatch") : n === 1 ? word("countOne") : word("count", { n });

/** The search in the address, so a filtered list can be shared: `#/lich-cho?q=…`. */
const typedInHash = () => new URLSearchParams(location.hash.split("?")[1] ?? "").get("q") ?? "";

export async function publicCalendarView(app: HTMLElement, nav: HTMLElement): Promise<void> {
  nav.innerHTML = `<a href="#/">${token() ? word("myPages") : word("signIn")}</a>`;
  document.title = `${word("title")} — market40`;
  app.innerHTML = `<h1>${word("title")}</h1><p class="lead">${word("intro")}</p>
    <div id="public-markets"><p class="loading" role="status">${word("loading")}</p></div>`;
  const box = app.querySelector<HTMLElement>("#public-markets")!;
  let listed: Listing;
  try {
    listed = await load();
  } catch (err) {
    const offline = err instanceof TypeError || (err as Error).name === "TimeoutError";
    box.innerHTML = `<div class="error" role="alert"><b>${word("failed")}</b>: ${esc(offline ? word("offlineFirst") : (err as Error).message)} <button type="button" class="secondary retry">${word("retry")}</button></div>`;
    box.querySelector(".retry")!.addEventListener("click", () => void publicCalendarView(app, nav));
    return;
  }
  const { items, stale } = listed;
  if (!items.length) {
    box.innerHTML = `<p>${word("noMarkets")}</p>`;
    return;
  }
  const typed = typedInHash();
  box.innerHTML = `${stale ? `<p class="stale" role="status">${esc(word("offline", { at: savedAtText(stale.savedAt) }))}</p>` : ""}
    <div class="market-search"><label for="market-search-input">${word("search")}</label>
    <input id="market-search-input" type="search" autocomplete="off" spellcheck="false" value="${esc(typed)}"></div>
    <p id="market-count" role="status" aria-live="polite">${countText(items.length)}</p>
    ${listing(items, Boolean(stale))}
    <p class="muted calendar-help">${word("calendarHelp")}</p>`;
  const input = box.querySelector<HTMLInputElement>("#market-search-input")!;
  if (typed) filter(box, typed);
  input.addEventListener("input", () => {
    filter(box, input.value);
    const q = input.value.trim();
    history.replaceState(null, "", q ? `#/lich-cho?q=${encodeURIComponent(q)}` : "#/lich-cho");
  });
}
