import { currentLang } from "./lang";

/**
 * The calendar's words in the page's language: weekdays and the zodiac days' animals. Shared by the officials'
 * screens and the public calendar page, so it needs nothing but the language.
 */

/** ISO weekdays 1–7 (Monday first), as each language abbreviates them. */
export const weekdayName = (day: number) =>
  (currentLang() === "vi"
    ? ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]
    : ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])[day - 1] ?? String(day);

/** ISO weekdays 1–7 in full: "Thứ hai" … "Chủ nhật" (core's calendar/labels.ts says them the same way). */
export const weekdayFull = (day: number) =>
  (currentLang() === "vi"
    ? ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]
    : ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])[day - 1] ?? String(day);

const ANIMAL_NAMES: Record<string, [vi: string, en: string]> = {
  rat: ["Tý", "Rat"],
  ox: ["Sửu", "Ox"],
  tiger: ["Dần", "Tiger"],
  cat: ["Mão", "Cat"],
  dragon: ["Thìn", "Dragon"],
  snake: ["Tỵ", "Snake"],
  horse: ["Ngọ", "Horse"],
  goat: ["Mùi", "Goat"],
  monkey: ["Thân", "Monkey"],
  rooster: ["Dậu", "Rooster"],
  dog: ["Tuất", "Dog"],
  pig: ["Hợi", "Pig"],
};
/** A zodiac day's animal as people call it: `Tý`, `Sửu` (or `Rat`, `Ox`). */
export const animalName = (animal: string) =>
  ANIMAL_NAMES[animal]?.[currentLang() === "vi" ? 0 : 1] ?? animal;
/** The Vietnamese branch name whatever the language: an English reader still hears "Dần" at the market. */
export const branchName = (animal: string) => ANIMAL_NAMES[animal]?.[0] ?? animal;
