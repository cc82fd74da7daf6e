import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { Actor } from "../audit/audit";
import * as Audit from "../audit/audit";
import * as ApiKeys from "../auth/keys";
import { type Clock, newId } from "../clock";
import { conflict, type DomainError, gone, notFound } from "../errors";
import * as Market from "../market/market";
import type * as Card from "../poster/card";

/** The PDF stack loads on the first card drawn, not with every handler that imports invitations. */
const cardsModule = () => import("../poster/card");

import * as Stall from "../stall/stall";
import { StallItem } from "../stall/stallItem";
import type { Store } from "../store/client";
import { tryCommit, type WriteItem } from "../store/transact";
import * as Issuance from "../vietqr/issuance";
import { InvitationItem } from "./invitationItem";
import { madeBy, makerHold } from "./maker";
import * as ShortCode from "./shortCode";
import { ShortCodeItem } from "./shortCodeItem";

/**
 * Sign-in invitations (docs/contract.md §13): a stall's manager makes one, prints it as a card with a QR code of
 * its URL, and the vendor who scans it is signed in with a new vendor key for that stall — once, within 7 days.
 * Only the code's SHA-256 is stored, like a key's token. Accepting also counts as handing the stall's payment code
 * over (`qrIssuedAt`, what QR share counts), since the vendor now has it on their phone.
 *
 * An invitation lives no longer than its reason: it is void (`410`) once cancelled, once the key that made it is
 * revoked, once the stall's vendor (name, phone, bank account) changes, once the stall is suspended, and once a
 * newer invitation — a newer card — is made for the stall. A stall has at most one invitation that works.
 */
export const VALID_DAYS = 7;

/** A stored invitation; never holds the code itself. */
export interface Invitation {
  id: string;
  codeHash: string;
  stallId: string;
  marketId: string;
  createdAt: string;
  /** The key id of who made it, or the person's id when made from a person's session (`createdByPerson`). */
  createdBy: string;
  createdByPerson?: boolean;
  expiresAt: string;
  /** A hash of the stall's vendor (name, phone, bank account) when it was made: a change voids it. */
  vendorSeal?: string;
  cancelledAt?: string;
  cancelledBy?: string;
  usedAt?: string;
  /** The vendor key its acceptance created. */
  keyId?: string;
}

/** Whether a stored invitation is a stall's vendor's (§13) rather than a person's (§19). */
export const isVendors = (i: { stallId?: string }): i is Invitation => typeof i.stallId === "string";

export const InvitationSchema = z
  .object({
    id: z.string(),
    code: z.string().meta({ example: "Xq3v9Kp2T7mWc8rB1nY4sA" }),
    url: z.string().meta({ example: "https://cho.example.vn/#/invite/Xq3v9Kp2T7mWc8rB1nY4sA" }),
    shortCode: z.string().meta({
      example: "K7QF3MXH",
      description:
        "8 characters to type instead of scanning (printed under the card's QR as `K7QF 3MXH`); accepted like `code`",
    }),
    expiresAt: z.string(),
  })
  .meta({ id: "Invitation" });

/** An outstanding invitation as its stall's managers see it: never its code. */
export const OutstandingInvitationSchema = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    createdBy: z.string().meta({ description: "The id of the key that made it" }),
    expiresAt: z.string(),
  })
  .meta({ id: "OutstandingInvitation" });

export const AcceptedSchema = z
  .object({ token: z.string(), stallId: z.string() })
  .meta({ id: "InvitationAccepted" });

/** Codes are 128-bit random: unguessable, so a fast hash is enough to store them. */
export const hashCode = (code: string) => createHash("sha256").update(code, "utf8").digest("hex");

/**
 * Who the stall's vendor is, as a hash: what the invitation was made for. Salted with the invitation's id; the
 * stall item beside it holds these fields anyway, so the hash tells a reader of the table nothing new.
 */
