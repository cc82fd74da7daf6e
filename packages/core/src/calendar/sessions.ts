import { dayIndex, eachDate, isoWeekday, type LocalDate, localTimeToUtc } from "./localDate";
import { toLunar } from "./lunar";
import { type Animal, dayAnimal } from "./zodiac";

/** When a market meets. */
export type Schedule =
  | { kind: "daily" }
  | { kind: "weekly"; days: number[] }
  | { kind: "zodiac"; animals: Animal[] }
  | { kind: "lunar"; days: number[] };

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
      return schedule.days.includes(toLunar(d, m, y).day);
    }
  }
}

/** Minutes a session is open. */
export function sessionMinutes(hours: Hours): number {
  const toMin = (hhmm: string) => {
    const [h, m] = hhmm.split(":").map(Number) as [number, number];
    return h * 60 + m;
  };
  return toMin(hours.close) - toMin(hours.open);
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
    out.push({
      date,
      opensAt: localTimeToUtc(date, calendar.hours.open).toISOString(),
      closesAt: localTimeToUtc(date, calendar.hours.close).toISOString(),
    });
  }
  return out;
}

/** The later of two local dates. */
export function laterDate(a: LocalDate, b: LocalDate): LocalDate {
  return dayIndex(a) >= dayIndex(b) ? a : b;
}
