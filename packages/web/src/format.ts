import { currentLang } from "./i18n";

const TZ = "Asia/Ho_Chi_Minh";

/** VND as Vietnamese write it: `35.000 ₫`. */
export const vnd = (n: number) =>
  new Intl.NumberFormat("vi-VN", { style: "currency", currency: "VND", maximumFractionDigits: 0 }).format(n);
export const num = (n: number | null) =>
  n === null ? "—" : new Intl.NumberFormat(currentLang() === "vi" ? "vi-VN" : "en-GB").format(n);
export const pct = (n: number | null) => (n === null ? "—" : `${num(n)} %`);
export const dateTime = (iso: string) =>
  new Intl.DateTimeFormat(currentLang() === "vi" ? "vi-VN" : "en-GB", {
    timeZone: TZ,
    dateStyle: "short",
    timeStyle: "short",
  }).format(new Date(iso));
/** Today's date in Vietnam, `YYYY-MM-DD`. */
export const today = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
export const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Escapes text for HTML. Every value from the API goes through this. */
export function esc(value: unknown): string {
  return String(value ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}