function vendorSeal(stall: Stall.Stall, invitationId: string): string {
  const { vendorName, phone, bank } = stall;
  return createHash("sha256")
    .update(
      JSON.stringify([
        invitationId,
        vendorName,
        phone ?? null,
        bank.bin,
        bank.accountNumber,
        bank.accountName,
      ]),
    )
    .digest("hex");
}

/** The address a phone opens: the web app's invitation view. The code rides in the fragment, never sent to a server log. */
export const invitationUrl = (baseUrl: string, code: string) =>
  `${baseUrl.replace(/\/+$/, "")}/#/invite/${encodeURIComponent(code)}`;

interface Deps {
  store: Store;
  clock: Clock;
}

/**
 * A new invitation for a stall's vendor; it voids every earlier one of the stall. A suspended stall gets none
 * (`409`). Access is the caller's to check; `baseUrl` is the configured web address, never a request header.
 */
export async function invite(
  deps: Deps,
  actor: Actor,
  stall: Stall.Stall,
  baseUrl: string,
): Promise<z.output<typeof InvitationSchema>> {
  if (stall.status !== "active") throw conflict("This stall is suspended; its vendor cannot be invited");
  // A short code already taken (one in a million at a million invitations) fails its item's condition: draw again.
  for (let attempt = 0; attempt < 4; attempt++) {
    const code = randomBytes(16).toString("base64url");
    const shortCode = ShortCode.fromLongCode(code);
    const now = deps.clock.now();
    const id = newId(deps.clock);
    const invitation: Invitation = {
      id,
      codeHash: hashCode(code),
      stallId: stall.id,
      marketId: stall.marketId,
      createdAt: now.toISOString(),
      ...madeBy(actor),
      expiresAt: new Date(now.getTime() + VALID_DAYS * 86_400_000).toISOString(),
      vendorSeal: vendorSeal(stall, id),
    };
    const codes = await tryCommit(deps.store, [
      ...InvitationItem.create(deps.store, invitation),
      ShortCodeItem.create(deps.store, ShortCode.hashShort(shortCode), invitation.codeHash),
      // Made on the stall as read: a suspension or a new vendor meanwhile fails it rather than invite the wrong one.
      StallItem.stillActive(deps.store, stall),
      Audit.entry(deps.store, deps.clock, {
        actor,
        action: "invitation.created",
        entity: { kind: "stall", id: stall.id },
        marketId: stall.marketId,
        after: { invitationId: id, expiresAt: invitation.expiresAt },
      }),
    ]);
    if (!codes)
      return { id, code, shortCode, url: invitationUrl(baseUrl, code), expiresAt: invitation.expiresAt };
  }
  throw conflict("Another change to the same data was in progress; retry");
}

/**
 * Why an invitation no longer works at `now`, as the `410` it is answered with; `undefined` if it works. `newest` is
 * the id of the stall's newest invitation, `makerLive` whether the key that made it is still live.
 */
function voided(
  invitation: Invitation,
  stall: Stall.Stall,
  now: Date,
  newest: string | undefined,
  makerLive: boolean,
): DomainError | undefined {
  if (invitation.usedAt)
    return gone("This invitation has already been used; ask the market manager for a new one");
  if (invitation.cancelledAt)
    return gone("This invitation was cancelled; ask the market manager for a new one");
  if (invitation.expiresAt <= now.toISOString())
    return gone("This invitation has expired; ask the market manager for a new one");
  if (stall.status !== "active") return gone("This invitation is void: the stall is suspended");
  if (!invitation.vendorSeal || invitation.vendorSeal !== vendorSeal(stall, invitation.id))
    return gone(
      "This invitation is void: the stall's vendor details changed; ask the market manager for a new one",
    );
  if (newest !== invitation.id)
    return gone("This invitation is void: a newer card was printed for this stall; use the newest card");
  if (!makerLive)
    return gone(
      "This invitation is void: the key that made it was revoked; ask the market manager for a new one",
    );
  return undefined;
}

/** Whether whoever made an invitation still has access: the transaction item that holds it so, if they do. */
const makerCheck = (store: Store, invitation: Invitation) => makerHold(store, invitation);

