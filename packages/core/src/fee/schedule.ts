import { z } from "zod";
import type { LocalDate } from "../calendar/localDate";
import { LocalDateSchema } from "../schemas";

/**
 * A market's fee schedule (docs/contract.md §20): pure rules, no store. A rate names whom it applies to (every
 * stall, a category, or one stall), how often it is due (each session of a phiên market; each day or each month
 * of a daily market) and the date from which it applies. The most specific rate wins — a stall's own, then its
 * category's, then the market's — and within one, the latest that has started.
 */
export const FEE_PERIODS = ["session", "day", "month"] as const;
export type FeePeriod = (typeof FEE_PERIODS)[number];

/** The largest fee one bill may carry (VND): far above any market fee, well inside what VietQR carries. */
export const MAX_FEE = 100_000_000;

export const FeeTargetSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("all") }),
  z.strictObject({ kind: z.literal("category"), category: z.string().trim().min(1).max(40) }),
  z.strictObject({ kind: z.literal("stall"), stallId: z.string().min(1).max(64) }),
]);
export type FeeTarget = z.output<typeof FeeTargetSchema>;

export const FeeRateSchema = z
  .strictObject({
    appliesTo: FeeTargetSchema,
    period: z.enum(FEE_PERIODS),
    /** VND; 0 exempts (a stall or category that pays nothing from that date). */
    amount: z.number().int().min(0).max(MAX_FEE),
    from: LocalDateSchema,
  })
  .meta({ id: "FeeRate" });
export type FeeRate = z.output<typeof FeeRateSchema>;

export const FeeScheduleInputSchema = z
  .strictObject({ rates: z.array(FeeRateSchema).max(500) })
  .meta({ id: "FeeScheduleInput" });

export const FeeScheduleSchema = z
  .object({
    marketId: z.string(),
    rates: z.array(FeeRateSchema),
    rev: z.number().int(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: "FeeSchedule" });
export type FeeSchedule = z.output<typeof FeeScheduleSchema>;

/** Categories compare as people type them: without regard to case or surrounding spaces. */
export const categoryKey = (category: string) => category.normalize("NFC").trim().toLocaleLowerCase("vi");

/** A rate's target as one comparable string. */
export function targetKey(t: FeeTarget): string {
  if (t.kind === "all") return "all";
  if (t.kind === "category") return `category:${categoryKey(t.category)}`;
  return `stall:${t.stallId}`;
}

/** Periods a market's calendar allows: sessions for a phiên market; days or months for a daily one. */
export function periodsFor(schedule: { kind: string }): FeePeriod[] {
  return schedule.kind === "daily" ? ["day", "month"] : ["session"];
}

/** A rate with its fields in one order (DynamoDB keeps no order of a map's keys): what is compared and shown. */
export function canonicalRate(r: FeeRate): FeeRate {
  const t = r.appliesTo;
  const appliesTo: FeeTarget =
    t.kind === "all"
      ? { kind: "all" }
      : t.kind === "category"
        ? { kind: "category", category: t.category }
        : { kind: "stall", stallId: t.stallId };
  return { appliesTo, period: r.period, amount: Number(r.amount), from: r.from };
}

/** True when two lists hold the same rates in the same order. */
export const sameRates = (a: FeeRate[], b: FeeRate[]) =>
  JSON.stringify(a.map(canonicalRate)) === JSON.stringify(b.map(canonicalRate));

/** Rates in a stable order (target, then date), as stored and shown. */
export function sortRates(rates: FeeRate[]): FeeRate[] {
  return rates
    .map(canonicalRate)
    .sort(
      (a, b) => targetKey(a.appliesTo).localeCompare(targetKey(b.appliesTo)) || a.from.localeCompare(b.from),
    );
}

/** The rate that applies to a stall on a date, if any (an exempting rate of 0 included). */
export function rateFor(
  rates: FeeRate[],
  stall: { id: string; category?: string | undefined },
  date: LocalDate,
): FeeRate | undefined {
  const tiers: ((r: FeeRate) => boolean)[] = [
    (r) => r.appliesTo.kind === "stall" && r.appliesTo.stallId === stall.id,
    (r) =>
      r.appliesTo.kind === "category" &&
      stall.category !== undefined &&
      categoryKey(r.appliesTo.category) === categoryKey(stall.category),
    (r) => r.appliesTo.kind === "all",
  ];
  for (const inTier of tiers) {
    const started = rates.filter((r) => inTier(r) && r.from <= date);
    if (started.length > 0) return started.reduce((a, b) => (b.from > a.from ? b : a));
  }
  return undefined;
}
