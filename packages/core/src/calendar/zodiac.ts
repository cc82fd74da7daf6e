import { ANIMALS, type Animal } from "./animals";
import { dayIndex, type LocalDate } from "./localDate";

export { ANIMALS, type Animal } from "./animals";

/** Julian Day Number of 1970-01-01. */
const JDN_EPOCH = 2440588;

/** The branch of a day in the sexagenary (Can Chi) day cycle: index `(jdn + 1) mod 12`, 0 = rat. */
export function dayAnimal(date: LocalDate): Animal {
  const jdn = dayIndex(date) + JDN_EPOCH;
  return ANIMALS[(((jdn + 1) % 12) + 12) % 12]!;
}
