/**
 * A short name for the device a session was started on, from its `User-Agent` ("Chrome trên Android"), for the
 * list "Thiết bị đã đăng nhập" (docs/contract.md §19). Only what a person recognises their own phone or computer
 * by: browser and system, no version, no model. The header is the client's to write, so the label is a hint for
 * the person, never evidence — and it is all of the header that is kept.
 */
const BROWSERS: [RegExp, string][] = [
  [/coc_coc_browser|CocCoc/i, "Cốc Cốc"],
  [/Zalo/i, "Zalo"],
  [/EdgA?\/|Edge\//, "Edge"],
  [/OPR\/|Opera/, "Opera"],
  [/SamsungBrowser/, "Samsung Internet"],
  [/FxiOS|Firefox\//, "Firefox"],
  [/CriOS|Chrome\/|Chromium\//, "Chrome"],
  [/Safari\//, "Safari"],
];

const SYSTEMS: [RegExp, string][] = [
  [/Android/, "Android"],
  [/iPhone|iPod/, "iPhone"],
  [/iPad/, "iPad"],
  [/CrOS/, "ChromeOS"],
  [/Windows/, "Windows"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/Linux/, "Linux"],
];

const first = (table: [RegExp, string][], ua: string) => table.find(([pattern]) => pattern.test(ua))?.[1];

/** At most this many characters of a label: a client that sends no browser we know is named by its own word. */
export const MAX_LABEL = 60;

/**
 * @example deviceLabel("Mozilla/5.0 (Linux; Android 14; SM-A155F) … Chrome/126.0 Mobile Safari/537.36") // "Chrome trên Android"
 */
export function deviceLabel(userAgent: string | undefined): string {
  const ua = (userAgent ?? "").slice(0, 512);
  const browser = first(BROWSERS, ua);
  const system = first(SYSTEMS, ua);
  if (browser && system) return `${browser} trên ${system}`;
  if (browser || system) return (browser ?? system)!;
  // A script or an app (curl/8.5, okhttp/4.12): its first product token, without the version.
  const product = /^([A-Za-z][\w.-]{0,30})\//.exec(ua.trim())?.[1];
  return product ? product.slice(0, MAX_LABEL) : "Thiết bị không rõ";
}
