import { ApiError, acceptInvitation, get, type Me, setToken, typedCardCode } from "../api";
import { esc } from "../format";
import { t } from "../i18n";
import { cancelled, signInWithPasskey } from "../passkey";

/**
 * Signing in: an official taps "Đăng nhập bằng khoá truy cập" (a passkey on their phone or computer, one tap, nothing
 * typed; docs/contract.md §19); a vendor types the code under their card's QR (issue 26: when the camera cannot read
 * it); an operator may still paste an API key, folded away under "Dùng khoá API". `revoked`: this phone's vendor key
 * was revoked, so the page says so and how to come back.
 */
export function loginView(app: HTMLElement, onSignedIn: (me: Me) => void, revoked = false): void {
  // A vendor's phone whose card stopped working needs its card code first; anyone else, their passkey.
  const passkeyCard = `
    <section class="card narrow" id="passkey" aria-labelledby="passkey-title">
      <h2 id="passkey-title">${t("passkeyTitle")}</h2>
      <p class="muted">${t("passkeyHelp")}</p>
      <div class="form-status" role="status"></div>
      <button type="button" id="passkey-go">${t("passkeySignIn")}</button>
    </section>`;
  app.innerHTML = `
    <h1>${revoked ? t("revokedTitle") : t("signIn")}</h1>
    ${revoked ? `<div class="notice" role="alert" id="revoked">${t("revokedText")}</div>` : ""}
    <p class="public-link">${t("publicCalendarAsk")} <a class="button secondary" href="#/lich-cho">${t("publicCalendarLink")}</a> <span class="muted">(${t("publicCalendarNote")})</span></p>
    ${revoked ? "" : passkeyCard}
    <form class="card narrow" id="card-code" novalidate>
      <h2>${t("cardCodeTitle")}</h2>
      <label for="card-code-input">${t("cardCodeLabel")}</label>
      <input id="card-code-input" name="code" class="card-code" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="12" placeholder="K7QF 3MXH">
      <p class="muted">${t("cardCodeHelp")}</p>
      <div class="form-status"></div>
      <button type="submit">${t("cardCodeGo")}</button>
    </form>
    ${revoked ? passkeyCard : ""}
    <details class="staff narrow"><summary>${t("useApiKey")}</summary>
    <form class="card" id="login">
      <label for="token">${t("apiKey")}</label>
      <input id="token" name="token" autocomplete="current-password" required spellcheck="false" placeholder="m40_…">
      <p class="muted">${t("apiKeyHelp")}</p>
      <div class="form-status"></div>
      <button type="submit">${t("signIn")}</button>
    </form></details>`;
  const passkey = app.querySelector<HTMLElement>("#passkey")!;
  passkey.querySelector("#passkey-go")!.addEventListener("click", async (e) => {
    const button = e.currentTarget as HTMLButtonElement;
    const status = passkey.querySelector(".form-status")!;
    status.innerHTML = "";
    button.disabled = true;
    try {
      await signInWithPasskey();
      onSignedIn(await get<Me>("/api/me"));
    } catch (err) {
      const message = cancelled(err)
        ? t("passkeyCancelled")
        : err instanceof ApiError && err.status === 0
          ? t("offline")
          : err instanceof ApiError && err.status === 401
            ? t("passkeyRefused")
            : (err as Error).message;
      status.innerHTML = `<div class="error" role="alert">${esc(message)}</div>`;
    } finally {
      button.disabled = false;
    }
  });
  const cardForm = app.querySelector<HTMLFormElement>("#card-code")!;
  cardForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const status = cardForm.querySelector(".form-status")!;
    const code = typedCardCode(String(new FormData(cardForm).get("code") ?? ""));
    if (!code) {
      status.innerHTML = `<div class="error" role="alert">${t("cardCodeBad")}</div>`;
      return;
    }
    const button = cardForm.querySelector("button")!;
    button.disabled = true;
    try {
      await acceptInvitation(code);
      onSignedIn(await get<Me>("/api/me"));
    } catch (err) {
      const message = err instanceof ApiError && err.status === 0 ? t("offline") : (err as Error).message;
      status.innerHTML = `<div class="error" role="alert">${esc(message)}</div>`;
    } finally {
      button.disabled = false;
    }
  });
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
