import { ApiError, acceptInvitation, get, type Me } from "../api";
import { esc } from "../format";
import { t } from "../i18n";

/**
 * A vendor opened the URL on their sign-in card (`#/invite/<code>`): accept it, keep the key, and go to the stall.
 * The code leaves the address bar at once, so it is not left in the history for the next person with the phone.
 */
export async function inviteView(
  app: HTMLElement,
  code: string,
  onSignedIn: (me: Me) => void,
): Promise<void> {
  history.replaceState(null, "", `${location.pathname}${location.search}#/`);
  app.innerHTML = `<h1>${t("inviteTitle")}</h1><div class="card narrow" id="invite-status"><p class="loading" role="status">${t("inviteWorking")}</p></div>`;
  const box = app.querySelector<HTMLElement>("#invite-status")!;
  try {
    await acceptInvitation(code);
    onSignedIn(await get<Me>("/api/me"));
  } catch (err) {
    const message = err instanceof ApiError && err.status === 0 ? t("offline") : (err as Error).message;
    box.innerHTML = `<div class="error" role="alert">${esc(message)}</div><p><a href="#/signin">${t("signIn")}</a></p>`;
  }
}
