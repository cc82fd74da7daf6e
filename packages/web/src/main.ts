import { currentLang, setLang } from "./lang";
import { app, focusHeading, nav } from "./page";
import { isPublicCalendar, publicCalendarView } from "./views/publicCalendar";

/**
 * The entry: it decides which app a page needs. The public calendar ("Lịch chợ phiên", docs/contract.md §21) is in
 * this first chunk and loads nothing else, so a visitor's phone never downloads the officials' app; every other
 * address loads that app (app.ts) on demand.
 */
type Officials = typeof import("./app");
let officials: Promise<Officials> | undefined;
/** index.html's title; the public calendar names itself while it is shown. */
const title = document.title;

/** `moved`: the person navigated (a link, sign-in, language), so focus goes to the new page's heading. */
async function show(moved = false): Promise<void> {
  if (isPublicCalendar(location.hash)) {
    // A signed-in screen being left stops what it runs (the vendor's speaker socket).
    (await officials)?.leave();
    await publicCalendarView(app, nav);
    if (moved) focusHeading();
    return;
  }
  document.title = title;
  officials ??= import("./app");
  await (await officials).route(moved);
}

const langButton = document.querySelector<HTMLButtonElement>("#lang")!;
/** The toggle names the other language in that language; its visible text is its accessible name. */
const showLang = () => {
  const other = currentLang() === "vi" ? "en" : "vi";
  langButton.textContent = other === "en" ? "English" : "Tiếng Việt";
  langButton.lang = other;
};
langButton.addEventListener("click", () => {
  setLang(currentLang() === "vi" ? "en" : "vi");
  showLang();
  void show().then(() => langButton.focus());
});
setLang(currentLang());
showLang();
window.addEventListener("hashchange", () => void show(true));

// Installable, and the vendor's page and the public calendar open with no network after one visit (public/sw.js).
if ("serviceWorker" in navigator) void navigator.serviceWorker.register("./sw.js").catch(() => undefined);

void show();
