import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { z } from "zod";
import * as SignInSessions from "../auth/signInSessions";
import type { Clock } from "../clock";
import type { Store } from "../store/client";
import * as Passkeys from "./passkeys";

/**
 * Signing in (docs/contract.md §19): a passkey proves who someone is, and a session is what they then carry. Two
 * ways in, each one workflow: accepting an invitation (registering the device's passkey) and signing in with a
 * passkey already registered. Both answer the same: the person, the session and its CSRF token — and the session's
 * token, which the HTTP layer sends as a cookie or, for a client that asks, in the body.
 */
interface Deps {
  store: Store;
  clock: Clock;
}

/** How a session's token travels: an `HttpOnly` cookie (browsers, the default) or the answer's body. */
export const TRANSPORTS = ["cookie", "bearer"] as const;

/**
 * A WebAuthn response as `@simplewebauthn/browser` gives it; its inner fields are the verifier's to check, so the
 * schema bounds the size only.
 */
const CeremonyResponseSchema = z.looseObject({
  id: z.string().min(1).max(1024),
  rawId: z.string().min(1).max(1024),
  type: z.literal("public-key"),
  response: z.record(z.string(), z.unknown()),
  clientExtensionResults: z.record(z.string(), z.unknown()).optional(),
});

/** What `POST /api/auth/passkey` and `POST /api/join/{code}/passkey` take. */
export const PasskeySignInRequestSchema = z
  .strictObject({
    response: CeremonyResponseSchema,
    transport: z.enum(TRANSPORTS).optional().meta({
      description: "`bearer`: the token comes in the body and no cookie is set (a client without cookies)",
    }),
  })
  .meta({ id: "PasskeySignInRequest" });

/** Registration or sign-in options for `navigator.credentials.create`/`get` (`@simplewebauthn/browser`). */
export const CeremonyOptionsSchema = z
  .looseObject({ challenge: z.string(), rpId: z.string().optional() })
  .meta({ id: "PasskeyOptions" });

/** A ceremony's response as the request schema has checked its outline; the verifier checks the rest. */
export type CeremonyResponse = z.output<typeof CeremonyResponseSchema>;

export interface Started extends SignInSessions.SignedIn {
  token: string;
}

async function started(
  deps: Deps,
  person: Parameters<typeof SignInSessions.start>[1],
  userAgent: string | undefined,
): Promise<Started> {
  const { session, token } = await SignInSessions.start(deps, person, userAgent);
  return {
    person: SignInSessions.personOf(person),
    session: { id: session.id, expiresAt: session.expiresAt, device: session.device },
    csrf: session.csrf,
    token,
  };
}

/**
 * Accepts a person's invitation with the passkey their device just made, and signs that device in. Accepting a
 * `recovery` invitation (a person who lost their devices) first ends every session they had: whoever holds a lost
 * phone's session is signed out.
 */
export async function withInvitation(
  deps: Deps,
  rp: Passkeys.RelyingParty,
  code: string,
  response: CeremonyResponse,
  userAgent: string | undefined,
): Promise<Started> {
  const joined = await Passkeys.join(deps, rp, code, response as unknown as RegistrationResponseJSON);
  if (joined.purpose === "recovery")
    await SignInSessions.commitEndings(
      deps.store,
      await SignInSessions.endings(deps.store, joined.person.id),
    );
  return started(deps, joined.person, userAgent);
}

/** Signs a person in with a passkey their device holds. */
export async function withPasskey(
  deps: Deps,
  rp: Passkeys.RelyingParty,
  response: CeremonyResponse,
  userAgent: string | undefined,
): Promise<Started> {
  const { person } = await Passkeys.signIn(deps, rp, response as unknown as AuthenticationResponseJSON);
  return started(deps, person, userAgent);
}
