import { ApiError, get, hasSession, type Me, postEmpty, setCsrf, setToken, token } from "./api";
import { esc } from "./format";
import { t } from "./i18n";
import { app, focusHeading, nav } from "./page";
import { resumeSession } from "./passkey";
import { adminKeysView } from "./views/adminKeys";
import { adminMarketsView } from "./views/adminMarkets";
import { adminReconciliationView, adminUnmatchedView } from "./views/adminPayments";
import { devicesView } from "./views/devices";
import { feesView } from "./views/fees";
import { incidentView } from "./views/incidents";
import { inviteView } from "./views/invite";
import { joinView } from "./views/join";
import { liaisonView } from "./views/liaison";
import { loginView } from "./views/login";
import { marketEvaluationsView, marketPageView } from "./views/marketEvaluations";
import { peopleView } from "./views/people";
import { stallsView } from "./views/stalls";
import { uptakeView } from "./views/uptake";
import { vendorView } from "./views/vendor";

/**
 * The officials' and vendors' app: sign-in and each role's screens. main.ts loads it for every address but the
 * public calendar's, and calls `route` on each navigation.
 */
let me: Me | undefined;
let cleanup: (() => void) | undefined;
/**
 * Set while this phone is a stall's speaker: if its key stops working, the vendor is told it was revoked and how to
 * come back (a new card), never shown a key prompt they cannot answer (issue 26).
 */
const VENDOR_KEY = "m40.vendorPhone";
let revoked = false;
/** While the phone's saved key is checked on opening. */
let starting = true;

type Route = [hash: string, label: () => string, show: (marketId: string) => unknown];

/** Each role's pages (the first is its home), and a person's own devices when they signed in as themself. */
function routesFor(user: Me): Route[] {
  const pages = rolePages(user);
  return user.personId ? [...pages, ["#/devices", () => t("devices"), () => devicesView(app)]] : pages;
}

function rolePages(user: Me): Route[] {
  const market = user.marketId ?? "";
  switch (user.role) {
    case "vendor":
      return [
        [
          "#/",
          () => t("stall"),
          async () => {
            cleanup = await vendorView(app, user.stallId!);
          },
        ],
      ];
    case "manager":
      return [
        ["#/", () => t("uptake"), () => uptakeView(app, market)],
        ["#/stalls", () => t("stalls"), () => stallsView(app, market)],
        ["#/incident", () => t("reportIncident"), () => incidentView(app, market)],
        ["#/fees", () => t("fees"), () => feesView(app, market)],
        ["#/evaluations", () => t("evaluations"), () => marketEvaluationsView(app, market)],
        ["#/people", () => t("coManagers"), () => peopleView(app, user)],
      ];
    case "liaison":
      return [["#/", () => t("evaluations"), () => liaisonView(app)]];
    case "admin":
      return [
        ["#/", () => t("evaluations"), () => liaisonView(app)],
        ["#/markets", () => t("markets"), () => adminMarketsView(app)],
        ["#/people", () => t("people"), () => peopleView(app, user)],
        ["#/keys", () => t("keys"), () => adminKeysView(app)],
        ["#/unmatched", () => t("unmatched"), () => adminUnmatchedView(app)],
        ["#/reconciliation", () => t("reconciliation"), () => adminReconciliationView(app)],
      ];
    default:
      return [
        [
          "#/",
          () => t("home"),
          () => {
            app.innerHTML = `<p>${esc(user.role)}</p>`;
          },
        ],
      ];
  }
}

/**
 * A table's scroll container must be reachable by keyboard (axe: scrollable-region-focusable). Views should say so
 * themselves (`tabindex="0" role="region" aria-label`); this catches any that do not, on every screen.
 */
function focusableScrollRegions(root: HTMLElement) {
  for (const el of root.querySelectorAll<HTMLElement>(".scroll:not([tabindex])")) {
    el.tabIndex = 0;
    el.setAttribute("role", "region");
    const heading =
      el.closest("section, .card")?.querySelector("h2, h1") ?? document.querySelector("main h1");
    el.setAttribute("aria-label", heading?.textContent?.trim() || t("dataTable"));
  }
}
new MutationObserver(() => focusableScrollRegions(app)).observe(app, { childList: true, subtree: true });

/** Stops what the current screen runs (the vendor's speaker socket): the page is moving to the public calendar. */
export function leave(): void {
  cleanup?.();
  cleanup = undefined;
}

