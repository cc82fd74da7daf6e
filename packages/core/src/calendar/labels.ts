import { isoWeekday, type LocalDate } from "./localDate";
import { toLunar } from "./lunar";
import type { Schedule } from "./sessions";
import { ANIMALS, dayAnimal } from "./zodiac";

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
 * How a trader names a session's day (docs/contract.md §21): "Chủ nhật 06/12", and for a zodiac-day market
 * "ngày Dần", for a lunar-date market "27/3 âm lịch" (a leap month marked "nhuận") after the solar date.
 * @example sessionLabel({ kind: "lunar", days: [27] }, "2026-05-13") // "Thứ tư 13/05 · 27/3 âm lịch"
 */
export function sessionLabel(schedule: Schedule, date: LocalDate): string {
  const solar = `${WEEKDAYS_VI[isoWeekday(date)]} ${date.slice(8, 10)}/${date.slice(5, 7)}`;
  if (schedule.kind === "zodiac") {
    const branch = BRANCHES_VI[ANIMALS.indexOf(dayAnimal(date))];
    return `${solar} · ngày ${branch}`;
  }
  if (schedule.kind === "lunar") {
    const [y, m, d] = date.split("-").map(Number) as [number, number, number];
    const l = toLunar(d, m, y);
    return `${solar} · ${l.day}/${l.month}${l.leap ? " nhuận" : ""} âm lịch`;
  }
  return solar;
}
