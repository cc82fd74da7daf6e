import { ApiError, get, type Me, setToken } from "../api";
import { esc } from "../format";
import { t } from "../i18n";

export function loginView(app: HTMLElement, onSignedIn: (me: Me) => void): void {
  app.innerHTML = `
    <h1>${t("signIn")}</h1>
    <form class="card narrow" id="login">
      <label for="token">${t("apiKey")}</label>
      <input id="token" name="token" autocomplete="current-password" required spellcheck="false" placeholder="m40_…">
      <p class="muted">${t("apiKeyHelp")}</p>
      <div class="form-status"></div>
      <button type="submit">${t("signIn")}</button>
    </form>`;
  const form = app.querySelector<HTMLFormElement>("#login")!;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const button = form.querySelector("button")!;
    button.disabled = true;
    setToken(String(new FormData(form).get("token") ?? "").trim());
    try {
      onSignedIn(await get<Me>("/api/me"));
    } catch (err) {
      setToken(null);
      const message = err instanceof ApiError && err.status === 401 ? t("badKey") : (err as Error).message;
      form.querySelector(".form-status")!.innerHTML = `<div class="error" role="alert">${esc(message)}</div>`;
    } finally {
      button.disabled = false;
    }
  });
}
