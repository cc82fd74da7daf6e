import { localDateOf, monthRange } from "../calendar/localDate";

/**
 * Whether an evaluation's figures may still change (docs/contract.md §15): it covers only part of the month it is
 * filed under (month-to-date), or it was computed before its period ended. Derived from what every version stores
 * (period, key, `computedAt`), so it is the same on every read; the first run after the period ends files a final
 * version even when nothing else changed.
 */
export function isProvisional(
  period: { from: string; to: string },
  periodKey: string,
  computedAt: string,
): boolean {
  const partOfMonth = /^\d{4}-\d{2}$/.test(periodKey) && period.to < monthRange(periodKey).to;
  return partOfMonth || period.to >= localDateOf(computedAt);
}
