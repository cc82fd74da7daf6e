import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { Actor } from "../audit/audit";
import * as Audit from "../audit/audit";
import * as ApiKeys from "../auth/keys";
import type { Clock } from "../clock";
import { conflict, gone, notFound } from "../errors";
import * as Market from "../market/market";
import * as Card from "../poster/card";
import * as Stall from "../stall/stall";
import type { Store } from "../store/client";
import { tryCommit, type WriteItem } from "../store/transact";
import * as Issuance from "../vietqr/issuance";
import { InvitationItem } from "./invitationItem";
import * as ShortCode from "./shortCode";
import { ShortCodeItem } from "./shortCodeItem";

/**
 * Sign-in invitations (docs/contract.md §13): a stall's manager makes one, prints it as a card with a QR code of
 * its URL, and the vendor who scans it is signed in with a new vendor key for that stall — once, within 7 days.
 * Only the code's SHA-256 is stored, like a key's token. Accepting also counts as handing the stall's payment code
 * over (`qrIssuedAt`, what QR share counts), since the vendor now has it on their phone.
 */
export const VALID_DAYS = 7;

/** A stored invitation; never holds the code itself. */
export interface Invitation {
  codeHash: string;
  stallId: string;
  marketId: string;
  createdAt: string;
  /** The key id of who made it. */
  createdBy: string;
  expiresAt: string;
  usedAt?: string;
  /** The vendor key its acceptance created. */
  keyId?: string;
}

export const InvitationSchema = z
  .object({
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

export const AcceptedSchema = z
  .object({ token: z.string(), stallId: z.string() })
  .meta({ id: "InvitationAccepted" });

/** Codes are 128-bit random: unguessable, so a fast hash is enough to store them. */
const hashCode = (code: string) => createHash("sha256").update(code, "utf8").digest("hex");

/** The address a phone opens: the web app's invitation view. The code rides in the fragment, never sent to a server log. */
export const invitationUrl = (baseUrl: string, code: string) =>
  `${baseUrl.replace(/\/+$/, "")}/#/invite/${encodeURIComponent(code)}`;

interface Deps {
  store: Store;
  clock: Clock;
}

/** A new invitation for a stall's vendor. Access is the caller's to check. */
export async function invite(
  deps: Deps,
  actor: Actor,
  stall: Stall.Stall,
  baseUrl: string,
): Promise<z.output<typeof InvitationSchema>> {
  // A short code already taken (one in a million at a million invitations) fails its item's condition: draw again.
  for (let attempt = 0; attempt < 4; attempt++) {
    const code = randomBytes(16).toString("base64url");
    const shortCode = ShortCode.fromLongCode(code);
    const now = deps.clock.now();
    const invitation: Invitation = {
      codeHash: hashCode(code),
      stallId: stall.id,
      marketId: stall.marketId,
      createdAt: now.toISOString(),
      createdBy: actor.keyId,
      expiresAt: new Date(now.getTime() + VALID_DAYS * 86_400_000).toISOString(),
    };
    const codes = await tryCommit(deps.store, [
      InvitationItem.create(deps.store, invitation),
      ShortCodeItem.create(deps.store, ShortCode.hashShort(shortCode), invitation.codeHash),
      Audit.entry(deps.store, deps.clock, {
        actor,
        action: "invitation.created",
        entity: { kind: "stall", id: stall.id },
        marketId: stall.marketId,
        after: { expiresAt: invitation.expiresAt },
      }),
    ]);
    if (!codes)
      return { code, shortCode, url: invitationUrl(baseUrl, code), expiresAt: invitation.expiresAt };
  }
  throw conflict("Another change to the same data was in progress; retry");
}

/** The live invitation for a code shown on a card: it must be the stall's, unused and unexpired. */
export async function forCard(deps: Deps, stall: Stall.Stall, code: string): Promise<Invitation> {
  const found = await InvitationItem.get(deps.store, hashCode(code));
  if (!found || found.stallId !== stall.id) throw notFound("Invitation");
  assertUsable(found, deps.clock.now());
  return found;
}

function assertUsable(invitation: Invitation, now: Date): void {
  if (invitation.usedAt)
    throw gone("This invitation has already been used; ask the market manager for a new one");
  if (invitation.expiresAt <= now.toISOString())
    throw gone("This invitation has expired; ask the market manager for a new one");
}

/** The invitation a presented code names: the long code's hash, or where a typed short code leads. */
async function resolveCodeHash(deps: Deps, code: string): Promise<string> {
  const short = ShortCode.normalise(code);
  if (!short) return hashCode(code);
  const found = await ShortCodeItem.codeHashOf(deps.store, ShortCode.hashShort(short));
  if (!found) throw notFound("Invitation");
  return found;
}

/**
 * Accepts an invitation (its long code, or its short code as typed): one transaction uses it up, creates the vendor key with its audit entry and, the first
 * time, records the stall's code as handed over. Of two concurrent accepts exactly one succeeds; the other is a
 * `410`, as is any later one. An unknown code is a `404`.
 */
export async function accept(deps: Deps, code: string): Promise<{ token: string; stallId: string }> {
  const codeHash = await resolveCodeHash(deps, code);
  for (let attempt = 0; attempt < 4; attempt++) {
    const invitation = await InvitationItem.get(deps.store, codeHash);
    if (!invitation) throw notFound("Invitation");
    const now = deps.clock.now();
    assertUsable(invitation, now);
    const stall = await Stall.get(deps.store, invitation.stallId);
    const token = ApiKeys.newToken();
    // The key is the vendor's own doing, made possible by whoever invited them.
    const actor: Actor = { role: "vendor", keyId: invitation.createdBy };
    const { key, writes } = ApiKeys.creation(
      deps.store,
      deps.clock,
      { role: "vendor", stallId: stall.id, marketId: stall.marketId, label: `Thẻ mời · ${stall.code}` },
      token,
      actor,
    );
    const at = now.toISOString();
    const items: WriteItem[] = [
      InvitationItem.consume(deps.store, codeHash, at, key.keyId),
      ...writes,
      Audit.entry(deps.store, deps.clock, {
        actor,
        action: "invitation.accepted",
        entity: { kind: "stall", id: stall.id },
        marketId: stall.marketId,
        after: { keyId: key.keyId },
      }),
      // The first sign-in hands the code over, if the stall is active (a suspended stall's code is not issued).
      ...(stall.qrIssuedAt || stall.status !== "active"
        ? []
        : Stall.handOverWrites(deps.store, deps.clock, actor, stall, "invitation")),
    ];
    const failed = await tryCommit(deps.store, items);
    if (!failed) return { token, stallId: stall.id };
    // Used up or expired meanwhile (a concurrent accept): the next round answers 410. A hand-over recorded
    // meanwhile, or a race: try again.
  }
  throw conflict("Another change to the same data was in progress; retry");
}

/**
 * One part of a market's sign-in cards (docs/contract.md §12, §13): a new invitation for each active stall of the
 * part (at most {@link Issuance.POSTER_PART_SIZE}, stall-code order), eight cards to an A4 page. Earlier
 * invitations stay valid until used or expired.
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
  const pdf = await Card.renderCardSheet(`Thẻ đăng nhập — ${market.name}`, cards, { fontDir: deps.fontDir });
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
  return Card.renderCard(
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
