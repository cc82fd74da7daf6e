import { createHash, createSign, generateKeyPairSync, randomBytes } from "node:crypto";
import { encodeCBOR } from "@levischuck/tiny-cbor";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import type { Harness } from "./harness";

const b64 = (b: Uint8Array | Buffer) => Buffer.from(b).toString("base64url");
const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest();

/**
 * A software authenticator written here from the WebAuthn spec, so tests need no browser: a P-256 key, "none"
 * attestation, ES256 assertions, a signature counter the test may set (a cloned authenticator replays one).
 */
export class SoftAuthenticator {
  readonly credentialId = randomBytes(16);
  private readonly keys = generateKeyPairSync("ec", { namedCurve: "P-256" });
  counter = 0;
  constructor(readonly personId = "") {}

  private coseKey(): Uint8Array {
    const jwk = this.keys.publicKey.export({ format: "jwk" }) as { x: string; y: string };
    return encodeCBOR(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, new Uint8Array(Buffer.from(jwk.x, "base64url"))],
        [-3, new Uint8Array(Buffer.from(jwk.y, "base64url"))],
      ]),
    );
  }

  private authData(rpId: string, flags: number, attested?: Uint8Array): Buffer {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(this.counter);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), count, ...(attested ? [attested] : [])]);
  }

  create(challenge: string, opts: { rpId: string; origin: string }): RegistrationResponseJSON {
    const idLen = Buffer.alloc(2);
    idLen.writeUInt16BE(this.credentialId.length);
    const attested = Buffer.concat([Buffer.alloc(16), idLen, this.credentialId, this.coseKey()]);
    const authData = this.authData(opts.rpId, 0x01 | 0x04 | 0x40, attested);
    const clientData = JSON.stringify({
      type: "webauthn.create",
      challenge,
      origin: opts.origin,
      crossOrigin: false,
    });
    const attestationObject = encodeCBOR(
      new Map<string, string | Map<string, string> | Uint8Array>([
        ["fmt", "none"],
        ["attStmt", new Map<string, string>()],
        ["authData", new Uint8Array(authData)],
      ]),
    );
    return {
      id: b64(this.credentialId),
      rawId: b64(this.credentialId),
      type: "public-key",
      response: {
        clientDataJSON: b64(Buffer.from(clientData)),
        attestationObject: b64(attestationObject),
        transports: ["internal"],
      },
      clientExtensionResults: {},
    };
  }

  get(
    challenge: string,
    opts: { rpId: string; origin: string; counter?: number },
  ): AuthenticationResponseJSON {
    this.counter = opts.counter ?? this.counter + 1;
    const authData = this.authData(opts.rpId, 0x01 | 0x04);
    const clientData = Buffer.from(
      JSON.stringify({ type: "webauthn.get", challenge, origin: opts.origin, crossOrigin: false }),
    );
    const signer = createSign("sha256");
    signer.update(Buffer.concat([authData, sha256(clientData)]));
    return {
      id: b64(this.credentialId),
      rawId: b64(this.credentialId),
      type: "public-key",
      response: {
        clientDataJSON: b64(clientData),
        authenticatorData: b64(authData),
        signature: b64(signer.sign(this.keys.privateKey)),
      },
      clientExtensionResults: {},
    };
  }
}

/** The public address sign-in tests configure: its host name is the RP id, its origin the one accepted. */
export const ORIGIN = "http://localhost:3000";
export const RIGHT = { rpId: "localhost", origin: ORIGIN };
export const ANDROID_CHROME =
  "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";

interface Ceremony {
  transport?: "bearer" | "cookie";
  userAgent?: string;
  /** Where the authenticator believes it is (RP id, origin): {@link RIGHT} unless a test forges it. */
  as?: { rpId: string; origin: string; counter?: number };
  /** The `Origin` header the browser sends; {@link ORIGIN} unless a test says otherwise (`null`: none). */
  origin?: string | null;
}

const headersOf = (opts: Ceremony) => ({
  "user-agent": opts.userAgent ?? ANDROID_CHROME,
  ...(opts.origin === null ? {} : { origin: opts.origin ?? ORIGIN }),
});

/** Over HTTP, with no key: accepts a person's invitation with a new passkey made by `device`. */
export async function joinOverHttp(h: Harness, code: string, device: SoftAuthenticator, opts: Ceremony = {}) {
  const options = await h.call("POST", `/api/join/${code}/passkey/options`, { token: null });
  if (options.status !== 200) return options;
  return h.call("POST", `/api/join/${code}/passkey`, {
    token: null,
    headers: headersOf(opts),
    body: {
      response: device.create(options.body.challenge, opts.as ?? RIGHT),
      ...(opts.transport ? { transport: opts.transport } : {}),
    },
  });
}

/** Over HTTP, with no key: signs in with `device`'s passkey. */
export async function signInOverHttp(h: Harness, device: SoftAuthenticator, opts: Ceremony = {}) {
  const options = await h.call("POST", "/api/auth/passkey/options", { token: null });
  return h.call("POST", "/api/auth/passkey", {
    token: null,
    headers: headersOf(opts),
    body: {
      response: device.get(options.body.challenge, opts.as ?? RIGHT),
      ...(opts.transport ? { transport: opts.transport } : {}),
    },
  });
}

/** The `m40_session` token an answer set, if it set one. */
export function sessionCookieOf(res: { headers: Headers }): string | undefined {
  return /(?:^|,\s*)m40_session=([^;]*)/.exec(res.headers.get("set-cookie") ?? "")?.[1] || undefined;
}

/**
 * A person made by the admin, invited and signed in over HTTP with a bearer session: what the access matrix and
 * other tests call as that person.
 */
export async function signedInPerson(
  h: Harness,
  person: { name: string; role: string; marketId?: string; province?: string },
): Promise<{ personId: string; token: string; device: SoftAuthenticator }> {
  const made = await h.call("POST", "/api/people", { body: person });
  const { code } = (await h.call("POST", `/api/people/${made.body.id}/invitations`, { body: {} })).body;
  const device = new SoftAuthenticator();
  const joined = await joinOverHttp(h, code, device, { transport: "bearer" });
  if (joined.status !== 201) throw new Error(`join failed: ${joined.status} ${JSON.stringify(joined.body)}`);
  return { personId: made.body.id, token: joined.body.token, device };
}
