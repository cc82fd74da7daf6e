import { del, get, post } from "../api";
import { dateTime, esc } from "../format";
import { t } from "../i18n";
import { section } from "../ui";
import { invitationCard } from "./invitationCard";

interface SessionRow {
  id: string;
  device: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  current: boolean;
}

/**
 * "Thiết bị đã đăng nhập" (docs/contract.md §19): the signed-in person's sessions, any of which they can end (a lost
 * phone), and a one-time link to add another device's passkey.
 */
export async function devicesView(app: HTMLElement): Promise<void> {
  app.innerHTML = `<h1 tabindex="-1">${t("devices")}</h1>
    <p class="muted">${t("devicesHelp")}</p>
    <section id="sessions" class="card"></section>
    <section class="card" id="add-device">
      <h2>${t("addDevice")}</h2>
      <p class="muted">${t("addDeviceHelp")}</p>
      <div class="form-status" role="status"></div>
      <div id="device-invitation"></div>
      <button type="button" id="add-device-go">${t("addDevice")}</button>
    </section>`;
  const list = app.querySelector<HTMLElement>("#sessions")!;
  const load = () =>
    section(
      list,
      async () => {
        const { items } = await get<{ items: SessionRow[] }>("/api/auth/sessions");
        const head = [t("deviceName"), t("lastSeen"), t("expiresAt"), ""];
        return `<h2>${t("devices")}</h2><div class="scroll" tabindex="0" role="region" aria-label="${t("devices")}"><table class="stack"><thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join("")}</tr></thead><tbody>${items
          .map(
            (s) => `<tr data-session="${esc(s.id)}">
              <td data-label="${head[0]}">${esc(s.device)}${s.current ? ` <strong class="this-device">(${t("thisDevice")})</strong>` : ""}</td>
              <td data-label="${head[1]}">${esc(dateTime(s.lastSeenAt))}</td>
              <td data-label="${head[2]}">${esc(dateTime(s.expiresAt))}</td>
              <td>${s.current ? "" : `<button type="button" class="secondary end-session" aria-label="${t("endSession")}: ${esc(s.device)}">${t("endSession")}</button>`}</td>
            </tr>`,
          )
          .join("")}</tbody></table></div><div class="form-status" role="status"></div>`;
      },
      (el) => {
        for (const button of el.querySelectorAll<HTMLButtonElement>(".end-session"))
          button.addEventListener("click", async () => {
            button.disabled = true;
            const id = button.closest<HTMLElement>("tr")!.dataset.session!;
            await del(`/api/auth/sessions/${encodeURIComponent(id)}`);
            await load();
            list.querySelector(".form-status")!.innerHTML = `<div class="ok">${t("sessionEnded")}</div>`;
          });
      },
    );
  const add = app.querySelector<HTMLElement>("#add-device")!;
  add.querySelector("#add-device-go")!.addEventListener("click", async () => {
    const status = add.querySelector(".form-status")!;
    try {
      const made = await post<{ code: string; url: string; expiresAt: string }>("/api/auth/devices", {});
      add.querySelector("#device-invitation")!.innerHTML = invitationCard(made);
    } catch (err) {
      status.innerHTML = `<div class="error" role="alert">${esc((err as Error).message)}</div>`;
    }
  });
  // The list loads after the button works: a tap while it loads is not lost.
  await load();
}
