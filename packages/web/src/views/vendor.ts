import { paidSentence, receivedSentence } from "@market40/core/vietnameseNumbers";
import { blobUrl, get } from "../api";
import { askNotifications, notifyIfHidden, screenAwake } from "../awake";
import { addDays, dateTime, esc, today, vnd } from "../format";
import { currentLang, t } from "../i18n";
import { paymentFeed } from "../realtime";
import { loadSales, makeSale, type Sale, saleFor, saleSvg, saveSales } from "../saleQr";
import type { Stall, Transaction } from "../shapes";
import {
  announce,
  detectUnlocked,
  onSpeakerChange,
  setMuted,
  speakerState,
  testSpeaker,
  unlockAudio,
  voiceState,
  watchVoices,
} from "../speech";
import { download, section } from "../ui";
import { vendorFees } from "./fees";

type Txn = Pick<Transaction, "id" | "amount" | "paidAt" | "description">;

/** A speaker drawn inline: phones without an emoji font would show a box for 🔊. */
const SPEAKER_ICON =
  '<svg aria-hidden="true" width="40" height="40" viewBox="0 0 24 24"><path fill="currentColor" d="M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z"/></svg>';
/** How many announced payment ids a phone remembers, so a reconnect or reload never announces one twice. */
const HEARD_LIMIT = 500;
/** The vendor view on screen, stopped when another replaces it. */
let stopShown: (() => void) | undefined;
const heardKey = (stallId: string) => `m40.heard.${stallId}`;

function loadHeard(stallId: string): string[] {
  try {
    const ids = JSON.parse(localStorage.getItem(heardKey(stallId)) ?? "[]");
    return Array.isArray(ids) ? ids.map(String) : [];
  } catch {
    return [];
  }
}

const time = (iso: string) =>
  new Intl.DateTimeFormat(currentLang() === "vi" ? "vi-VN" : "en-GB", {
    timeZone: "Asia/Ho_Chi_Minh",
    timeStyle: "short",
  }).format(new Date(iso));
const localDay = (iso: string) => new Date(Date.parse(iso) + 7 * 3600_000).toISOString().slice(0, 10);

/**
 * The vendor's page, a payment speaker with no hardware (issue 17): today's total and the last payment at the top,
 * a chime and the amount spoken the moment a payment lands, a big confirmation, the stall's QR (or one with an
 * amount for a single sale), and the week's payments. Payments arrive over a WebSocket; while it is down the page
 * polls every 20 s, and each reconnect fills in what was missed — each payment is announced once, ever.
 *
 * On a real phone (issue 26): a full-width "Chạm để bật loa" until the first tap (sound before it would be dropped
 * silently), a switch that shows the real state, "Thử loa", a notice when the phone has no Vietnamese voice, the
 * screen kept awake while the speaker is on, notifications while the page is hidden, and the one-sale QR made on
 * the phone, first on the page, marked "Đã thanh toán" when its payment lands.
 */