/** The saved key, checked once when the app first loads. */
let opening: Promise<void> | undefined;
/** The saved key was refused while opening, and keyRefused has already shown the sign-in screen. */
let refusedOnOpening = false;
async function open(): Promise<void> {
  // A refused key raises "m40:unauthorized" (api.ts), which routes to the sign-in screen, revoked or not.
  const saved = token() && !location.hash.startsWith("#/invite/");
  if (saved) me = await get<Me>("/api/me").catch(() => undefined);
  // No key kept: a person's session cookie, if this browser holds one that still works (docs/contract.md §19).
  else if (!/^#\/(invite|join)\//.test(location.hash) && (await resumeSession()))
    me = await get<Me>("/api/me").catch(() => undefined);
  starting = false;
  refusedOnOpening = Boolean(saved) && !token();
}

/** `moved`: the person navigated (a link, sign-in, language), so focus goes to the new page's heading. */
export async function route(moved = false): Promise<void> {
  if (!opening) {
    opening = open();
    await opening;
    if (refusedOnOpening) return;
  } else await opening;
  await show(moved);
}

async function show(moved: boolean): Promise<void> {
  cleanup?.();
  cleanup = undefined;
  // A sign-in card's URL (docs/contract.md §13): signs the vendor in whoever was signed in before.
  const invitation = /^#\/invite\/([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (invitation) {
    setToken(null);
    me = undefined;
    nav.innerHTML = "";
    await inviteView(app, invitation[1]!, (user) => {
      me = user;
      void route();
    });
    return;
  }
  // A person's invitation (docs/contract.md §19): makes a passkey on this device and signs them in.
  const joining = /^#\/join\/([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (joining) {
    nav.innerHTML = "";
    await joinView(app, joining[1]!, (user) => {
      me = user;
      revoked = false;
      void route(true);
    });
    return;
  }
  if (!me) {
    nav.innerHTML = "";
    loginView(
      app,
      (user) => {
        me = user;
        revoked = false;
        // The page the person asked for (a bookmark, a link, a tap while signing in) stays: route() falls back to
        // the first page of this role, and says so in the address, when it is not one of theirs.
        void route(true);
      },
      revoked,
    );
    return;
  }
  if (me.role === "vendor") localStorage.setItem(VENDOR_KEY, "1");
  else localStorage.removeItem(VENDOR_KEY);
  let routes = routesFor(me);
  const adminMarket = /^#\/m\/([a-z0-9-]+)(\/.*)?$/.exec(location.hash);
  if (me.role === "admin" && adminMarket)
    routes = routesFor({ ...me, role: "manager", marketId: adminMarket[1] }).map(([h, l, s]) => [
      `#/m/${adminMarket[1]}${h.slice(1)}`,
      l,
      s,
    ]);
  // A market's read-only page (liaison, admin): reached from a market's name, not from the menu.
  const marketPage = /^#\/market\/([a-z0-9-]+)$/.exec(location.hash);
  if ((me.role === "liaison" || me.role === "admin") && marketPage)
    routes = [...routes, [location.hash, () => t("market"), () => marketPageView(app, marketPage[1]!)]];
  const asked = routes.find(
    ([h]) => h === location.hash || (h.endsWith("/") && location.hash === h.slice(0, -1)),
  );
  const current = asked ?? routes[0]!;
  if (!asked && location.hash !== current[0]) history.replaceState(null, "", current[0]);
  nav.innerHTML = `${routes
    .filter(([h]) => !h.startsWith("#/market/"))
    .map(
      ([h, label]) =>
        `<a href="${h}"${h === current[0] ? ' class="active" aria-current="page"' : ""}>${esc(label())}</a>`,
    )
    .join(
      "",
    )}<button type="button" class="link" id="signout">${me.role === "vendor" ? t("leave") : t("signOut")}</button>`;
  const signOut = () => {
    // A session ends on the server too, so its cookie is worthless even if copied.
    if (hasSession()) void postEmpty("/api/auth/logout").catch(() => undefined);
    setCsrf(undefined);
    setToken(null);
    localStorage.removeItem(VENDOR_KEY);
    // The service worker's copies of this key's answers go with it (public/sw.js).
    void globalThis.caches?.delete("m40-api");
    me = undefined;
    void route(true);
  };
  // A vendor's card works once: leaving asks first, and says how to come back.
  nav
    .querySelector("#signout")!
    .addEventListener("click", () => (me?.role === "vendor" ? confirmLeave(signOut) : signOut()));
  await current[2](me.marketId ?? "");
  if (moved) focusHeading();
}

/** "Rời máy này?": what leaving costs (a new card from the manager), with staying as the easy answer. */
function confirmLeave(leave: () => void): void {
  const dlg = document.createElement("dialog");
  dlg.className = "confirm-leave";
  dlg.setAttribute("aria-labelledby", "leave-title");
  dlg.innerHTML = `<h2 id="leave-title">${t("leaveTitle")}</h2><p>${t("leaveText")}</p>
    <p class="row"><button type="button" id="leave-stay">${t("leaveStay")}</button>
    <button type="button" class="danger" id="leave-go">${t("leaveGo")}</button></p>`;
  document.body.append(dlg);
  dlg.addEventListener("close", () => dlg.remove());
  dlg.querySelector("#leave-stay")!.addEventListener("click", () => dlg.close());
  dlg.querySelector("#leave-go")!.addEventListener("click", () => {
    dlg.close();
    leave();
  });
  dlg.showModal();
  dlg.querySelector<HTMLButtonElement>("#leave-stay")!.focus();
}

/** The phone's key stopped working mid-session or on opening: a vendor's phone says it was revoked. */
function keyRefused(): void {
  // Only a key or session the phone was using: a key being tried on the sign-in form answers there.
  if (!(token() || hasSession()) || !(me || starting)) return;
  setToken(null);
  setCsrf(undefined);
  void globalThis.caches?.delete("m40-api");
  revoked = localStorage.getItem(VENDOR_KEY) === "1";
  me = undefined;
  void show(true);
}
window.addEventListener("m40:unauthorized", keyRefused);

// A button whose request failed with nobody catching it (a download while offline) still says what happened.
window.addEventListener("unhandledrejection", (e) => {
  if (!(e.reason instanceof ApiError)) return;
  e.preventDefault();
  let toast = document.querySelector<HTMLElement>("#toast");
  if (!toast) {
    toast = document.createElement("div");
    toast.id = "toast";
    toast.className = "error toast";
    toast.setAttribute("role", "alert");
    document.body.append(toast);
  }
  toast.textContent = e.reason.status === 0 ? t("offlineDownload") : e.reason.message;
  toast.hidden = false;
  setTimeout(() => {
    toast.hidden = true;
  }, 8000);
});