/** The live invitation for a code shown on a card: it must be the stall's and still work. */
export async function forCard(deps: Deps, stall: Stall.Stall, code: string): Promise<Invitation> {
  const found = await InvitationItem.get(deps.store, hashCode(code));
  if (!found || !isVendors(found) || found.stallId !== stall.id) throw notFound("Invitation");
  const [newest, maker] = await Promise.all([
    InvitationItem.newestOf(deps.store, stall.id),
    makerCheck(deps.store, found),
  ]);
  const why = voided(found, stall, deps.clock.now(), newest, maker !== undefined);
  if (why) throw why;
  return found;
}

/**
 * A stall's outstanding invitations — those that would be accepted now (at most one: the newest) — without codes.
 */
export async function outstanding(
  deps: Deps,
  stall: Stall.Stall,
): Promise<z.output<typeof OutstandingInvitationSchema>[]> {
  const [all, newest] = await Promise.all([
    InvitationItem.ofStall(deps.store, stall.id),
    InvitationItem.newestOf(deps.store, stall.id),
  ]);
  const now = deps.clock.now();
  const live: z.output<typeof OutstandingInvitationSchema>[] = [];
  for (const i of all) {
    if (i.id !== newest) continue;
    if (voided(i, stall, now, newest, (await makerCheck(deps.store, i)) !== undefined)) continue;
    live.push({ id: i.id, createdAt: i.createdAt, createdBy: i.createdBy, expiresAt: i.expiresAt });
  }
  return live;
}

/** Cancels one of a stall's invitations (unused, not yet cancelled); audited. Access is the caller's to check. */
export async function cancel(
  deps: Deps,
  actor: Actor,
  stall: Stall.Stall,
  invitationId: string,
): Promise<void> {
  const found = (await InvitationItem.ofStall(deps.store, stall.id)).find((i) => i.id === invitationId);
  if (!found) throw notFound("Invitation");
  if (found.usedAt) throw gone("This invitation has already been used; ask the market manager for a new one");
  if (found.cancelledAt) return;
  const at = deps.clock.now().toISOString();
  const codes = await tryCommit(deps.store, [
    InvitationItem.cancel(deps.store, found.codeHash, at, actor.keyId),
    Audit.entry(deps.store, deps.clock, {
      actor,
      action: "invitation.cancelled",
      entity: { kind: "stall", id: stall.id },
      marketId: stall.marketId,
      before: { invitationId, cancelledAt: null },
      after: { invitationId, cancelledAt: at },
    }),
  ]);
  if (codes) throw conflict("Another change to the same data was in progress; retry");
}

/** The invitation a presented code names: the long code's hash, or where a typed short code leads. */
export async function resolveCodeHash(deps: Deps, code: string): Promise<string> {
  const short = ShortCode.normalise(code);
  if (!short) return hashCode(code);
  const found = await ShortCodeItem.codeHashOf(deps.store, ShortCode.hashShort(short));
  if (!found) throw notFound("Invitation");
  return found;
}

/**
 * Accepts an invitation (its long code, or its short code as typed): one transaction uses it up, creates the vendor
 * key with its audit entry and, the first time, records the stall's code as handed over — held to the stall being as
 * read and active, the invitation being the stall's newest and its maker's key still live. The acceptance is the
 * vendor's own sign-in: recorded under the new key's id, with the inviting key as `invitedBy`. Of two concurrent
 * accepts exactly one succeeds; the other is a `410`, as is any later one. An unknown code is a `404`.
 */
