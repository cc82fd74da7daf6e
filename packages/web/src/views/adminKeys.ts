import { get, type Me, post } from "../api";
import { dateTime, esc } from "../format";
import { t } from "../i18n";
import type { Market } from "../shapes";
import { clearFieldErrors, formValues, section, showFieldErrors } from "../ui";
import { allStalls } from "./data";

type Key = Me & { createdAt: string; revokedAt?: string; label?: string };
const ROLES: Me["role"][] = ["manager", "vendor", "liaison", "device", "admin"];

/** The admin's keys: who can sign in, issuing one (its token shown once, with a copy button), revoking one. */
export async function adminKeysView(app: HTMLElement): Promise<void> {
  app.innerHTML = `<h1 tabindex="-1">${t("keys")}</h1>
    <form id="issue" class="card" novalidate>
      <h2>${t("issueKey")}</h2>
      <div class="row"><div><label for="k-role">${t("role")}</label><select id="k-role" name="role">${ROLES.map((r) => `<option value="${r}">${t(`role_${r}`)}</option>`).join("")}</select></div>
      <div><label for="k-label">${t("keyLabel")}</label><input id="k-label" name="label" placeholder="${t("keyLabelHint")}"></div></div>
      <div class="row"><div data-for="manager vendor device"><label for="k-market">${t("market")}</label><select id="k-market" name="marketId"><option value="">—</option></select></div>
      <div data-for="vendor"><label for="k-stall">${t("stall")}</label><select id="k-stall" name="stallId"><option value="">—</option></select></div>
      <div data-for="liaison"><label for="k-province">${t("provinceOptional")}</label><input id="k-province" name="province"></div></div>
      <div class="form-status" role="status"></div>
      <p><button type="submit">${t("issue")}</button></p>
    </form>
    <section id="issued" hidden></section>
    <section id="keys" class="card"></section>`;
  const form = app.querySelector<HTMLFormElement>("#issue")!;
  const role = form.querySelector<HTMLSelectElement>("#k-role")!;
  const market = form.querySelector<HTMLSelectElement>("#k-market")!;
  const stall = form.querySelector<HTMLSelectElement>("#k-stall")!;
  const showScope = () => {
    for (const el of form.querySelectorAll<HTMLElement>("[data-for]"))
      el.hidden = !el.dataset.for!.split(" ").includes(role.value);
  };
  role.addEventListener("change", showScope);
  showScope();
  const markets = await get<{ items: Market[] }>("/api/markets?limit=500").catch(() => ({ items: [] }));
  market.insertAdjacentHTML(
    "beforeend",
    markets.items.map((m) => `<option value="${esc(m.id)}">${esc(m.name)}</option>`).join(""),
  );
  market.addEventListener("change", async () => {
    stall.innerHTML = `<option value="">—</option>`;
    if (!market.value) return;
    const stalls = await allStalls(market.value).catch(() => []);
    stall.insertAdjacentHTML(
      "beforeend",
      stalls
        .map((s) => `<option value="${esc(s.id)}">${esc(s.code)} — ${esc(s.vendorName)}</option>`)
        .join(""),
    );
  });

  const list = app.querySelector<HTMLElement>("#keys")!;
  const marketName = (id?: string) => markets.items.find((m) => m.id === id)?.name ?? id ?? "";
  const load = () =>
    section(
      list,
      async () => {
        const { items } = await get<{ items: Key[] }>("/api/keys?limit=500");
        return `<h2>${t("keys")}</h2><div class="scroll" tabindex="0" role="region" aria-label="${t("keys")}"><table class="stack"><thead><tr><th scope="col">${t("keyLabel")}</th><th scope="col">${t("role")}</th><th scope="col">${t("scope")}</th><th scope="col">${t("createdAt")}</th><th scope="col">${t("status")}</th></tr></thead><tbody>${items
          .map(
            (k) =>
              `<tr><td data-label="${t("keyLabel")}">${esc(k.label ?? "—")}<br><span class="muted">${esc(k.id)}</span></td><td data-label="${t("role")}">${t(`role_${k.role}`)}</td><td data-label="${t("scope")}">${esc([marketName(k.marketId), k.province].filter(Boolean).join(" · ") || "—")}</td><td data-label="${t("createdAt")}">${esc(dateTime(k.createdAt))}</td><td data-label="${t("status")}">${
                k.revokedAt
                  ? `${t("revoked")} ${esc(dateTime(k.revokedAt))}`
                  : `<button type="button" class="danger" data-revoke="${esc(k.id)}" aria-label="${esc(`${t("revoke")} ${k.label ?? k.id}`)}">${t("revoke")}</button>`
              }</td></tr>`,
          )
          .join("")}</tbody></table></div>`;
      },
      (el) => {
        for (const b of el.querySelectorAll<HTMLButtonElement>("[data-revoke]"))
          b.addEventListener("click", async () => {
            if (!confirm(t("revokeConfirm"))) return;
            b.disabled = true;
            try {
              await post(`/api/keys/${encodeURIComponent(b.dataset.revoke!)}`, undefined, "DELETE");
              await load();
            } catch (err) {
              b.disabled = false;
              b.insertAdjacentHTML(
                "afterend",
                `<div class="error" role="alert">${esc((err as Error).message)}</div>`,
              );
            }
          });
      },
    );

  const issued = app.querySelector<HTMLElement>("#issued")!;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const button = form.querySelector<HTMLButtonElement>("button[type=submit]")!;
    const body = formValues(form);
    // Only the fields this role's scope uses: a hidden market choice must not narrow a liaison's key.
    for (const el of form.querySelectorAll<HTMLElement>("[data-for][hidden] [name]"))
      delete body[el.getAttribute("name")!];
    button.disabled = true;
    try {
      const key = await post<Key & { token: string }>("/api/keys", body);
      clearFieldErrors(form);
      // Emptied once issued: a second tap would issue a second key.
      form.reset();
      role.dispatchEvent(new Event("change"));
      issued.hidden = false;
      issued.className = "card issued";
      issued.innerHTML = `<h2 tabindex="-1">${t("keyIssued")}</h2><p>${t("tokenOnce")}</p>
        <p><code id="new-token">${esc(key.token)}</code></p>
        <p><button type="button" id="copy">${t("copy")}</button> <span id="copied" role="status"></span></p>`;
      issued.querySelector("#copy")!.addEventListener("click", async () => {
        const copied = issued.querySelector("#copied")!;
        try {
          await navigator.clipboard.writeText(key.token);
          copied.textContent = t("copied");
        } catch {
          // Without clipboard access (plain http), select the token so a long press copies it.
          getSelection()?.selectAllChildren(issued.querySelector("#new-token")!);
          copied.textContent = t("copyByHand");
        }
      });
      issued.querySelector<HTMLElement>("h2")!.focus();
      await load();
    } catch (err) {
      showFieldErrors(form, err);
    } finally {
      button.disabled = false;
    }
  });
  await load();
}
