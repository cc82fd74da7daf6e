import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import * as Audit from "../audit/audit";
import { type Clock, newId } from "../clock";
import { conflict, notFound, unauthorized } from "../errors";
import { PERSON_ROLES, type Person } from "../person/person";
import { PersonItem } from "../person/personItem";
import type { Store } from "../store/client";
import { commit, MAX_TRANSACTION_ITEMS, tryCommit, type WriteItem } from "../store/transact";
import { Access } from "./access";
import { deviceLabel } from "./deviceLabel";
import type { Principal, Role } from "./keys";
import { hashToken } from "./keys";
import { SignInSessionItem, type StoredSession } from "./signInSessionItem";

/**
 * Sign-in sessions (docs/contract.md §19, docs/security.md): what signing in with a passkey gives a person instead
 * of an eternal key. A session is an opaque 256-bit random token, handed out once (as an `HttpOnly` cookie or, for
 * a client that asks, in the body) and stored only as its SHA-256; its public id, distinct from the token, is what
 * a person lists and ends sessions by. The lifetime slides: {@link OFFICIAL_HOURS} hours after the last request for
 * officials, {@link VENDOR_DAYS} days for a vendor's phone; the extension is written at most once a minute. Every
 * request reads the session and the person again, so an ended session or a suspended person stops at the next one.
 */
export const OFFICIAL_HOURS = 12;
export const VENDOR_DAYS = 30;
/** How often, at most, a session's last use and expiry are written. */
export const TOUCH_SECONDS = 60;

/** Session tokens start so, API keys' `m40_`: the two never look alike. */
const TOKEN_PREFIX = "m40s_";
const TOKEN = /^m40s_[A-Za-z0-9_-]{43}$/;

/** A session token's shape (not whether it is live): what the auth middleware tries sessions for. */
export const looksLikeToken = (token: string) => TOKEN.test(token);

export function lifetimeMs(role: Role): number {
  return role === "vendor" ? VENDOR_DAYS * 86_400_000 : OFFICIAL_HOURS * 3_600_000;
}

interface Deps {
  store: Store;
  clock: Clock;
}

/** A live session as the server holds it, with whom it belongs to. */
export interface SignInSession {
  id: string;
  personId: string;
  device: string;
  csrf: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

const present = (s: StoredSession): SignInSession => ({
  id: s.sessionId,
  personId: s.personId,
  device: s.device,
  csrf: s.csrf,
  createdAt: s.createdAt,
  lastSeenAt: s.lastSeenAt,
  expiresAt: new Date(s.expiresAt * 1000).toISOString(),
});

const seconds = (at: Date) => Math.floor(at.getTime() / 1000);
const live = (s: StoredSession, now: Date) => s.expiresAt > seconds(now);

/** The person as a session shows them: who, and the scope their rights come from. */
export const SessionPersonSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(PERSON_ROLES),
    marketId: z.string().optional(),
    province: z.string().optional(),
  })
  .meta({ id: "SessionPerson" });

export const personOf = (p: Person): z.output<typeof SessionPersonSchema> => ({
  id: p.id,
  name: p.name,
  role: p.role,
  ...(p.marketId ? { marketId: p.marketId } : {}),
  ...(p.province ? { province: p.province } : {}),
});

/** What signing in answers (`POST /api/auth/passkey`, `POST /api/join/{code}/passkey`). */
export const SignedInSchema = z
  .object({
    person: SessionPersonSchema,
    session: z.object({ id: z.string(), expiresAt: z.string(), device: z.string() }),
    csrf: z.string().meta({ description: "Send as `x-csrf-token` on every POST, PUT, PATCH and DELETE" }),
    token: z
      .string()
      .optional()
      .meta({ description: 'Only with `transport: "bearer"`: send as `Authorization: Bearer …`' }),
  })
  .meta({ id: "SignedIn" });
export type SignedIn = z.output<typeof SignedInSchema>;

