import { ApiError, get, type Me, setToken } from "../api";
import { dateTime, esc } from "../format";
import { t } from "../i18n";
import { cancelled, passkeysSupported, registerPasskey } from "../passkey";

interface Opened {
  purpose: "join" | "recovery" | "device";
  name: string;
  role: "admin" | "manager" | "liaison";
  marketId?: string;
  marketName?: string;
  province?: string;
  expiresAt: string;
}

/**
 * A person opened their invitation (`#/join/<code>`; docs/contract.md §19): whom it is for, then one button that
 * makes a passkey on this device and signs them in. The code leaves the address bar at once, so it is not left in
 * the history for the next person with the device.
 */
export async function joinView(app: HTMLElement, code: string, onSignedIn: (me: Me) => void): Promise<void> {
  history.replaceState(null, "", `${location.pathname}${location.search}#/`);
  app.innerHTML = `<h1>${t("joinTitle")}</h1><div class="card narrow" id="join"><p class="loading" role="status">${t("loading")}</p></div>`;
  const box = app.querySelector<HTMLElement>("#join")!;
  const failed = (err: unknown) => {
    const message = err instanceof ApiError && err.status === 0 ? t("offline") : (err as Error).message;
    return `<div class="error" role="alert">${esc(message)}</div>`;
  };
  let opened: Opened;
  try {
    opened = await get<Opened>(`/api/join/${encodeURIComponent(code)}`);
  } catch (err) {
    box.innerHTML = `${failed(err)}<p><a href="#/">${t("signIn")}</a></p>`;
    return;
  }
  const scope = opened.marketName ?? opened.marketId ?? opened.province ?? "";
  box.innerHTML = `<p>${t("joinFor")} <b>${esc(opened.name)}</b> — ${t(`role_${opened.role}`)}${scope ? ` (${esc(scope)})` : ""}</p>
    <p>${t(`joinPurpose_${opened.purpose}`)}</p>
    <p class="muted">${t("joinExpires")}: ${esc(dateTime(opened.expiresAt))}</p>
    <div class="form-status" role="status"></div>
    <button type="button" id="join-go" disabled>${t("joinCreate")}</button>`;
  const status = box.querySelector(".form-status")!;
  // Enabled only once it answers a tap: a tap while the device's support is still being asked did nothing.
  if (!(await passkeysSupported())) {
    status.innerHTML = `<div class="error" role="alert">${t("passkeyUnsupported")}</div>`;
    return;
  }
  const button = box.querySelector<HTMLButtonElement>("#join-go")!;
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.innerHTML = "";
    try {
      // A person signs in as themself from here on: an API key this browser held is dropped.
      setToken(null);
      await registerPasskey(code);
      status.innerHTML = `<div class="ok">${t("joinDone")}</div>`;
      onSignedIn(await get<Me>("/api/me"));
    } catch (err) {
      status.innerHTML = cancelled(err)
        ? `<div class="error" role="alert">${t("passkeyCancelled")}</div>`
        : failed(err);
      button.disabled = false;
    }
  });
  button.disabled = false;
}
