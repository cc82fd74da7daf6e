import { createHash } from "node:crypto";
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import * as Audit from "../audit/audit";
import type { Clock } from "../clock";
import { conflict, DomainError, unauthorized } from "../errors";
import * as PersonInvitations from "../invitation/personInvitations";
import type { Person } from "../person/people";
import * as People from "../person/people";
import type { Store } from "../store/client";
import { tryCommit } from "../store/transact";
import { ChallengeItem } from "./challengeItem";
import { CredentialItem } from "./credentialItem";

/**
 * Passkeys (WebAuthn; docs/contract.md §19, docs/security.md) through `@simplewebauthn/server`: no CBOR or COSE by
 * hand. Accepting a person's invitation registers a discoverable credential (resident key required, user
 * verification preferred); signing in is one tap with no user name (an empty allow-list). Every challenge is made
 * here, kept server-side for {@link CHALLENGE_SECONDS} seconds and taken (deleted) by the first response that names
 * it, so a replayed response finds nothing. The relying party — its id and the origins a response may come from —
 * comes from configuration ({@link relyingParty}), never from a request header.
 */
export const CHALLENGE_SECONDS = 300;

export interface RelyingParty {
  id: string;
  name: string;
  origins: string[];
}

/** The relying party of the configured public address: its host name is the RP id, its origin the only origin. */
export function relyingParty(publicUrl: string): RelyingParty {
  const url = new URL(publicUrl);
  return { id: url.hostname, name: "Chợ 4.0", origins: [url.origin] };
}

interface Deps {
  store: Store;
  clock: Clock;
}

const hashChallenge = (challenge: string) => createHash("sha256").update(challenge, "utf8").digest("hex");

const rejected = () => new DomainError("unauthorized", "The passkey was not accepted; try again");

/** The challenge a response answers, read from its client data (then checked against the stored one). */
function challengeOf(clientDataJSON: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(clientDataJSON, "base64url").toString("utf8")) as {
      challenge?: unknown;
    };
    if (typeof parsed.challenge === "string" && parsed.challenge.length <= 200) return parsed.challenge;
  } catch {}
  throw rejected();
}

/** Takes the stored challenge a response names: once, unexpired, of the expected purpose. */
async function take(deps: Deps, clientDataJSON: string, purpose: "register" | "authenticate") {
  const challenge = challengeOf(clientDataJSON);
  const stored = await ChallengeItem.take(deps.store, hashChallenge(challenge));
  if (!stored || stored.purpose !== purpose || stored.expiresAt <= deps.clock.now().getTime() / 1000)
    throw rejected();
  return { challenge, stored };
}

async function issue(
  deps: Deps,
  challenge: string,
  fields: { purpose: "register" | "authenticate"; codeHash?: string },
) {
  const expiresAt = Math.floor(deps.clock.now().getTime() / 1000) + CHALLENGE_SECONDS;
  const failed = await tryCommit(deps.store, [
    ChallengeItem.create(deps.store, hashChallenge(challenge), { ...fields, expiresAt }),
  ]);
  if (failed) throw conflict("Another change to the same data was in progress; retry");
}

/** Registration options for the person a live invitation names (what `navigator.credentials.create` takes). */
export async function joinOptions(deps: Deps, rp: RelyingParty, code: string) {
  const { invitation, person } = await PersonInvitations.open(deps, code);
  const existing = await CredentialItem.ofPerson(deps.store, person.id);
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: person.name,
    userDisplayName: person.name,
    userID: new TextEncoder().encode(person.id),
    attestationType: "none",
    excludeCredentials: existing.map((p) => ({ id: p.credentialId })),
    authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
  });
  await issue(deps, options.challenge, { purpose: "register", codeHash: invitation.codeHash });
  return options;
}

/**
 * Accepts a person's invitation with the passkey their device made: the challenge taken, the response verified
 * against the configured RP id and origins, then one transaction stores the public key, uses the invitation up
 * (held to it being the newest, the person active and its maker's access live) and writes the audit entry.
 */
export async function join(
  deps: Deps,
  rp: RelyingParty,
  code: string,
  response: RegistrationResponseJSON,
): Promise<{ person: Person; credentialId: string; purpose: PersonInvitations.Purpose }> {
  const { invitation, person, holds } = await PersonInvitations.open(deps, code);
  const { challenge, stored } = await take(deps, response.response.clientDataJSON, "register");
  if (stored.codeHash !== invitation.codeHash) throw rejected();
  const verified = await verifyRegistrationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: rp.origins,
    expectedRPID: rp.id,
    requireUserVerification: false,
  }).catch(() => ({ verified: false as const, registrationInfo: undefined }));
  if (!verified.verified) throw rejected();
  const { credential } = verified.registrationInfo;
  const at = deps.clock.now().toISOString();
  const failed = await tryCommit(deps.store, [
    CredentialItem.create(deps.store, {
      credentialId: credential.id,
      personId: person.id,
      publicKey: Buffer.from(credential.publicKey).toString("base64url"),
      counter: credential.counter,
      ...(credential.transports ? { transports: credential.transports } : {}),
      createdAt: at,
    }),
    ...holds(credential.id),
    Audit.entry(deps.store, deps.clock, {
      actor: { role: person.role, keyId: person.id, personId: person.id },
      action: "passkey.registered",
      entity: { kind: "person", id: person.id },
      marketId: person.marketId ?? null,
      after: { credentialId: credential.id, invitationId: invitation.id, purpose: invitation.purpose },
    }),
  ]);
  if (failed) {
    // Used, superseded or voided meanwhile: say which (410), else it was a race on the same data.
    await PersonInvitations.open(deps, code);
    throw conflict("Another change to the same data was in progress; retry");
  }
  return { person, credentialId: credential.id, purpose: invitation.purpose };
}

/** Sign-in options: no user name and an empty allow-list, so the device offers its discoverable passkeys. */
export async function signInOptions(deps: Deps, rp: RelyingParty) {
  const options = await generateAuthenticationOptions({ rpID: rp.id, userVerification: "preferred" });
  await issue(deps, options.challenge, { purpose: "authenticate" });
  return options;
}

/**
 * Signs a person in with a passkey: the challenge taken once, the signature verified against the stored public key
 * and the configured RP id and origins, the person active, and the signature counter moved forward — a counter that
 * does not grow (where the authenticator keeps one) means a cloned authenticator and is refused.
 */
export async function signIn(
  deps: Deps,
  rp: RelyingParty,
  response: AuthenticationResponseJSON,
): Promise<{ person: Person; credentialId: string }> {
  const { challenge } = await take(deps, response.response.clientDataJSON, "authenticate");
  const passkey = await CredentialItem.get(deps.store, response.id);
  if (!passkey) throw rejected();
  const person = await People.find(deps.store, passkey.personId);
  if (person?.status !== "active") throw unauthorized("This person is suspended");
  const verified = await verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: rp.origins,
    expectedRPID: rp.id,
    credential: {
      id: passkey.credentialId,
      publicKey: new Uint8Array(Buffer.from(passkey.publicKey, "base64url")),
      counter: passkey.counter,
    },
    requireUserVerification: false,
  }).catch(() => ({ verified: false as const, authenticationInfo: undefined }));
  if (!verified.verified) throw rejected();
  const failed = await tryCommit(deps.store, [
    CredentialItem.used(
      deps.store,
      passkey.credentialId,
      passkey.counter,
      verified.authenticationInfo.newCounter,
      deps.clock.now().toISOString(),
    ),
  ]);
  if (failed) throw rejected();
  return { person, credentialId: passkey.credentialId };
}