/** Who is signed in (`GET /api/auth/session`): a person and their session, or a machine's key, or nobody. */
export const SessionStateSchema = z
  .object({
    person: SessionPersonSchema.optional(),
    session: z.object({ id: z.string(), expiresAt: z.string() }).optional(),
    key: z.object({ id: z.string(), label: z.string().optional(), role: z.string() }).optional(),
    csrf: z.string().optional(),
  })
  .meta({ id: "SessionState" });

/** Who a request's principal is, as `GET /api/auth/session` answers: nobody, a key, or a person and session. */
export function stateOf(
  principal: Principal | undefined,
  session: SignInSession | undefined,
): z.output<typeof SessionStateSchema> {
  if (!principal) return {};
  if (!session || !principal.personId)
    return {
      key: {
        id: principal.keyId,
        role: principal.role,
        ...(principal.label ? { label: principal.label } : {}),
      },
    };
  return {
    person: {
      id: principal.personId,
      name: principal.label ?? "",
      role: principal.role as Person["role"],
      ...(principal.marketId ? { marketId: principal.marketId } : {}),
      ...(principal.province ? { province: principal.province } : {}),
    },
    session: { id: session.id, expiresAt: session.expiresAt },
    csrf: session.csrf,
  };
}

/** One of a person's sessions as "Thiết bị đã đăng nhập" lists it. */
export const ListedSessionSchema = z
  .object({
    id: z.string(),
    device: z.string(),
    createdAt: z.string(),
    lastSeenAt: z.string(),
    expiresAt: z.string(),
    current: z.boolean().meta({ description: "The session this request came with" }),
  })
  .meta({ id: "ListedSession" });

/**
 * Starts a session for a person who just proved themself with a passkey; held to their being active. The token is
 * in this answer only.
 */
export async function start(
  deps: Deps,
  person: Person,
  userAgent: string | undefined,
): Promise<{ session: SignInSession; token: string }> {
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const now = deps.clock.now();
  const stored: StoredSession = {
    sessionId: newId(deps.clock),
    tokenHash: hashToken(token),
    personId: person.id,
    device: deviceLabel(userAgent),
    csrf: randomBytes(32).toString("base64url"),
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    expiresAt: seconds(new Date(now.getTime() + lifetimeMs(person.role))),
  };
  const failed = await tryCommit(deps.store, [
    SignInSessionItem.create(deps.store, stored),
    PersonItem.stillActive(deps.store, person.id),
  ]);
  if (failed) throw unauthorized("This person is suspended");
  return { session: present(stored), token };
}

/** The rights a session carries: its person's, as stored now — never what they were when it started. */
export function principalOf(person: Person, session: SignInSession): Principal {
  return {
    keyId: person.id,
    role: person.role,
    ...(person.marketId ? { marketId: person.marketId } : {}),
    ...(person.province ? { province: person.province } : {}),
    label: person.name,
    personId: person.id,
    sessionId: session.id,
  };
}

/**
 * The live session a token names and its (active) person, sliding its expiry forward when the last write of it is
 * {@link TOUCH_SECONDS} or more old; `touched` says a new expiry was written (a cookie is then sent again with it).
 * Undefined for an unknown, ended or expired token, and for a suspended person's session even if its item lingers.
 */
export async function resolve(
  deps: Deps,
  token: string,
): Promise<{ session: SignInSession; person: Person; touched: boolean } | undefined> {
  if (!looksLikeToken(token)) return undefined;
  const stored = await SignInSessionItem.get(deps.store, hashToken(token));
  const now = deps.clock.now();
  if (!stored || !live(stored, now)) return undefined;
  const person = await PersonItem.get(deps.store, stored.personId);
  if (person?.status !== "active") return undefined;
  let touched = false;
  if (now.getTime() - Date.parse(stored.lastSeenAt) >= TOUCH_SECONDS * 1000) {
    const expiresAt = seconds(new Date(now.getTime() + lifetimeMs(person.role)));
    if (!(await SignInSessionItem.touch(deps.store, stored.tokenHash, now.toISOString(), expiresAt)))
      return undefined;
    Object.assign(stored, { lastSeenAt: now.toISOString(), expiresAt });
    touched = true;
  }
  return { session: present(stored), person, touched };
}

