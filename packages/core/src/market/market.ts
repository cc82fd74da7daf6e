import { z } from "zod";
import { assertRangeLength, type LocalDate } from "../calendar/localDate";
import { type Session, sessionsBetween } from "../calendar/sessions";
import { ANIMALS } from "../calendar/zodiac";
import type { Clock } from "../clock";
import { notFound } from "../errors";
import { LocalDateSchema } from "../schemas";
import type { Store } from "../store/client";
import { allPages, type Page, type PageRequest } from "../store/page";
import { commit } from "../store/transact";
import { MarketItem } from "./marketItem";

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Expected a local time HH:mm");

export const ScheduleSchema = z
  .discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("daily") }),
    z.strictObject({
      kind: z.literal("weekly"),
      days: z.array(z.number().int().min(1).max(7)).min(1).max(7),
    }),
    z.strictObject({ kind: z.literal("zodiac"), animals: z.array(z.enum(ANIMALS)).min(1).max(12) }),
    z.strictObject({
      kind: z.literal("lunar"),
      days: z.array(z.number().int().min(1).max(30)).min(1).max(30),
    }),
  ])
  .meta({ id: "Schedule" });

export const HoursSchema = z
  .strictObject({ open: HHMM, close: HHMM })
  .refine((h) => h.open < h.close, { message: "`close` must be after `open`", path: ["close"] });

export const MarketInputSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, "Lower-case letters, digits and '-', 2 to 40 characters"),
    name: z.string().trim().min(1).max(120),
    province: z.string().trim().min(1).max(80),
    commune: z.string().trim().min(1).max(80),
    legacyDistrict: z.string().trim().min(1).max(80).optional(),
    launchedOn: LocalDateSchema,
    schedule: ScheduleSchema,
    hours: HoursSchema,
    closures: z.array(LocalDateSchema).max(400).default([]),
  })
  .meta({ id: "MarketInput" });

export const MarketPatchSchema = MarketInputSchema.omit({ id: true }).partial().meta({ id: "MarketPatch" });

export type MarketInput = z.input<typeof MarketInputSchema>;
/** A market as the API answers it. */
export const MarketSchema = MarketInputSchema.extend({ createdAt: z.string(), updatedAt: z.string() }).meta({
  id: "Market",
});
export type Market = z.output<typeof MarketSchema>;

/** A scheduled session as the API lists it: its local date and UTC opening and closing instants. */
export const SessionSchema = z
  .object({ date: z.string(), opensAt: z.string(), closesAt: z.string() })
  .meta({ id: "Session" });

function normalise(market: Market): Market {
  return { ...market, closures: [...new Set(market.closures)].sort() };
}

/** Registers a market. The same id again is a conflict. */
export async function create(store: Store, clock: Clock, input: MarketInput): Promise<Market> {
  const parsed = MarketInputSchema.parse(input);
  const now = clock.now().toISOString();
  const market = normalise({ ...parsed, createdAt: now, updatedAt: now });
  await commit(store, [MarketItem.create(store, market)], () => ({
    path: "id",
    message: `Market '${market.id}' already exists`,
  }));
  return market;
}

export function find(store: Store, id: string): Promise<Market | undefined> {
  return MarketItem.get(store, id);
}

export async function get(store: Store, id: string): Promise<Market> {
  const market = await find(store, id);
  if (!market) throw notFound(`Market '${id}'`);
  return market;
}

export function list(store: Store, page: PageRequest): Promise<Page<Market>> {
  return MarketItem.all(store, page);
}

/** Every market, all pages (for the scheduler and the seed). */
export function all(store: Store): Promise<Market[]> {
  return allPages((page) => list(store, page));
}

/** Changes a market's details (not its id); the whole new record is validated before it is written. */
export async function update(
  store: Store,
  clock: Clock,
  id: string,
  patch: z.input<typeof MarketPatchSchema>,
): Promise<Market> {
  const current = await get(store, id);
  const { createdAt, updatedAt, ...rest } = current;
  const merged = MarketInputSchema.parse({ ...rest, ...MarketPatchSchema.parse(patch) });
  const market = normalise({ ...merged, createdAt, updatedAt: clock.now().toISOString() });
  await commit(store, [MarketItem.replace(store, market, updatedAt)], () => ({
    path: "",
    message: "The market changed meanwhile; retry",
  }));
  return market;
}

/** Scheduled sessions of a market in a range of at most 366 days. */
export function sessions(market: Market, from: LocalDate, to: LocalDate): Session[] {
  assertRangeLength(from, to);
  return sessionsBetween(market, from, to);
}
