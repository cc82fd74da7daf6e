import { randomBytes } from "node:crypto";
import { z } from "zod";
import * as Audit from "../audit/audit";
import { Access } from "../auth/access";
import type { Principal } from "../auth/keys";
import { type Clock, newId } from "../clock";
import { conflict, type DomainError, forbidden, gone, notFound } from "../errors";
import * as Market from "../market/market";
import type { Person } from "../person/people";
import * as People from "../person/people";
import { PersonItem } from "../person/personItem";
import type { Store } from "../store/client";
import { tryCommit, type WriteItem } from "../store/transact";
import { InvitationItem } from "./invitationItem";
import { hashCode, resolveCodeHash } from "./invitations";
import { madeBy, makerHold } from "./maker";
import * as ShortCode from "./shortCode";
import { ShortCodeItem } from "./shortCodeItem";

/**
 * A person's invitations (docs/contract.md §19): the vendor invitation's lifecycle (§13) for every role — one
 * stored kind, the same code, short code, hashing, single use, cancellation and voiding — with what differs here:
 * it is valid {@link VALID_HOURS} hours, not 7 days; it is for a person, not a stall; and accepting it registers the
 * person's passkey rather than making a key. `join` brings a new person in; `recovery`, which only an admin issues,
 * lets one who lost every device register a new passkey.
 *
 * It is void (`410`) once used, cancelled, expired, once the person is suspended, once a newer invitation is made
 * for the person, and once its maker's access ends (their key revoked, or — made from a session — they suspended).
 */
export const VALID_HOURS = 24;
/** A second device's invitation, made by the signed-in person themself, works this many minutes. */
export const DEVICE_MINUTES = 10;
/** `device`: a signed-in person adding a second device's passkey (`POST /api/auth/devices`). */
export const PURPOSES = ["join", "recovery", "device"] as const;
export type Purpose = (typeof PURPOSES)[number];
/** What someone else invites a person for (`POST /api/people/{id}/invitations`). */
export const INVITED_PURPOSES = ["join", "recovery"] as const;

export interface PersonInvitation {
  id: string;
  codeHash: string;
  personId: string;
  purpose: Purpose;
  stallId?: never;
  createdAt: string;
  /** The key id of who made it, or the person's id when made from a person's session (`createdByPerson`). */
  createdBy: string;
  createdByPerson?: boolean;
  expiresAt: string;
  cancelledAt?: string;
  cancelledBy?: string;
  usedAt?: string;
  /** The passkey its acceptance registered. */
  credentialId?: string;
}

export const PersonInvitationSchema = z
  .object({
    id: z.string(),
    purpose: z.enum(PURPOSES),
    code: z.string(),
    url: z.string().meta({ example: "https://cho.example.vn/#/join/Xq3v9Kp2T7mWc8rB1nY4sA" }),
    shortCode: z
      .string()
      .meta({ example: "K7QF3MXH", description: "8 characters to type instead of scanning" }),
    expiresAt: z.string(),
  })
  .meta({ id: "PersonInvitation" });

/** What POST /api/people/{id}/invitations takes. */
export const PersonInvitationRequestSchema = z
  .strictObject({ purpose: z.enum(INVITED_PURPOSES).default("join") })
  .meta({ id: "PersonInvitationRequest" });

export const OutstandingPersonInvitationSchema = z
  .object({ id: z.string(), purpose: z.enum(PURPOSES), createdAt: z.string(), expiresAt: z.string() })
  .meta({ id: "OutstandingPersonInvitation" });

/** What the invitation's page shows before the person registers a passkey: whom it is for, never the phone. */
export const InvitationOpenedSchema = z
  .object({
    purpose: z.enum(PURPOSES),
    name: z.string(),
    role: z.enum(People.PERSON_ROLES),
    marketId: z.string().optional(),
    /** The manager's market by name, as the invitation page says it. */
    marketName: z.string().optional(),
    province: z.string().optional(),
    expiresAt: z.string(),
  })
  .meta({ id: "InvitationOpened" });

/** The web app's page for a person's invitation; the code rides in the fragment, never in a server log. */
export const joinUrl = (baseUrl: string, code: string) =>
  `${baseUrl.replace(/\/+$/, "")}/#/join/${encodeURIComponent(code)}`;

interface Deps {
  store: Store;
  clock: Clock;
}

