import { ApiError, get, type Me, setToken, token } from "./api";
import { esc } from "./format";
import { currentLang, setLang, t } from "./i18n";
import { section } from "./ui";
import { incidentView } from "./views/incidents";
import { inviteView } from "./views/invite";
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

(async () => {
  if (token() && !location.hash.startsWith("#/invite/")) me = await get<Me>("/api/me").catch(() => undefined);
  await route();
})();