/** True when `presented` is the session's CSRF token; compared in constant time. */
export function csrfMatches(session: SignInSession, presented: string | undefined): boolean {
  if (!presented) return false;
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(session.csrf), digest(presented));
}

/** Signing out: the session's item is deleted, so its token works no more. */
export async function end(deps: Deps, token: string): Promise<void> {
  await commit(deps.store, [SignInSessionItem.end(deps.store, hashToken(token))]);
}

/** The writes that end every session of a person (for a workflow to commit with its own). */
export async function endings(store: Store, personId: string): Promise<WriteItem[]> {
  return (await SignInSessionItem.ofPerson(store, personId)).map((s) =>
    SignInSessionItem.end(store, s.tokenHash),
  );
}

/** Commits session endings in transactions of the most items one may hold. */
export async function commitEndings(store: Store, writes: WriteItem[]): Promise<void> {
  for (let i = 0; i < writes.length; i += MAX_TRANSACTION_ITEMS)
    await commit(store, writes.slice(i, i + MAX_TRANSACTION_ITEMS));
}

/** A person's live sessions, newest first, `current` marking the caller's. */
export async function listOwn(
  deps: Deps,
  principal: Principal,
): Promise<z.output<typeof ListedSessionSchema>[]> {
  const personId = ownPerson(principal);
  const now = deps.clock.now();
  return (await SignInSessionItem.ofPerson(deps.store, personId))
    .filter((s) => live(s, now))
    .reverse()
    .map((s) => {
      const { id, device, createdAt, lastSeenAt, expiresAt } = present(s);
      return { id, device, createdAt, lastSeenAt, expiresAt, current: id === principal.sessionId };
    });
}

const ownPerson = (principal: Principal) => Access.signedInPerson(principal);

/** Ends one of the caller's own sessions by its id; another person's, or one already ended, is a `404`. */
export async function endOwn(deps: Deps, principal: Principal, sessionId: string): Promise<void> {
  const personId = ownPerson(principal);
  const found = (await SignInSessionItem.ofPerson(deps.store, personId)).find(
    (s) => s.sessionId === sessionId && live(s, deps.clock.now()),
  );
  if (!found) throw notFound("Session");
  await commit(deps.store, [SignInSessionItem.end(deps.store, found.tokenHash)]);
}

/**
 * Ends every session of a person (an admin; a market's manager for its own market's co-managers: the rights to
 * change them), audited as `person.sessionsEnded` with how many were live.
 */
export async function endAllOf(deps: Deps, principal: Principal, personId: string): Promise<number> {
  const person = await PersonItem.get(deps.store, personId);
  if (!person) throw notFound("Person");
  Access.changePerson(principal, person);
  const now = deps.clock.now();
  const sessions = await SignInSessionItem.ofPerson(deps.store, person.id);
  const ended = sessions.filter((s) => live(s, now)).length;
  const writes = sessions.map((s) => SignInSessionItem.end(deps.store, s.tokenHash));
  const first = writes.slice(0, MAX_TRANSACTION_ITEMS - 1);
  const failed = await tryCommit(deps.store, [
    ...first,
    Audit.entry(deps.store, deps.clock, {
      actor: principal,
      action: "person.sessionsEnded",
      entity: { kind: "person", id: person.id },
      marketId: person.marketId ?? null,
      after: { ended },
    }),
  ]);
  if (failed) throw conflict("Another change to the same data was in progress; retry");
  await commitEndings(deps.store, writes.slice(first.length));
  return ended;
}
