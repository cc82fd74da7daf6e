import { del, get, type Me, post } from "../api";
import { esc } from "../format";
import { t } from "../i18n";
import type { Market } from "../shapes";
import { clearFieldErrors, formValues, section, showFieldErrors } from "../ui";
import { invitationCard } from "./invitationCard";

interface Person {
  id: string;
  name: string;
  phone?: string;
  role: "admin" | "manager" | "liaison";
  marketId?: string;
  province?: string;
  status: "active" | "suspended";
}
interface Outstanding {
  id: string;
  purpose: string;
  expiresAt: string;
}

/**
 * People who sign in as themselves (docs/contract.md §19). An admin adds anyone and may issue a recovery invitation;
 * a market's manager adds co-managers of its own market. Each person's invitation is shown once, as a QR, a link and
 * a code to type, to scan on the spot or print; it can be cancelled, and a person suspended or signed out everywhere.
 */
export async function peopleView(app: HTMLElement, me: Me): Promise<void> {
  const admin = me.role === "admin";
  app.innerHTML = `<h1 tabindex="-1">${admin ? t("people") : t("coManagers")}</h1>
    <form id="add-person" class="card" novalidate>
      <h2>${t("addPerson")}</h2>
      <div class="row"><div><label for="p-name">${t("personName")}</label><input id="p-name" name="name" required maxlength="100" autocomplete="off"></div>
      <div><label for="p-phone">${t("phoneOptional")}</label><input id="p-phone" name="phone" inputmode="tel" autocomplete="off"></div></div>
      ${
        admin
          ? `<div class="row"><div><label for="p-role">${t("role")}</label><select id="p-role" name="role">${["manager", "liaison", "admin"].map((r) => `<option value="${r}">${t(`role_${r as "admin"}`)}</option>`).join("")}</select></div>
      <div data-for="manager"><label for="p-market">${t("market")}</label><select id="p-market" name="marketId"><option value="">—</option></select></div>
      <div data-for="liaison"><label for="p-province">${t("provinceOptional")}</label><input id="p-province" name="province"></div></div>`
          : ""
      }
      <div class="form-status" role="status"></div>
      <p><button type="submit" disabled>${t("addPerson")}</button></p>
    </form>
    <section id="shown-invitation" class="card" hidden aria-live="polite"></section>
    <section id="people" class="card"></section>`;
  const form = app.querySelector<HTMLFormElement>("#add-person")!;
  const markets = admin
    ? await get<{ items: Market[] }>("/api/markets?limit=500").catch(() => ({ items: [] as Market[] }))
    : { items: [] as Market[] };
  const marketName = (id?: string) => markets.items.find((m) => m.id === id)?.name ?? id ?? "";
  if (admin) {
    const role = form.querySelector<HTMLSelectElement>("#p-role")!;
    const showScope = () => {
      for (const el of form.querySelectorAll<HTMLElement>("[data-for]"))
        el.hidden = el.dataset.for !== role.value;
    };
    role.addEventListener("change", showScope);
    showScope();
    form
      .querySelector("#p-market")!
      .insertAdjacentHTML(
        "beforeend",
        markets.items.map((m) => `<option value="${esc(m.id)}">${esc(m.name)}</option>`).join(""),
      );
  }
  const shown = app.querySelector<HTMLElement>("#shown-invitation")!;
  const showInvitation = (person: Person, made: { url: string; shortCode: string; expiresAt: string }) => {
    shown.hidden = false;
    shown.innerHTML = `<h2>${t("inviteLink")}: ${esc(person.name)}</h2>${invitationCard(made)}
      <p><button type="button" class="secondary" id="print-invitation">${t("printInvite")}</button></p>`;
    shown.querySelector("#print-invitation")!.addEventListener("click", () => window.print());
    shown.scrollIntoView({ block: "nearest" });
  };

  const list = app.querySelector<HTMLElement>("#people")!;
  const query = admin ? "" : `?marketId=${encodeURIComponent(me.marketId ?? "")}`;
  let listed: Person[] = [];
  const load = () =>
    section(
      list,
      async () => {
        const { items } = await get<{ items: Person[] }>(`/api/people${query}`);
        listed = items;
        const pending = await Promise.all(
          items.map((p) =>
            p.status === "active"
              ? get<{ items: Outstanding[] }>(`/api/people/${p.id}/invitations`).then((r) => r.items[0])
              : undefined,
          ),
        );
        const head = [t("personName"), t("role"), t("scope"), t("status"), ""];
        return `<h2>${admin ? t("people") : t("coManagers")}</h2><div class="scroll" tabindex="0" role="region" aria-label="${t("people")}"><table class="stack"><thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join("")}</tr></thead><tbody>${items
          .map((p, i) => {
            const invitation = pending[i];
            const actions =
              p.status === "active"
                ? `<button type="button" class="secondary" data-act="invite">${t("invite")}</button>
                  ${admin ? `<button type="button" class="secondary" data-act="recovery">${t("inviteRecovery")}</button>` : ""}
                  ${invitation ? `<button type="button" class="secondary" data-act="cancel" data-invitation="${esc(invitation.id)}">${t("cancelInvite")}</button>` : ""}
                  <button type="button" class="secondary" data-act="sessions">${t("endSessions")}</button>
                  ${p.id === me.personId ? "" : `<button type="button" class="danger" data-act="suspend">${t("suspendPerson")}</button>`}`
                : "";
            return `<tr data-person="${esc(p.id)}">
              <td data-label="${head[0]}">${esc(p.name)}${p.phone ? `<br><span class="muted">${esc(p.phone)}</span>` : ""}</td>
              <td data-label="${head[1]}">${t(`role_${p.role}`)}</td>
              <td data-label="${head[2]}">${esc(p.marketId ? marketName(p.marketId) : (p.province ?? ""))}</td>
              <td data-label="${head[3]}">${p.status === "active" ? t("active") : t("suspended")}${invitation ? `<br><span class="muted">${t("invitePending")} ${esc(invitation.expiresAt.slice(0, 10))}</span>` : ""}</td>
              <td class="person-actions">${actions}</td>
            </tr>`;
          })
          .join("")}</tbody></table></div><div class="form-status" role="status"></div>`;
      },
      (el) => {
        const status = el.querySelector(".form-status")!;
        for (const button of el.querySelectorAll<HTMLButtonElement>("button[data-act]"))
          button.addEventListener("click", async () => {
            const id = button.closest<HTMLElement>("tr")!.dataset.person!;
            // The person as the list shows them: their row was drawn from this answer.
            const person = listed.find((p) => p.id === id)!;
            button.disabled = true;
            try {
              switch (button.dataset.act) {
                case "invite":
                case "recovery":
                  showInvitation(
                    person,
                    await post(`/api/people/${id}/invitations`, {
                      purpose: button.dataset.act === "invite" ? "join" : "recovery",
                    }),
                  );
                  break;
                case "cancel":
                  await del(`/api/people/${id}/invitations/${button.dataset.invitation}`);
                  shown.hidden = true;
                  break;
                case "sessions": {
                  const { ended } = await del<{ ended: number }>(`/api/people/${id}/sessions`);
                  await load();
                  list.querySelector(".form-status")!.innerHTML =
                    `<div class="ok">${t("sessionsEnded").replace("{n}", String(ended))}</div>`;
                  return;
                }
                case "suspend":
                  if (!confirm(t("suspendPersonConfirm"))) return;
                  await post(`/api/people/${id}/suspend`, {});
                  break;
              }
              await load();
            } catch (err) {
              status.innerHTML = `<div class="error" role="alert">${esc((err as Error).message)}</div>`;
            } finally {
              button.disabled = false;
            }
          });
      },
    );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    const body = admin ? formValues(form) : { ...formValues(form), role: "manager", marketId: me.marketId };
    if (body.role !== "manager") delete body.marketId;
    if (body.role !== "liaison") delete body.province;
    try {
      const person = await post<Person>("/api/people", body);
      form.reset();
      showInvitation(person, await post(`/api/people/${person.id}/invitations`, { purpose: "join" }));
      await load();
    } catch (err) {
      showFieldErrors(form, err);
    }
  });
  // Enabled once its handler is attached (the markets load first): a tap never submits the bare form.
  form.querySelector<HTMLButtonElement>("button[type=submit]")!.disabled = false;
  await load();
}
