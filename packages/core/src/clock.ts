import { randomBytes } from "node:crypto";

/** One clock for the whole app, injected so tests control time (sessions, tolerance windows, periods). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stays where a test puts it. */
export function fixedClock(
  at: string | Date,
): Clock & { set(at: string | Date): void; advance(ms: number): void } {
  let current = new Date(at);
  return {
    now: () => new Date(current),
    set(next) {
      current = new Date(next);
    },
    advance(ms) {
      current = new Date(current.getTime() + ms);
    },
  };
}

const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";

/**
 * Sortable ids: 10 characters of millisecond time then 16 random characters (ULID layout,
 * lower-case Crockford base32), so ids created later sort later within a key.
 */
export function newId(clock: Clock = systemClock): string {
  let time = clock.now().getTime();
  let head = "";
  for (let i = 0; i < 10; i++) {
    head = CROCKFORD[time % 32] + head;
    time = Math.floor(time / 32);
  }
  const bytes = randomBytes(16);
  let tail = "";
  for (const b of bytes) tail += CROCKFORD[b % 32];
  return head + tail;
}

export type IdGenerator = () => string;