export async function vendorView(app: HTMLElement, stallId: string): Promise<() => void> {
  // A view shown again before the last one finished loading replaces it: two feeds would announce twice.
  stopShown?.();
  let stopped = false;
  const stopHere = () => {
    stopped = true;
  };
  stopShown = stopHere;
  app.innerHTML = `
    <button type="button" id="unlock" class="unlock" hidden>${SPEAKER_ICON} ${t("tapToUnlock")}<small>${t("tapToUnlockWhy")}</small></button>
    <p id="novoice" class="notice" role="status" hidden>${t("noVietnameseVoice")}</p>
    <section id="live" class="card live" aria-live="polite">
      <div class="today-line"><span>${t("today")}</span><b id="today-total">—</b><span id="today-count"></span></div>
      <p id="last" class="last-payment"></p>
      <div class="live-controls">
        <button type="button" id="mute" class="secondary" role="switch" aria-checked="false"></button>
        <button type="button" id="test-speaker" class="secondary">${t("testSpeaker")}</button>
        <span id="conn" class="conn"></span>
      </div>
      <p id="stale" class="stale" hidden>⚠ ${t("stale")}</p>
    </section>
    <div id="flash" class="flash" role="alert" hidden></div>
    <section id="sale" class="card sale">
      <h2>${t("saleQr")}</h2>
      <form id="sale-form" class="row">
        <label>${t("saleAmount")}<input name="amount" inputmode="numeric" pattern="[0-9.]*" required autocomplete="off"></label>
        <label>${t("saleNote")}<input name="purpose" maxlength="17" autocomplete="off"></label>
        <button type="submit">${t("makeSaleQr")}</button>
      </form>
      <div id="sale-qr"></div>
    </section>
    <section id="fees" class="card" hidden></section>
    <div class="grid">
      <section id="stall" class="card"></section>
      <section id="payments" class="card"></section>
    </div>`;
  const $ = <T extends HTMLElement = HTMLElement>(sel: string) => app.querySelector<T>(sel)!;
  const txns = new Map<string, Txn>();
  const heard = new Set(loadHeard(stallId));
  const remember = (id: string) => {
    heard.add(id);
    const ids = [...heard].slice(-HEARD_LIMIT);
    localStorage.setItem(heardKey(stallId), JSON.stringify(ids));
  };

  // Any tap lets the page make sound (browsers' autoplay rule); the first also asks about notifications.
  const onTap = (e: Event) => {
    // The switch decides for itself: unlocking first would make its click read "on" and mute it.
    if ((e.target as Element | null)?.closest?.("#mute")) return;
    if (speakerState() === "locked") askNotifications();
    unlockAudio(true);
  };
  app.addEventListener("pointerdown", onTap);
  const mute = $<HTMLButtonElement>("#mute");
  const unlock = $<HTMLButtonElement>("#unlock");
  const awake = screenAwake();
  const showSpeaker = () => {
    const state = speakerState();
    mute.textContent = t(state === "on" ? "speakerOn" : state === "off" ? "speakerOff" : "speakerLocked");
    mute.setAttribute("aria-checked", String(state === "on"));
    mute.dataset.state = state;
    unlock.hidden = state !== "locked";
    $("#novoice").hidden = voiceState() !== "none";
    awake.want(state === "on");
  };
  mute.addEventListener("click", () => {
    if (speakerState() === "on") setMuted(true);
    else {
      if (speakerState() === "locked") askNotifications();
      setMuted(false);
      unlockAudio(true);
    }
  });
  unlock.addEventListener("click", () => unlockAudio(true));
  $("#test-speaker").addEventListener("click", testSpeaker);
  const unwatch = [onSpeakerChange(showSpeaker), watchVoices()];
  detectUnlocked();
  showSpeaker();

  const showToday = () => {
    const day = today();
    const todays = [...txns.values()].filter((x) => localDay(x.paidAt) === day);
    $("#today-total").textContent = vnd(todays.reduce((sum, x) => sum + x.amount, 0));
    $("#today-count").textContent = `${todays.length} ${t("paymentsCount")}`;
    const last = [...txns.values()].sort((a, b) => b.paidAt.localeCompare(a.paidAt))[0];
    $("#last").innerHTML = last
      ? `${t("lastPayment")}: <b>${esc(vnd(last.amount))}</b> ${t("at")} ${esc(time(last.paidAt))}`
      : esc(t("noPaymentsToday"));
  };

  let flashTimer: ReturnType<typeof setTimeout> | undefined;
  const flash = $("#flash");
  flash.addEventListener("click", () => {
    flash.hidden = true;
  });
  const confirm = (x: Txn, paidSale: boolean) => {
    flash.innerHTML = `<span class="flash-label">✔ ${t(paidSale ? "salePaid" : "received")}</span><b class="flash-amount">${esc(vnd(x.amount))}</b><span>${t("at")} ${esc(time(x.paidAt))}${x.description ? ` · ${esc(x.description)}` : ""}</span><small>${t("tapToClose")}</small>`;
    flash.hidden = false;
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => {
      flash.hidden = true;
    }, 10_000);
  };

  const payments = $("#payments");
  const showPayments = () => {
    // The newest 100: the table is for a glance; today's total counts them all.
    const rows = [...txns.values()]
      .sort((a, b) => b.paidAt.localeCompare(a.paidAt))
      .slice(0, 100)
      .map(
        (x) =>
          `<tr data-id="${esc(x.id)}"><td>${esc(dateTime(x.paidAt))}</td><td class="num">${esc(vnd(x.amount))}</td><td>${esc(x.description)}</td></tr>`,
      );
    payments.innerHTML = `<h2>${t("recentPayments")}</h2>${rows.length ? `<div class="scroll"><table><thead><tr><th>${t("time")}</th><th class="num">${t("amount")}</th><th>${t("content")}</th></tr></thead><tbody>${rows.join("")}</tbody></table></div>` : `<p>${t("noPayments")}</p>`}`;
    showToday();
  };

  /**
   * A payment seen for the first time: shown, and announced unless `quietly` (what the page found on opening).
   * One that names an open one-sale code marks that sale paid, and is announced as such.
   */
  const add = (x: Txn, quietly: boolean) => {
    const fresh = !txns.has(x.id);
    txns.set(x.id, x);
    if (heard.has(x.id)) return fresh;
    remember(x.id);
    const sale = saleFor(sales, x.description);
    if (sale) {
      sale.paidBy = x.id;
      if (x.amount !== sale.amount) sale.paidAmount = x.amount;
      saveSales(stallId, sales);
      showSale();
    }
    if (!quietly) {
      announce(sale ? paidSentence(x.amount) : receivedSentence(x.amount));
      confirm(x, Boolean(sale));
      void notifyIfHidden(
        `${t(sale ? "salePaid" : "received")} ${vnd(x.amount)}`,
        `${t("at")} ${time(x.paidAt)}${x.description ? ` · ${x.description}` : ""}`,
        x.id,
      ).catch(() => undefined);
    }
    return fresh;
  };

  /**
   * Payments of a date range, every page: the API lists oldest first, and a busy stall takes hundreds a day, so
   * today's total and the newest payments need them all (at most 20 pages of 500).
   */
  const fetchRange = async (from: string, to: string) => {
    const all: Txn[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const { items, nextCursor } = await get<{ items: Txn[]; nextCursor?: string }>(
        `/api/stalls/${stallId}/transactions?from=${from}&to=${to}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      all.push(...items);
      if (!nextCursor) break;
      cursor = nextCursor;
    }
    return all;
  };
  /** The week when the page opens (quietly); afterwards today's, to fill in what the socket missed. */
  const refresh = async (quietly: boolean) => {
    const items = await fetchRange(quietly ? addDays(today(), -6) : today(), today());
    // Oldest first, so the newest missed payment is the one left on screen.
    for (const x of [...items].sort((a, b) => a.paidAt.localeCompare(b.paidAt))) add(x, quietly);
    showPayments();
  };

  /** The stall as last loaded (or from the service worker's copy): its bank details make the one-sale codes. */
  let stall: Stall | undefined;
  const sales: Sale[] = loadSales(stallId);
  /** The one-sale code on screen: the newest, until the vendor goes back to the usual code. */
  let current: Sale | undefined = sales.at(-1)?.paidBy ? undefined : sales.at(-1);
  const showSale = () => {
    const box = $("#sale-qr");
    const sale = current;
    if (!sale) {
      box.innerHTML = "";
      $("#sale-form").hidden = false;
      return;
    }
    const paid = Boolean(sale.paidBy);
    const amountLine = `${esc(vnd(sale.amount))}${sale.note ? ` · ${esc(sale.note)}` : ""}`;
    // While a code is up, the form folds away: the code sits right under the speaker bar, where the customer looks.
    $("#sale-form").hidden = true;
    box.innerHTML = `<div class="sale-view${paid ? " paid" : ""}" data-ref="${esc(sale.ref)}">
      <p class="sale-amount">${amountLine}</p>
      <p class="sale-status" role="status">${
        paid
          ? `<b>✔ ${t("salePaid")}</b>${sale.paidAmount !== undefined ? ` — ${t("salePaidOther")} ${esc(vnd(sale.paidAmount))}` : ""}`
          : t("saleWaiting")
      }</p>
      <div class="sale-code" role="img" aria-label="${esc(`${t("scanToPay")} ${vnd(sale.amount)}`)}">${saleSvg(sale, 320)}</div>
      <p class="muted">${t("saleRef")}: <b>${esc(sale.ref)}</b></p>
      <button type="button" class="secondary" id="sale-clear">${paid ? t("saleNext") : t("staticQr")}</button>
    </div>`;
    box.querySelector("#sale-clear")!.addEventListener("click", () => {
      current = undefined;
      showSale();
      const form = $<HTMLFormElement>("#sale-form");
      form.reset();
      form.querySelector<HTMLInputElement>("input[name=amount]")!.focus();
    });
  };

  showSale();

  const stale = $("#stale");
  const onStale = () => {
    stale.hidden = false;
  };
  window.addEventListener("m40:stale", onStale);

  await section(
    $("#stall"),
    async () => {
      const s = await get<Stall>(`/api/stalls/${stallId}`);
      stall = s;
      const qr = await blobUrl(`/api/stalls/${stallId}/qr.png?size=512`);
      return `
      <h1>${t("stall")} ${esc(s.code)} — ${esc(s.vendorName)}</h1>
      <img class="qr" src="${qr}" alt="${t("scanToPay")}" width="360" height="360">
      <p class="scan-label">${t("scanToPay")}</p>
      <p>${t("bank")}: <b>${esc(s.bank.bankName)}</b><br>${t("accountName")}: <b>${esc(s.bank.accountName)}</b><br>${t("accountNumber")}: <b>${esc(s.bank.accountNumber)}</b></p>
      <button type="button" id="poster">${t("printPoster")}</button>`;
    },
    (el) => {
      el.querySelector("#poster")?.addEventListener("click", async () =>
        download(await blobUrl(`/api/stalls/${stallId}/poster.pdf`), "poster.pdf"),
      );
    },
  );
  // The market's fees, for a stall that has bills (issue 29); shown when loaded, never in the speaker's way.
  void vendorFees($("#fees"), stallId);
  // What is already there when the page opens was not just received: shown, not announced.
  await section(payments, async () => {
    await refresh(true);
    return payments.innerHTML;
  });

  if (stopped) return () => undefined;
  const form = $<HTMLFormElement>("#sale-form");
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const amount = Number(String(data.get("amount") ?? "").replace(/\D/g, ""));
    const note = String(data.get("purpose") ?? "").trim();
    const box = $("#sale-qr");
    if (!stall) {
      box.innerHTML = `<div class="error" role="alert">${t("offline")}</div>`;
      return;
    }
    if (!(amount > 0 && amount <= 9_999_999_999)) {
      box.innerHTML = `<div class="error" role="alert">${t("saleAmountInvalid")}</div>`;
      return;
    }
    current = makeSale(stall, amount, note);
    sales.push(current);
    saveSales(stallId, sales);
    showSale();
    $("#sale").scrollIntoView({ block: "start" });
  });

  let live = false;
  let listTimer: ReturnType<typeof setTimeout> | undefined;
  const conn = $("#conn");
  const feed = paymentFeed(stallId, {
    payment(m) {
      add(m, false);
      // The big confirmation paints first; the list (up to 100 formatted rows: tens of ms on a cheap phone) after.
      clearTimeout(listTimer);
      listTimer = setTimeout(showPayments, 0);
    },
    connected() {
      stale.hidden = true;
      void refresh(false).catch(() => undefined);
    },
    state(state) {
      live = state === "live";
      conn.textContent = live ? `● ${t("live")}` : `○ ${t("reconnecting")}`;
      conn.className = `conn ${state}`;
    },
  });
  // Only a fallback: while the socket is down, a small request every 20 s keeps the list true.
  const timer = setInterval(() => {
    if (!live) void refresh(false).catch(() => undefined);
  }, 20_000);
  const stop = () => {
    clearInterval(timer);
    clearTimeout(flashTimer);
    clearTimeout(listTimer);
    feed.stop();
    window.removeEventListener("m40:stale", onStale);
    app.removeEventListener("pointerdown", onTap);
    awake.stop();
    for (const f of unwatch) f();
    if (stopShown === stop) stopShown = undefined;
  };
  stopShown = stop;
  return stop;
}
