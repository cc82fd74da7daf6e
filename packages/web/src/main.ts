import { get, type Me, setToken, token } from "./api";
import { esc } from "./format";
import { currentLang, setLang, t } from "./i18n";
import { section } from "./ui";
import { incidentView } from "./views/incidents";
import { liaisonView } from "./views/liaison";
import { loginView } from "./views/login";
import { marketEvaluationsView } from "./views/marketEvaluations";
import { stallsView } from "./views/stalls";
import { uptakeView } from "./views/uptake";
import { vendorView } from "./views/vendor";

const app = document.querySelector<HTMLElement>("#app")!;
const nav = document.querySelector<HTMLElement>("#nav")!;
let me: Me | undefined;
let cleanup: (() => void) | undefined;

type Route = [hash: string, label: () => string, show: (marketId: string) => unknown];

/** Each role's pages; the first is its home. */
function routesFor(user: Me): Route[] {
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
        ["#/evaluations", () => t("evaluations"), () => marketEvaluationsView(app, market)],
      ];
    case "liaison":
      return [["#/", () => t("evaluations"), () => liaisonView(app)]];
    case "admin":
      return [
        ["#/", () => t("evaluations"), () => liaisonView(app)],
        ["#/markets", () => t("market"), () => adminMarkets()],
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

/** An admin picks a market, then sees it as its manager would. */
async function adminMarkets() {
  app.innerHTML = `<h1>${t("market")}</h1><section id="markets" class="card"></section>`;
  await section(app.querySelector("#markets")!, async () => {
    const { items } = await get<{ items: { id: string; name: string; commune: string }[] }>(
      "/api/markets?limit=500",
    );
    return `<ul>${items.map((m) => `<li><a href="#/m/${esc(m.id)}">${esc(m.name)}</a> <span class="muted">${esc(m.commune)}</span></li>`).join("")}</ul>`;
  });
}

async function route() {
  cleanup?.();
  cleanup = undefined;
  if (!me) {
    nav.innerHTML = "";
    loginView(app, (user) => {
      me = user;
      location.hash = "#/";
      void route();
    });
    return;
  }
  let routes = routesFor(me);
  const adminMarket = /^#\/m\/([a-z0-9-]+)(\/.*)?$/.exec(location.hash);
  if (me.role === "admin" && adminMarket)
    routes = routesFor({ ...me, role: "manager", marketId: adminMarket[1] }).map(([h, l, s]) => [
      `#/m/${adminMarket[1]}${h.slice(1)}`,
      l,
      s,
    ]);
  const current =
    routes.find(([h]) => h === location.hash || (h.endsWith("/") && location.hash === h.slice(0, -1))) ??
    routes[0]!;
  nav.innerHTML = `${routes.map(([h, label]) => `<a href="${h}" class="${h === current[0] ? "active" : ""}">${esc(label())}</a>`).join("")}<button type="button" class="link" id="signout">${t("signOut")}</button>`;
  nav.querySelector("#signout")!.addEventListener("click", () => {
    setToken(null);
    // The service worker's copies of this key's answers go with it (public/sw.js).
    void globalThis.caches?.delete("m40-api");
    me = undefined;
    void route();
  });
  await current[2](me.marketId ?? "");
}

const langButton = document.querySelector<HTMLButtonElement>("#lang")!;
const showLang = () => {
  langButton.textContent = currentLang() === "vi" ? "EN" : "VI";
  langButton.setAttribute("aria-label", currentLang() === "vi" ? "English" : "Tiếng Việt");
};
langButton.addEventListener("click", () => {
  setLang(currentLang() === "vi" ? "en" : "vi");
  showLang();
  void route();
});
setLang(currentLang());
showLang();
window.addEventListener("hashchange", () => void route());

// Installable, and the vendor's page opens with no network after one visit (public/sw.js).
if ("serviceWorker" in navigator) void navigator.serviceWorker.register("./sw.js").catch(() => undefined);

(async () => {
  if (token()) me = await get<Me>("/api/me").catch(() => undefined);
  await route();
})();
