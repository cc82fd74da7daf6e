/*
 * market40's service worker (docs/contract.md §14): the app installs, and the vendor's page — QR, account, last
 * payments — opens with no network after one visit. Plain JavaScript served as-is from the web root (Vite copies
 * public/), so it is not bundled and its scope is the whole app.
 *
 *  - the app shell (index.html, its hashed assets, manifest, icons): fetched on install; then network first for the
 *    page itself (a new release shows at once), cache first for hashed assets (they never change);
 *  - payments raise a notification while the vendor's page is hidden (the page asks; a tap brings it back);
 *  - the vendor's answers (`/api/me`, its stall, its static QR, its transactions): network first; when the network
 *    fails, the last copy, marked `x-m40-offline: 1` so the page says "có thể chưa cập nhật". Signing out deletes
 *    these copies (app.ts);
 *  - the public calendar's one answer, `GET /api/public/markets` (docs/contract.md §21): network first, kept apart
 *    (signing out leaves it) and only when asked for with no key, so no signed-in answer is ever kept there. The
 *    page itself (views/publicCalendar.ts) is in the entry chunk the shell holds.
 * Nothing else of the API is kept.
 */
const SHELL = "m40-shell-v1";
const API = "m40-api";
/** The public calendar's answer; views/publicCalendar.ts writes the first visit's copy here too. */
const PUBLIC = "m40-public";
const KEPT = [
  /\/api\/me$/,
  /\/api\/stalls\/[^/]+$/,
  /\/api\/stalls\/[^/]+\/qr\.png$/,
  /\/api\/stalls\/[^/]+\/transactions$/,
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL);
      const index = await fetch("./index.html", { cache: "no-cache" });
      const html = await index.clone().text();
      const assets = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g)].map((m) => `./${m[1]}`);
      await cache.put("./index.html", index);
      await cache.addAll(["./manifest.webmanifest", "./icon-192.png", "./icon-512.png", ...assets]);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys())
        if (name !== SHELL && name !== API && name !== PUBLIC) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

/** The last copy, marked as such, or nothing. */
async function lastCopy(request, options, name = API) {
  const cache = await caches.open(name);
  const copy = (await cache.match(request)) ?? (options ? await cache.match(request, options) : undefined);
  if (!copy) return undefined;
  const headers = new Headers(copy.headers);
  headers.set("x-m40-offline", "1");
  return new Response(await copy.blob(), { status: copy.status, headers });
}

async function apiAnswer(request, url) {
  try {
    const res = await fetch(request);
    if (res.ok && !url.searchParams.has("amount")) {
      const cache = await caches.open(API);
      await cache.put(request, res.clone());
    }
    return res;
  } catch (err) {
    // Transactions are asked for by date range: any copy of the list beats none.
    const copy = await lastCopy(request, { ignoreSearch: url.pathname.endsWith("/transactions") });
    if (copy) return copy;
    throw err;
  }
}

/** The public markets: network first, and the last copy when the network fails. */
async function publicAnswer(request) {
  try {
    const res = await fetch(request);
    if (res.ok) await (await caches.open(PUBLIC)).put(request, res.clone());
    return res;
  } catch (err) {
    const copy = await lastCopy(request, undefined, PUBLIC);
    if (copy) return copy;
    throw err;
  }
}

async function shellAnswer(request, url) {
  const cache = await caches.open(SHELL);
  if (request.mode === "navigate") {
    try {
      const res = await fetch(request);
      if (res.ok) await cache.put("./index.html", res.clone());
      return res;
    } catch (err) {
      const copy = await cache.match("./index.html");
      if (copy) return copy;
      throw err;
    }
  }
  const copy = await cache.match(request);
  if (copy) return copy;
  const res = await fetch(request);
  if (res.ok && url.pathname.includes("/assets/")) await cache.put(request, res.clone());
  return res;
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.pathname.startsWith("/api/")) {
    if (url.pathname === "/api/public/markets" && !request.headers.has("authorization")) {
      event.respondWith(publicAnswer(request));
      return;
    }
    if (KEPT.some((re) => re.test(url.pathname))) event.respondWith(apiAnswer(request, url));
    return;
  }
  if (url.origin === self.location.origin) event.respondWith(shellAnswer(request, url));
});

/*
 * A payment's notification (raised by the vendor's page through this worker while the page is hidden, issue 26):
 * tapping it brings the speaker page back, or opens it.
 */
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(
    (async () => {
      const open = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const page = open.find((c) => new URL(c.url).origin === self.location.origin);
      if (page) return page.focus();
      return self.clients.openWindow(event.notification.data?.url ?? "./#/");
    })(),
  );
});
