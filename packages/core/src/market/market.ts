import { z } from "zod";
import type { Actor } from "../audit/audit";
import * as Audit from "../audit/audit";
import { sameProvince } from "../auth/access";
import { assertRangeLength, type LocalDate, localDateOf } from "../calendar/localDate";
import { type Session, sessionsBetween } from "../calendar/sessions";
import { ANIMALS } from "../calendar/zodiac";
import type { Clock } from "../clock";
import { forbidden, notFound } from "../errors";
import { LocalDateSchema } from "../schemas";
import type { Store } from "../store/client";
import { allPages, type Page, type PageRequest } from "../store/page";
import { commit } from "../store/transact";
import { MarketItem } from "./marketItem";

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Expected a local time HH:mm");
/** A closing time may also be `24:00`, the midnight that ends the opening day. */
const CLOSE = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, "Expected a local time HH:mm (or 24:00)");

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
      /** Lunar months (1–12) of a yearly phiên; leap months are skipped. Left out: every month. */
      months: z.array(z.number().int().min(1).max(12)).min(1).max(12).optional(),
    }),
  ])
  .meta({ id: "Schedule" });

/**
 * Opening hours (docs/contract.md §21): a `close` at or before `open` is on the next day (`17:00`–`01:00`), equal
 * to `open` a session of exactly 24 hours; `24:00` closes at the end of the opening day.
 */
export const HoursSchema = z.strictObject({ open: HHMM, close: CLOSE }).meta({ id: "Hours" });

/** A market's fields and their rules, with no defaults: a patch built from them changes only what it names. */
const MARKET_FIELDS = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, "Lower-case letters, digits and '-', 2 to 40 characters"),
  name: z.string().trim().min(1).max(120),
  province: z.string().trim().min(1).max(80),
  commune: z.string().trim().min(1).max(80),
  legacyDistrict: z.string().trim().min(1).max(80).optional(),
  launchedOn: LocalDateSchema,
  schedule: ScheduleSchema,
  hours: HoursSchema,
  closures: z.array(LocalDateSchema).max(400),
  /** Listed on the public calendar and its iCal feeds (docs/contract.md §21); only an admin sets it. */
  public: z.boolean(),
};

/** A new market; `closures` may be left out (none). */
export const MarketInputSchema = z
  .strictObject({
    ...MARKET_FIELDS,
    closures: MARKET_FIELDS.closures.optional(),
    public: MARKET_FIELDS.public.optional(),
  })
  .meta({ id: "MarketInput" });

/**
 * A change to a market: only the fields it names change (docs/contract.md §3). Built from the bare fields, never
 * from `MarketInputSchema` with `.partial()`, which would keep any `.default()` and so rewrite a field nobody named.
 */
export const MarketPatchSchema = z
  .strictObject(MARKET_FIELDS)
  .omit({ id: true })
  .partial()
  .meta({ id: "MarketPatch" });