export async function accept(deps: Deps, code: string): Promise<{ token: string; stallId: string }> {
  const codeHash = await resolveCodeHash(deps, code);
  for (let attempt = 0; attempt < 4; attempt++) {
    const invitation = await InvitationItem.get(deps.store, codeHash);
    // A person's invitation is accepted by registering a passkey (personInvitations.ts), never for a key.
    if (!invitation || !isVendors(invitation)) throw notFound("Invitation");
    const now = deps.clock.now();
    const stall = await Stall.get(deps.store, invitation.stallId);
    const [newest, maker] = await Promise.all([
      InvitationItem.newestOf(deps.store, stall.id),
      makerCheck(deps.store, invitation),
    ]);
    const why = voided(invitation, stall, now, newest, maker !== undefined);
    if (why) throw why;
    const token = ApiKeys.newToken();
    const vendor = (keyId: string): Actor => ({ role: "vendor", keyId });
    const { key, writes } = ApiKeys.creation(
      deps.store,
      deps.clock,
      { role: "vendor", stallId: stall.id, marketId: stall.marketId, label: `Thẻ mời · ${stall.code}` },
      token,
      vendor,
    );
    const at = now.toISOString();
    const handOver = !stall.qrIssuedAt;
    const items: WriteItem[] = [
      InvitationItem.consume(deps.store, codeHash, at, key.keyId),
      InvitationItem.stillNewest(deps.store, invitation),
      maker!,
      ...writes,
      Audit.entry(deps.store, deps.clock, {
        actor: vendor(key.keyId),
        action: "invitation.accepted",
        entity: { kind: "stall", id: stall.id },
        marketId: stall.marketId,
        after: { invitationId: invitation.id, keyId: key.keyId, invitedBy: invitation.createdBy },
      }),
      // The first sign-in hands the code over (conditioned on the stall as read and active); a later one only
      // checks the stall is still as read and active.
      ...(handOver
        ? Stall.handOverWrites(deps.store, deps.clock, vendor(key.keyId), stall, "invitation")
        : [StallItem.stillActive(deps.store, stall)]),
    ];
    const failed = await tryCommit(deps.store, items);
    if (!failed) return { token, stallId: stall.id };
    // Used up, cancelled, superseded, its maker revoked or the stall changed meanwhile: the next round says which
    // (410), or succeeds on the stall as it now is.
  }
  throw conflict("Another change to the same data was in progress; retry");
}

/**
 * One part of a market's sign-in cards (docs/contract.md §12, §13): a new invitation for each active stall of the
 * part (at most {@link Issuance.POSTER_PART_SIZE}, stall-code order), eight cards to an A4 page. Each new card
 * voids the stall's earlier invitations, so printing again never adds to the codes that work.
 */
export async function marketCards(
  deps: Deps & { fontDir?: string },
  actor: Actor,
  marketId: string,
  baseUrl: string,
  partNumber = 1,
): Promise<{ pdf: Uint8Array; parts: number }> {
  const market = await Market.get(deps.store, marketId);
  const active = (await Stall.allOfMarket(deps.store, marketId)).filter((s) => s.status === "active");
  const parts = Issuance.splitIntoParts(active);
  const chosen = parts[partNumber - 1];
  if (!chosen && !(parts.length === 0 && partNumber === 1)) throw notFound(`Card part ${partNumber}`);
  const cards: Card.CardContent[] = [];
  for (const stall of chosen?.stalls ?? []) {
    const { url, shortCode, expiresAt } = await invite(deps, actor, stall, baseUrl);
    cards.push({
      marketName: market.name,
      stallCode: stall.code,
      vendorName: stall.vendorName,
      url,
      shortCode,
      expiresAt,
    });
  }
  const pdf = await (await cardsModule()).renderCardSheet(`Thẻ đăng nhập — ${market.name}`, cards, {
    fontDir: deps.fontDir,
  });
  return { pdf, parts: Math.max(parts.length, 1) };
}

/** One invitation's card. */
export async function card(
  deps: Deps & { fontDir?: string },
  stall: Stall.Stall,
  code: string,
  baseUrl: string,
): Promise<Uint8Array> {
  const invitation = await forCard(deps, stall, code);
  const market = await Market.get(deps.store, stall.marketId);
  return (await cardsModule()).renderCard(
    {
      marketName: market.name,
      stallCode: stall.code,
      vendorName: stall.vendorName,
      url: invitationUrl(baseUrl, code),
      shortCode: ShortCode.fromLongCode(code),
      expiresAt: invitation.expiresAt,
    },
    { fontDir: deps.fontDir },
  );
}
