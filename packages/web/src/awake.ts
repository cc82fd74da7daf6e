/**
 * What keeps a phone left at the stall listening all market day (issue 26): the Screen Wake Lock while the speaker
 * is on — the browser drops it whenever the page is hidden, so it is taken again each time the page comes back —
 * and, while the page is hidden, a notification for each payment, raised by the service worker (Android's Chrome
 * shows page notifications only through one).
 */
type Sentinel = {
  released: boolean;
  release(): Promise<void>;
  addEventListener(t: "release", f: () => void): void;
};
type WakeLockApi = { request(type: "screen"): Promise<Sentinel> };

export function screenAwake(): { want(on: boolean): void; stop(): void } {
  const api = (navigator as Navigator & { wakeLock?: WakeLockApi }).wakeLock;
  let wanted = false;
  let sentinel: Sentinel | undefined;
  let asking = false;
  const take = async () => {
    if (
      !api ||
      !wanted ||
      asking ||
      document.visibilityState !== "visible" ||
      (sentinel && !sentinel.released)
    )
      return;
    asking = true;
    try {
      const s = await api.request("screen");
      s.addEventListener("release", () => {
        if (sentinel === s) sentinel = undefined;
      });
      sentinel = s;
      if (!wanted) void s.release();
    } catch {
      // refused (battery saver) or unsupported: the page still works, the phone may sleep
    } finally {
      asking = false;
    }
  };
  const onVisible = () => void take();
  document.addEventListener("visibilitychange", onVisible);
  return {
    want(on) {
      wanted = on;
      if (on) void take();
      else {
        void sentinel?.release();
        sentinel = undefined;
      }
    },
    stop() {
      wanted = false;
      document.removeEventListener("visibilitychange", onVisible);
      void sentinel?.release();
      sentinel = undefined;
    },
  };
}

/** Asks once, from a tap, whether payments may show as notifications while the page is hidden. */
export function askNotifications(): void {
  if ("Notification" in window && Notification.permission === "default")
    void Notification.requestPermission().catch(() => undefined);
}

/** A payment's notification, only while the page is hidden and the phone allows them; `tag` keeps one per payment. */
export async function notifyIfHidden(title: string, body: string, tag: string): Promise<boolean> {
  if (document.visibilityState !== "hidden") return false;
  if (!("Notification" in window) || Notification.permission !== "granted") return false;
  const reg = await navigator.serviceWorker?.getRegistration();
  if (!reg) return false;
  await reg.showNotification(title, {
    body,
    tag,
    icon: "./icon-192.png",
    badge: "./icon-192.png",
    lang: "vi",
    data: { url: "./#/" },
  });
  return true;
}
