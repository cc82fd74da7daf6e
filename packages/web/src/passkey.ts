import { get, post, setCsrf } from "./api";

/**
 * Passkeys from the browser (docs/contract.md §19) through `@simplewebauthn/browser`, loaded only when someone taps
 * the button: the options come from the server, the device asks for a fingerprint, face or screen lock, and the
 * answer goes back. The session that results lives in an HttpOnly cookie; the page keeps its CSRF token in memory.
 */
interface SignedIn {
  person: { id: string; name: string; role: string };
  session: { id: string; expiresAt: string; device?: string };
  csrf: string;
}

/** Some servers answer the options themselves, others wrap them with what the answer must name. */
type Options<T> = T | { options: T };
const unwrap = <T extends object>(o: Options<T>): T => ("options" in o ? o.options : o);

const webauthn = () => import("@simplewebauthn/browser");

/** Whether this browser can use passkeys at all (an old WebView cannot). */
export async function passkeysSupported(): Promise<boolean> {
  return (await webauthn()).browserSupportsWebAuthn();
}

/** "Đăng nhập bằng khoá truy cập": one tap, no name typed (the device offers its own passkeys). */
export async function signInWithPasskey(): Promise<SignedIn> {
  const { startAuthentication } = await webauthn();
  type Json = Parameters<typeof startAuthentication>[0]["optionsJSON"];
  const options = unwrap(await post<Options<Json>>("/api/auth/passkey/options", {}));
  const response = await startAuthentication({ optionsJSON: options });
  const signedIn = await post<SignedIn>("/api/auth/passkey", { response });
  setCsrf(signedIn.csrf);
  return signedIn;
}

/** Accepting an invitation (or adding a device): this device makes a passkey for the person, and is signed in. */
export async function registerPasskey(code: string): Promise<SignedIn> {
  const { startRegistration } = await webauthn();
  type Json = Parameters<typeof startRegistration>[0]["optionsJSON"];
  const path = `/api/join/${encodeURIComponent(code)}/passkey`;
  const options = unwrap(await post<Options<Json>>(`${path}/options`, {}));
  const response = await startRegistration({ optionsJSON: options });
  const signedIn = await post<SignedIn>(path, { response });
  setCsrf(signedIn.csrf);
  return signedIn;
}

/** The session this browser's cookie holds, if any: after a reload the page asks again for its CSRF token. */
export async function resumeSession(): Promise<boolean> {
  const who = await get<{ person?: unknown; csrf?: string }>("/api/auth/session").catch(() => undefined);
  if (!who?.person || !who.csrf) return false;
  setCsrf(who.csrf);
  return true;
}

/** The user cancelled the device's prompt, or the device has no passkey for this site. */
export const cancelled = (err: unknown) =>
  err instanceof Error && (err.name === "NotAllowedError" || err.name === "AbortError");
