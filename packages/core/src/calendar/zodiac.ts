import { dayIndex, type LocalDate } from "./localDate";

/** The twelve earthly branches (địa chi) in order, Tý … Hợi; Vietnam's 4th animal is the cat (Mão). */
export const ANIMALS = [
  "rat",
  "ox",
  "tiger",
  "cat",
  "dragon",
  "snake",
  "horse",
  "goat",
  "monkey",
  "rooster",
  "dog",
  "pig",
] as const;
export type Animal = (typeof ANIMALS)[number];

/** Julian Day Number of 1970-01-01. */
const JDN_EPOCH = 2440588;

/** The branch of a day in the sexagenary (Can Chi) day cycle: index `(jdn + 1) mod 12`, 0 = rat. */
export function dayAnimal(date: LocalDate): Animal {
  const jdn = dayIndex(date) + JDN_EPOCH;
  return ANIMALS[(((jdn + 1) % 12) + 12) % 12]!;
}