const makerCheck = makerHold;

/** What the caller's own access hangs on, for holding the new invitation to it. */
async function callerCheck(store: Store, principal: Principal): Promise<WriteItem> {
  const check = await makerHold(store, madeBy(principal));
  if (!check) throw forbidden("This key may not change this person");
  return check;
}

/**
 * A new invitation for a person; it voids the person's earlier ones. `join`: an admin, or a market's manager for
 * its own co-manager; `recovery`: an admin only. A suspended person gets none (`409`).
 */
export async function invite(
  deps: Deps,
  principal: Principal,
  personId: string,
  purpose: (typeof INVITED_PURPOSES)[number],
  baseUrl: string,
): Promise<z.output<typeof PersonInvitationSchema>> {
  const person = await People.get(deps.store, personId);
  if (purpose === "recovery") Access.admin(principal);
  else Access.changePerson(principal, person);
  return make(deps, principal, person, purpose, baseUrl);
}

/**
 * A signed-in person's invitation to themself, to register a second device's passkey (scanned or typed on that
 * device, accepted like any person's invitation): valid {@link DEVICE_MINUTES} minutes, used once, dead with the
 * person's suspension. Only a person signed in with a session makes one — a machine's key has no one to add.
 */
export async function forDevice(
  deps: Deps,
  principal: Principal,
  baseUrl: string,
): Promise<z.output<typeof PersonInvitationSchema>> {
  const person = await People.get(deps.store, Access.signedInPerson(principal));
  return make(deps, principal, person, "device", baseUrl);
}

async function make(
  deps: Deps,
  principal: Principal,
  person: Person,
  purpose: Purpose,
  baseUrl: string,
): Promise<z.output<typeof PersonInvitationSchema>> {
  if (person.status !== "active") throw conflict("This person is suspended; they cannot be invited");
  const holdCaller = await callerCheck(deps.store, principal);
  for (let attempt = 0; attempt < 4; attempt++) {
    const code = randomBytes(16).toString("base64url");
    const shortCode = ShortCode.fromLongCode(code);
    const now = deps.clock.now();
    const invitation: PersonInvitation = {
      id: newId(deps.clock),
      codeHash: hashCode(code),
      personId: person.id,
      purpose,
      createdAt: now.toISOString(),
      ...madeBy(principal),
      expiresAt: new Date(
        now.getTime() + (purpose === "device" ? DEVICE_MINUTES * 60_000 : VALID_HOURS * 3_600_000),
      ).toISOString(),
    };
    const failed = await tryCommit(deps.store, [
      ...InvitationItem.create(deps.store, invitation),
      ShortCodeItem.create(deps.store, ShortCode.hashShort(shortCode), invitation.codeHash),
      PersonItem.stillActive(deps.store, person.id),
      // A person inviting themself (a second device) is held active once: a transaction names an item once.
      ...(principal.personId === person.id ? [] : [holdCaller]),
      Audit.entry(deps.store, deps.clock, {
        actor: Audit.actorOf(principal),
        action: "invitation.created",
        entity: { kind: "person", id: person.id },
        marketId: person.marketId ?? null,
        after: { invitationId: invitation.id, purpose, expiresAt: invitation.expiresAt },
      }),
    ]);
    if (!failed)
      return {
        id: invitation.id,
        purpose,
        code,
        shortCode,
        url: joinUrl(baseUrl, code),
        expiresAt: invitation.expiresAt,
      };
    // The short code taken (drawn again), or the person suspended or the caller's access ended meanwhile.
    const now2 = await PersonItem.get(deps.store, person.id);
    if (now2?.status !== "active") throw conflict("This person is suspended; they cannot be invited");
  }
  throw conflict("Another change to the same data was in progress; retry");
}

function voided(
  invitation: PersonInvitation,
  person: Person,
  now: Date,
  newest: string | undefined,
  makerLive: boolean,
): DomainError | undefined {
  if (invitation.usedAt) return gone("This invitation has already been used; ask for a new one");
  if (invitation.cancelledAt) return gone("This invitation was cancelled; ask for a new one");
  if (invitation.expiresAt <= now.toISOString())
    return gone("This invitation has expired; ask for a new one");
  if (person.status !== "active") return gone("This invitation is void: the person is suspended");
  if (newest !== invitation.id) return gone("This invitation is void: a newer one was made; use the newest");
  if (!makerLive)
    return gone("This invitation is void: whoever made it no longer has access; ask for a new one");
  return undefined;
}

