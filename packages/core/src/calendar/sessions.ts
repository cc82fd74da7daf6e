import {
  addDays,
  dayIndex,
  eachDate,
  isoWeekday,
  type LocalDate,
  localDateOf,
  localMinuteOfDay,
  localTimeToUtc,
} from "./localDate";
import { toLunar } from "./lunar";
import { type Animal, dayAnimal } from "./zodiac";

/** When a market meets. */
export type Schedule =
  | { kind: "daily" }
  | { kind: "weekly"; days: number[] }
  | { kind: "zodiac"; animals: Animal[] }
  | { kind: "lunar"; days: number[]; months?: number[] };

/**
 * A session's local opening and closing times, `HH:mm` (docs/contract.md §21). `close` may be `24:00` (midnight at
 * the end of the opening day). A `close` at or before `open` is on the next day: `17:00`–`01:00` runs through the
 * night, and `close` equal to `open` is a session of exactly 24 hours (never an empty one).
 */
export interface Hours {
  open: string;
  close: string;
}

export interface MarketCalendar {
  schedule: Schedule;
  hours: Hours;
  closures?: LocalDate[];
}

/** One scheduled market day and its opening window in UTC. */
export interface Session {
  date: LocalDate;
  opensAt: string;
  closesAt: string;
}

/** True when the schedule (before closures) has a session on `date`. */
export function meetsOn(schedule: Schedule, date: LocalDate): boolean {
  switch (schedule.kind) {
    case "daily":
      return true;
    case "weekly":
      return schedule.days.includes(isoWeekday(date));
    case "zodiac":
      return schedule.animals.includes(dayAnimal(date));
    case "lunar": {
      const [y, m, d] = date.split("-").map(Number) as [number, number, number];
      const lunar = toLunar(d, m, y);
      if (!schedule.days.includes(lunar.day)) return false;
      // Naming months means a yearly phiên (Khâu Vai: 26/3): it meets in the regular month, not again in a
      // leap month (tháng nhuận) of the same number.
      return !schedule.months || (!lunar.leap && schedule.months.includes(lunar.month));
    }
  }
}

const toMin = (hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return h * 60 + m;
};

/** True when a session closes on the day after it opens (`close` at or before `open`). */
export function closesNextDay(hours: Hours): boolean {
  return toMin(hours.close) <= toMin(hours.open);
}

/** Minutes a session is open: 1 to 1440. */
export function sessionMinutes(hours: Hours): number {
  return toMin(hours.close) - toMin(hours.open) + (closesNextDay(hours) ? 1440 : 0);
}

/**
 * The market day an instant belongs to, and its minute counted from that day's midnight (docs/contract.md §21).
 * For a market whose sessions close on the next day the market day turns over at the closing time, not at
 * midnight: with hours `17:00`–`01:00`, 00:30 on the 6th is minute 1470 of market day the 5th — so a payment made
 * after midnight counts for the session that opened the evening before, and for the month in which it opened.
 * Other markets' days turn over at midnight. Pure: it needs only the hours, never the schedule.
 */
export function marketDayOf(hours: Hours, instant: Date | string): { date: LocalDate; minute: number } {
  const date = localDateOf(instant);
  const minute = localMinuteOfDay(instant);
  if (closesNextDay(hours) && minute < toMin(hours.close))
    return { date: addDays(date, -1), minute: minute + 1440 };
  return { date, minute };
}

/** Minutes after the opening day's midnight at which sessions open and close (close up to 2880). */
export function sessionMinuteRange(hours: Hours): { open: number; close: number } {
  const open = toMin(hours.open);
  return { open, close: open + sessionMinutes(hours) };
}

/**
 * Every scheduled session from `from` to `to` (both included, local dates), closures removed, ascending.
 * Pure: the same market and range always give the same sessions.
 */
export function sessionsBetween(calendar: MarketCalendar, from: LocalDate, to: LocalDate): Session[] {
  const closed = new Set(calendar.closures ?? []);
  const out: Session[] = [];
  for (const date of eachDate(from, to)) {
    if (closed.has(date) || !meetsOn(calendar.schedule, date)) continue;
    const opens = localTimeToUtc(date, calendar.hours.open);
    out.push({
      date,
      opensAt: opens.toISOString(),
      closesAt: new Date(opens.getTime() + sessionMinutes(calendar.hours) * 60_000).toISOString(),
    });
  }
  return out;
}

/** The session open at `instant` (closures respected), if any: it opened on the instant's date or the day before. */
export function sessionAt(calendar: MarketCalendar, instant: Date | string): Session | undefined {
  const t = typeof instant === "string" ? Date.parse(instant) : instant.getTime();
  const today = localDateOf(new Date(t));
  return sessionsBetween(calendar, addDays(today, -1), today).find(
    (s) => Date.parse(s.opensAt) <= t && t < Date.parse(s.closesAt),
  );
}

/** The later of two local dates. */
export function laterDate(a: LocalDate, b: LocalDate): LocalDate {
  return dayIndex(a) >= dayIndex(b) ? a : b;
}
