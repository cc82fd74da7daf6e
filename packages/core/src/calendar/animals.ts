/* No imports: the web app reads this list too, and must not pull in the rest of core (zod) to do so. */

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
