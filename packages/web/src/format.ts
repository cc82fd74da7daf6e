import { currentLang } from "./lang";

/** Every date and time shown is Vietnam time (Asia/Ho_Chi_Minh, UTC+7, no daylight saving). */

/** VND as Vietnamese write it: `35.000 ₫`. */
export const vnd = (n: number) =>
  new Intl.NumberFormat("vi-VN", { style: "currency", currency: "VND", maximumFractionDigits: 0 }).format(n);
export const num = (n: number | null) =>
  n === null ? "—" : new Intl.NumberFormat(currentLang() === "vi" ? "vi-VN" : "en-GB").format(n);
export const pct = (n: number | null) => (n === null ? "—" : `${num(n)} %`);
/** An instant as people in Vietnam write it, in Vietnam time: `17/02/2026 07:05` (the same in both languages). */
export const dateTime = (iso: string) => {
  const vn = new Date(Date.parse(iso) + 7 * 3600_000).toISOString();
  return `${day(vn.slice(0, 10))} ${vn.slice(11, 16)}`;
};
/** A local date `YYYY-MM-DD` as `dd/MM/yyyy`. */
export const day = (date: string) => `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
/** A month `YYYY-MM` as "tháng 11/2026" (Vietnamese) or "11/2026". */
export const month = (period: string) =>
  `${currentLang() === "vi" ? "tháng " : ""}${period.slice(5, 7)}/${period.slice(0, 4)}`;

/**
 * A date typed as Vietnamese write it — `17/02/2026`, `17/2/2026`, `17-02-2026`, `17.02.2026` — as `YYYY-MM-DD`;
 * undefined when it is not a day of the calendar. An ISO date is taken as it is.
 */
export function parseDay(text: string): string | undefined {
  const t = text.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  const vi = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
  const [y, m, d] = iso ? [iso[1]!, iso[2]!, iso[3]!] : vi ? [vi[3]!, vi[2]!, vi[1]!] : [];
  if (!y || !m || !d) return undefined;
  const date = `${y}-${m.padStart(2, "0")}-${d.padStart(2, "0")}`;
  const back = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(back.getTime()) && back.toISOString().slice(0, 10) === date ? date : undefined;
}

/** A time typed `7:05`, `07:05` or `7h05` as `HH:mm`; undefined when it is not one. */
export function parseTime(text: string): string | undefined {
  const m = /^(\d{1,2})\s*[:hg.]\s*(\d{2})$/i.exec(text.trim());
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return undefined;
  return `${m[1]!.padStart(2, "0")}:${m[2]}`;
}
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
