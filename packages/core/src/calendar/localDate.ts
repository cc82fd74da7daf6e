/**
 * Local dates of Asia/Ho_Chi_Minh (UTC+7 all year: Vietnam has had no DST since 1975).
 * A `LocalDate` is the string `YYYY-MM-DD`; arithmetic goes through whole days since the epoch.
 */
import { validationError } from "../errors";

export const TIMEZONE = "Asia/Ho_Chi_Minh";
export const UTC_OFFSET_MINUTES = 7 * 60;
const DAY_MS = 86_400_000;

export type LocalDate = string;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isLocalDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return d.toISOString().slice(0, 10) === value;
}

/**
 * The dates the platform reckons with: markets, payments and evaluations all fall in this century, and the lunar
 * calendar tables cover it. A date outside is a `400` wherever a request names one — never arithmetic past year 9999.
 */
export const FIRST_DATE = "2000-01-01";
export const LAST_DATE = "2099-12-31";

/** A real date within {@link FIRST_DATE}…{@link LAST_DATE}. */
export function isSupportedDate(value: string): boolean {
  return isLocalDate(value) && value >= FIRST_DATE && value <= LAST_DATE;
}

/** Days since 1970-01-01 of a local date. */
export function dayIndex(date: LocalDate): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  return Math.round(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!) / DAY_MS);
}

export function fromDayIndex(index: number): LocalDate {
  return new Date(index * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return fromDayIndex(dayIndex(date) + days);
}

/** Every date from `from` to `to`, both included. */
export function eachDate(from: LocalDate, to: LocalDate): LocalDate[] {
  const out: LocalDate[] = [];
  for (let i = dayIndex(from); i <= dayIndex(to); i++) out.push(fromDayIndex(i));
  return out;
}

/** The local date in Vietnam of an instant. */
export function localDateOf(instant: Date | string): LocalDate {
  const t = typeof instant === "string" ? Date.parse(instant) : instant.getTime();
  return new Date(t + UTC_OFFSET_MINUTES * 60_000).toISOString().slice(0, 10);
}

/** The minute of the local day (0–1439) of an instant. */
export function localMinuteOfDay(instant: Date | string): number {
  const t = typeof instant === "string" ? Date.parse(instant) : instant.getTime();
  const local = new Date(t + UTC_OFFSET_MINUTES * 60_000);
  return local.getUTCHours() * 60 + local.getUTCMinutes();
}

/** The UTC instant of a local wall-clock time (`HH:mm`) on a local date. */
export function localTimeToUtc(date: LocalDate, hhmm: string): Date {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return new Date(dayIndex(date) * DAY_MS + (h * 60 + m - UTC_OFFSET_MINUTES) * 60_000);
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
  const d = new Date(dayIndex(date) * DAY_MS).getUTCDay();
  return d === 0 ? 7 : d;
}

/** `YYYY-MM` → first and last date of that month. */
export function monthRange(period: string): { from: LocalDate; to: LocalDate } {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (!m || +m[2]! < 1 || +m[2]! > 12) throw new Error(`not a month: ${period}`);
  const from = `${m[1]}-${m[2]}-01`;
  const last = new Date(Date.UTC(+m[1]!, +m[2]!, 0)).getUTCDate();
  return { from, to: `${m[1]}-${m[2]}-${String(last).padStart(2, "0")}` };
}

/** Days between two dates, `to − from`. */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return dayIndex(to) - dayIndex(from);
}

/** The longest date range a listing, an uptake report, a session calendar or an evaluation covers, both ends in. */
export const MAX_RANGE_DAYS = 366;

/** Refuses a range longer than `MAX_RANGE_DAYS` (a 400 naming `to`). `what` starts the message. */
export function assertRangeLength(from: LocalDate, to: LocalDate, what = "The range"): void {
  if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS)
    throw validationError(`${what} may cover at most ${MAX_RANGE_DAYS} days`, [
      { path: "to", message: "Range too long" },
    ]);
}

/**
 * A provider's local wall-clock timestamp (`YYYY-MM-DD HH:mm:ss`, Vietnam time) as a UTC ISO instant;
 * undefined when it is not a real time.
 */
export function localDateTimeToUtc(text: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m || !isLocalDate(m[1]!)) return undefined;
  const [h, min, s] = [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
  if (h > 23 || min > 59 || s > 59) return undefined;
  return new Date(
    dayIndex(m[1]!) * DAY_MS + ((h * 60 + min - UTC_OFFSET_MINUTES) * 60 + s) * 1000,
  ).toISOString();
}

/** Every month (`YYYY-MM`) a date range touches, ascending. */
export function monthsBetween(from: LocalDate, to: LocalDate): string[] {
  const out: string[] = [];
  let [y, m] = from.slice(0, 7).split("-").map(Number) as [number, number];
  const end = to.slice(0, 7);
  for (;;) {
    const month = `${y}-${String(m).padStart(2, "0")}`;
    out.push(month);
    if (month >= end) return out;
    if (++m > 12) {
      m = 1;
      y++;
    }
  }
}
