import ical from "ical-generator";
import { z } from "zod";
import { sessionDay, sessionLabel } from "../calendar/labels";
import { addDays, type LocalDate, localDateOf, TIMEZONE, UTC_OFFSET_MINUTES } from "../calendar/localDate";
import { type Session, sessionAt, sessionsBetween } from "../calendar/sessions";
import { ANIMALS } from "../calendar/zodiac";
import type { Clock } from "../clock";
import { notFound } from "../errors";
import type { Store } from "../store/client";
import type { Market } from "./market";
import * as Markets from "./market";

/** How far ahead a feed and the public page look: the next 12 months (docs/contract.md §21). */
export const FEED_DAYS = 365;

/** Vietnam has kept UTC+7 all year since 1975: one STANDARD observance describes it. */
const VTIMEZONE = [
  "BEGIN:VTIMEZONE",
  `TZID:${TIMEZONE}`,
  `X-LIC-LOCATION:${TIMEZONE}`,
  "BEGIN:STANDARD",
  "TZOFFSETFROM:+0700",
  "TZOFFSETTO:+0700",
  "TZNAME:+07",
  "DTSTART:19700101T000000",
  "END:STANDARD",
  "END:VTIMEZONE",
].join("\r\n");

/**
 * An instant that ical-generator writes as Vietnam's wall-clock time whatever the process's own time zone is
 * (it reads a zoned date's fields through `withTimeZone`, the shape of @date-fns/tz's TZDate it recognises).
 */
class VietnamTime extends Date {
  readonly internal = new Date(this.getTime());
  tzComponents(): void {}
  withTimeZone(): Date {
    const wall = new Date(this.getTime() + UTC_OFFSET_MINUTES * 60_000);
    return Object.assign(new Date(wall), {
      getFullYear: () => wall.getUTCFullYear(),
      getMonth: () => wall.getUTCMonth(),
      getDate: () => wall.getUTCDate(),
      getHours: () => wall.getUTCHours(),
      getMinutes: () => wall.getUTCMinutes(),
      getSeconds: () => wall.getUTCSeconds(),
    });
  }
}

/** A market open to the public, or a 404 that says no more than an unknown id would. */
export async function publicMarket(store: Store, id: string): Promise<Market> {
  const market = await Markets.find(store, id);
  if (!market?.public) throw notFound(`Market '${id}'`);
  return market;
}

/** Every public market of a province (old or new name, as `sameProvince` reads it), by id. */
export async function publicInProvince(store: Store, province: string): Promise<Market[]> {
  return (await Markets.inProvince(store, province)).filter((m) => m.public);
}

/** Every public market, by province, commune and name. */
export async function publicMarkets(store: Store): Promise<Market[]> {
  return (await Markets.all(store))
    .filter((m) => m.public)
    .sort(
      (a, b) =>
        a.province.localeCompare(b.province, "vi") ||
        a.commune.localeCompare(b.commune, "vi") ||
        a.name.localeCompare(b.name, "vi"),
    );
}

/** The sessions of the next 12 months from `today`, closures left out. */
export function upcoming(market: Market, today: LocalDate): Session[] {
  return sessionsBetween(market, today, addDays(today, FEED_DAYS - 1));
}

/** A session's stable UID: the same market and opening date always give the same one. */
export const uidOf = (marketId: string, date: LocalDate) => `${marketId}-${date}@market40.vn`;

/**
 * An RFC 5545 calendar of the markets' sessions in the next 12 months (docs/contract.md §21): one VEVENT per
 * session with a stable UID, times in Asia/Ho_Chi_Minh with its VTIMEZONE, names in Vietnamese. DTSTAMP is the
 * market's last change in UTC (`…Z`), so the same market gives the same bytes until it changes.
 */
export function ics(name: string, markets: readonly Market[], today: LocalDate): string {
  const calendar = ical({
    name,
    prodId: { company: "market40", product: "lich-cho-phien", language: "VI" },
    // No calendar-wide zone: ical-generator writes DTSTAMP in it, with no `Z`, where RFC 5545 §3.8.7.2 wants UTC.
    // Every event names its zone, and the generator still writes that zone's VTIMEZONE.
    timezone: { name: null, generator: () => VTIMEZONE },
  });
  for (const market of markets)
    for (const s of upcoming(market, today))
      calendar.createEvent({
        id: uidOf(market.id, s.date),
        start: new VietnamTime(s.opensAt),
        end: new VietnamTime(s.closesAt),
        timezone: TIMEZONE,
        stamp: new Date(market.updatedAt),
        summary: market.name,
        description: `Phiên ${sessionLabel(market.schedule, s.date)}, ${market.hours.open}–${market.hours.close}`,
        location: `${market.commune}, ${market.province}`,
      });
  return calendar.toString();
}

/**
 * What the public page shows of a market: no people, no stalls, no money (docs/contract.md §21). `qrSharePct` is
 * the share of stalls with a QR code in the latest evaluation, or null before one.
 */
export const PublicMarketSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    province: z.string(),
    commune: z.string(),
    hours: z.object({ open: z.string(), close: z.string() }),
    schedule: Markets.ScheduleSchema,
    inSession: z.boolean(),
    next: z.array(
      z.object({
        date: z.string(),
        label: z.string(),
        opensAt: z.string(),
        closesAt: z.string(),
        /** A zodiac-day market's session: the day's animal (earthly branch). */
        animal: z.enum(ANIMALS).optional(),
        /** A lunar-date market's session: its lunar date (`leap`: in a leap month). */
        lunar: z.object({ day: z.number(), month: z.number(), leap: z.boolean() }).optional(),
      }),
    ),
    qrSharePct: z.number().nullable(),
    calendar: z.string(),
  })
  .meta({ id: "PublicMarket" });
export type PublicMarket = z.output<typeof PublicMarketSchema>;

/** The public listing of one market now: its next `count` sessions (or the one in progress) and QR share. */
export function publicView(market: Market, clock: Clock, qrSharePct: number | null, count = 5): PublicMarket {
  const now = clock.now();
  const current = sessionAt(market, now);
  const today = localDateOf(now);
  const next = [
    ...(current ? [current] : []),
    ...sessionsBetween(market, today, addDays(today, FEED_DAYS - 1)).filter(
      (s) => Date.parse(s.opensAt) > now.getTime(),
    ),
  ].slice(0, count);
  return {
    id: market.id,
    name: market.name,
    province: market.province,
    commune: market.commune,
    hours: market.hours,
    schedule: market.schedule,
    inSession: current !== undefined,
    next: next.map((s) => ({
      ...s,
      label: sessionLabel(market.schedule, s.date),
      ...sessionDay(market.schedule, s.date),
    })),
    qrSharePct,
    calendar: `/api/markets/${market.id}/calendar.ics`,
  };
}