/**
 * The live invitation a presented code (long, or short as typed) names, with its person and the transaction items
 * that hold an acceptance to it: used up once, still the newest, the person still active, its maker still live.
 * `404` for a code that names no person's invitation, `410` for one that no longer works.
 */
export async function open(
  deps: Deps,
  code: string,
): Promise<{ invitation: PersonInvitation; person: Person; holds: (credentialId: string) => WriteItem[] }> {
  const codeHash = await resolveCodeHash(deps, code);
  const found = await InvitationItem.get(deps.store, codeHash);
  if (!found || !("personId" in found) || !found.personId) throw notFound("Invitation");
  const invitation = found as PersonInvitation;
  const [person, newest, maker] = await Promise.all([
    People.get(deps.store, invitation.personId),
    InvitationItem.newestOf(deps.store, { personId: invitation.personId }),
    makerCheck(deps.store, invitation),
  ]);
  const now = deps.clock.now();
  const why = voided(invitation, person, now, newest, maker !== undefined);
  if (why) throw why;
  return {
    invitation,
    person,
    holds: (credentialId) => [
      InvitationItem.consume(deps.store, codeHash, now.toISOString(), credentialId, "credentialId"),
      InvitationItem.stillNewest(deps.store, invitation),
      PersonItem.stillActive(deps.store, person.id),
      ...(invitation.createdByPerson && invitation.createdBy === person.id ? [] : [maker!]),
    ],
  };
}

/** Whom a live invitation is for, for its page: name, role and scope. */
export async function describe(deps: Deps, code: string): Promise<z.output<typeof InvitationOpenedSchema>> {
  const { invitation, person } = await open(deps, code);
  const market = person.marketId ? await Market.find(deps.store, person.marketId) : undefined;
  return {
    purpose: invitation.purpose,
    name: person.name,
    role: person.role,
    ...(person.marketId ? { marketId: person.marketId } : {}),
    ...(market ? { marketName: market.name } : {}),
    ...(person.province ? { province: person.province } : {}),
    expiresAt: invitation.expiresAt,
  };
}

/** A person's outstanding invitations (at most one: the newest, if it still works), without codes. */
export async function outstanding(
  deps: Deps,
  principal: Principal,
  personId: string,
): Promise<z.output<typeof OutstandingPersonInvitationSchema>[]> {
  const person = await People.get(deps.store, personId);
  Access.changePerson(principal, person);
  const [all, newest] = await Promise.all([
    InvitationItem.ofPerson(deps.store, person.id),
    InvitationItem.newestOf(deps.store, { personId: person.id }),
  ]);
  const now = deps.clock.now();
  const live: z.output<typeof OutstandingPersonInvitationSchema>[] = [];
  for (const i of all) {
    if (i.id !== newest) continue;
    if (voided(i, person, now, newest, (await makerCheck(deps.store, i)) !== undefined)) continue;
    live.push({ id: i.id, purpose: i.purpose, createdAt: i.createdAt, expiresAt: i.expiresAt });
  }
  return live;
}

/** Cancels one of a person's invitations (unused, not yet cancelled); audited. */
export async function cancel(
  deps: Deps,
  principal: Principal,
  personId: string,
  invitationId: string,
): Promise<void> {
  const person = await People.get(deps.store, personId);
  Access.changePerson(principal, person);
  const found = (await InvitationItem.ofPerson(deps.store, person.id)).find((i) => i.id === invitationId);
  if (!found) throw notFound("Invitation");
  if (found.usedAt) throw gone("This invitation has already been used; ask for a new one");
  if (found.cancelledAt) return;
  const at = deps.clock.now().toISOString();
  const failed = await tryCommit(deps.store, [
    InvitationItem.cancel(deps.store, found.codeHash, at, principal.personId ?? principal.keyId),
    Audit.entry(deps.store, deps.clock, {
      actor: Audit.actorOf(principal),
      action: "invitation.cancelled",
      entity: { kind: "person", id: person.id },
      marketId: person.marketId ?? null,
      before: { invitationId, cancelledAt: null },
      after: { invitationId, cancelledAt: at },
    }),
  ]);
  if (failed) throw conflict("Another change to the same data was in progress; retry");
}
