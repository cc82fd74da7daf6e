import { isoWeekday, type LocalDate } from "./localDate";
import { toLunar } from "./lunar";
import type { Schedule } from "./sessions";
import { ANIMALS, type Animal, dayAnimal } from "./zodiac";

/** Vietnamese names of the ISO weekdays, 1 = Thứ hai … 7 = Chủ nhật. */
export const WEEKDAYS_VI = ["", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"];
/** The earthly branches in Vietnamese, Tý … Hợi, in the order of `ANIMALS`. */
export const BRANCHES_VI = [
  "Tý",
  "Sửu",
  "Dần",
  "Mão",
  "Thìn",
  "Tỵ",
  "Ngọ",
  "Mùi",
  "Thân",
  "Dậu",
  "Tuất",
  "Hợi",
];

/**
 * What names a session's day besides its solar date: for a zodiac-day market the day's animal (its earthly
 * branch), for a lunar-date market the lunar date (docs/contract.md §21). The public page builds its labels from
 * these, in either language.
 * @example sessionDay({ kind: "lunar", days: [27] }, "2026-05-13") // { lunar: { day: 27, month: 3, leap: false } }
 */
export function sessionDay(
  schedule: Schedule,
  date: LocalDate,
): { animal?: Animal; lunar?: { day: number; month: number; leap: boolean } } {
  if (schedule.kind === "zodiac") return { animal: dayAnimal(date) };
  if (schedule.kind === "lunar") {
    const [y, m, d] = date.split("-").map(Number) as [number, number, number];
    const l = toLunar(d, m, y);
    return { lunar: { day: l.day, month: l.month, leap: l.leap } };
  }
  return {};
}

/**
 * How a trader names a session's day (docs/contract.md §21): "Chủ nhật 06/12", and for a zodiac-day market
 * "ngày Dần", for a lunar-date market "27/3 âm lịch" (a leap month marked "nhuận") after the solar date.
 * @example sessionLabel({ kind: "lunar", days: [27] }, "2026-05-13") // "Thứ tư 13/05 · 27/3 âm lịch"
 */
export function sessionLabel(schedule: Schedule, date: LocalDate): string {
  const solar = `${WEEKDAYS_VI[isoWeekday(date)]} ${date.slice(8, 10)}/${date.slice(5, 7)}`;
  const { animal, lunar } = sessionDay(schedule, date);
  if (animal) return `${solar} · ngày ${BRANCHES_VI[ANIMALS.indexOf(animal)]}`;
  if (lunar) return `${solar} · ${lunar.day}/${lunar.month}${lunar.leap ? " nhuận" : ""} âm lịch`;
  return solar;
}