export type MarketInput = z.input<typeof MarketInputSchema>;
/** A market as the API answers it. */
export const MarketSchema = z
  .object({
    ...MARKET_FIELDS,
    public: MARKET_FIELDS.public.optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Market" });
export type Market = z.output<typeof MarketSchema>;

/** A scheduled session as the API lists it: its local date and UTC opening and closing instants. */
export const SessionSchema = z
  .object({ date: z.string(), opensAt: z.string(), closesAt: z.string() })
  .meta({ id: "Session" });

/** Closures without repeats, sorted; `public` kept only when true (not public is the default). */
function normalise(market: Market): Market {
  const { public: listed, ...rest } = market;
  return { ...rest, ...(listed ? { public: true } : {}), closures: [...new Set(market.closures)].sort() };
}

/** What a market's audit entries record: everything its evaluation depends on, and its names. */
const AUDITED: (keyof Market)[] = [
  "name",
  "province",
  "commune",
  "legacyDistrict",
  "launchedOn",
  "schedule",
  "hours",
  "closures",
  "public",
];

/** Registers a market, with its audit entry. The same id again is a conflict. */
export async function create(
  store: Store,
  clock: Clock,
  input: MarketInput,
  actor: Actor = Audit.SYSTEM,
): Promise<Market> {
  const parsed = MarketInputSchema.parse(input);
  const now = clock.now().toISOString();
  const market = normalise({ ...parsed, closures: parsed.closures ?? [], createdAt: now, updatedAt: now });
  await commit(
    store,
    [
      MarketItem.create(store, market),
      Audit.entry(store, clock, {
        actor,
        action: "market.created",
        entity: { kind: "market", id: market.id },
        marketId: market.id,
        ...Audit.diff(undefined, market, AUDITED),
      }),
    ],
    (i) => (i === 0 ? { path: "id", message: `Market '${market.id}' already exists` } : null),
  );
  return market;
}

/** Fields a market's manager may change: its names, and closures still to come. The rest is the admin's. */
const MANAGER_FIELDS = new Set<keyof Market>(["name", "commune", "legacyDistrict", "closures"]);

/**
 * The evaluated party may not rewrite its own calendar (docs/contract.md §10): a manager may add or remove only
 * closures after today (local) and may not change the schedule, hours, launch date or province; an admin may.
 */
function assertManagerMayChange(actor: Actor, today: string, before: Market, after: Market): void {
  if (actor.role === "admin" || actor.role === "system") return;
  for (const field of AUDITED)
    if (!MANAGER_FIELDS.has(field) && JSON.stringify(before[field]) !== JSON.stringify(after[field]))
      throw forbidden(`Only an admin may change a market's ${field}`);
  const was = new Set(before.closures);
  const now = new Set(after.closures);
  const touched = [
    ...after.closures.filter((d) => !was.has(d)),
    ...before.closures.filter((d) => !now.has(d)),
  ];
  const past = touched.filter((d) => d <= today);
  if (past.length > 0)
    throw forbidden(
      `A manager may add or remove only closures after today; ask an admin for ${past.join(", ")}`,
    );
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

/**
 * The markets a key may list: a manager (or device) its own; a province's liaison that province's (a page may
 * come back short, with a cursor, when it skipped other provinces); admin and other liaisons every market.
 */
export async function listFor(
  store: Store,
  reader: { role: string; marketId?: string; province?: string },
  page: PageRequest,
): Promise<Page<Market>> {
  if (reader.role === "manager" || reader.role === "device") {
    const own = reader.marketId ? await find(store, reader.marketId) : undefined;
    return { items: own ? [own] : [] };
  }
  const listed = await list(store, page);
  const province = reader.role === "liaison" ? reader.province : undefined;
  return province
    ? { ...listed, items: listed.items.filter((m) => sameProvince(m.province, province)) }
    : listed;
}

/** Every market in a province (a province's liaison's reports and audit). */
export async function inProvince(store: Store, province: string): Promise<Market[]> {
  return (await all(store)).filter((m) => sameProvince(m.province, province));
}

/** Every market, all pages (for the scheduler and the seed). */
export function all(store: Store): Promise<Market[]> {
  return allPages((page) => list(store, page));
}

/** Changes a market's details (not its id); the whole new record is validated before it is written. */
export async function update(
  store: Store,
  clock: Clock,
  actor: Actor,
  id: string,
  patch: z.input<typeof MarketPatchSchema>,
): Promise<Market> {
  const current = await get(store, id);
  const { createdAt, updatedAt, ...rest } = current;
  const merged = MarketInputSchema.parse({ ...rest, ...MarketPatchSchema.parse(patch) });
  const market = normalise({
    ...merged,
    closures: merged.closures ?? [],
    createdAt,
    updatedAt: clock.now().toISOString(),
  });
  assertManagerMayChange(actor, localDateOf(clock.now()), current, market);
  const change = Audit.diff(current, market, AUDITED);
  if (!change) return current;
  await commit(
    store,
    [
      MarketItem.replace(store, market, updatedAt),
      Audit.entry(store, clock, {
        actor,
        action: "market.changed",
        entity: { kind: "market", id },
        marketId: id,
        ...change,
      }),
    ],
    (i) => (i === 0 ? { path: "", message: "The market changed meanwhile; retry" } : null),
  );
  return market;
}

/** Scheduled sessions of a market in a range of at most 366 days. */
export function sessions(market: Market, from: LocalDate, to: LocalDate): Session[] {
  assertRangeLength(from, to);
  return sessionsBetween(market, from, to);
}
