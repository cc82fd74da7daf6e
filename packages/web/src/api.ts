import { API_BASE as BASE } from "./apiBase";
import { currentLang } from "./lang";

/**
 * The public API, from the browser. A person signed in with a passkey holds a session cookie (HttpOnly: the page
 * never sees it) and sends the session's CSRF token on every change; an operator may instead keep an API key in
 * localStorage ("Dùng khoá API"). Errors come back as `ApiError` with field issues.
 */
const KEY = "m40.token";

export type { Me } from "./shapes";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export const token = () => localStorage.getItem(KEY);
/** The signed-in session's CSRF token (docs/security.md): kept in memory only, read again after a reload. */
let csrf: string | undefined;
export const setCsrf = (value: string | undefined) => {
  csrf = value;
};
export const hasSession = () => csrf !== undefined;
export const setToken = (value: string | null) =>
  value ? localStorage.setItem(KEY, value) : localStorage.removeItem(KEY);

async function send(path: string, init: RequestInit = {}, timeoutMs = 20_000): Promise<Response> {
  const headers = new Headers(init.headers);
  const tk = token();
  if (tk && !headers.has("authorization")) headers.set("authorization", `Bearer ${tk}`);
  if (headers.get("authorization") === "") headers.delete("authorization");
  const changes = (init.method ?? "GET") !== "GET";
  if (changes && csrf && !headers.has("authorization")) headers.set("x-csrf-token", csrf);
  // Server messages come back in the page's language (docs/contract.md §13).
  headers.set("accept-language", currentLang());
  let res: Response;
  try {
    res = await fetch(`${BASE}${path}`, {
      ...init,
      headers,
      credentials: "same-origin",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    throw new ApiError(0, "offline");
  }
  // The service worker (public/sw.js) answered from its copy: the page says it may be out of date.
  if (res.headers.get("x-m40-offline")) window.dispatchEvent(new Event("m40:stale"));
  // The key this phone holds stopped working (revoked): the app says so in words, not with a key prompt (main.ts).
  // A session ended elsewhere ("Thiết bị đã đăng nhập" on another device, an admin, a suspension) answers 401 too.
  if (res.status === 401 && (headers.has("authorization") || csrf))
    window.dispatchEvent(new Event("m40:unauthorized"));
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as {
      error?: { message?: string; issues?: { path: string; message: string }[] };
    };
    throw new ApiError(res.status, body.error?.message ?? res.statusText, body.error?.issues ?? []);
  }
  return res;
}

export const get = async <T>(path: string): Promise<T> => (await send(path)).json() as Promise<T>;
export const post = async <T>(path: string, body: unknown, method = "POST"): Promise<T> =>
  (
    await send(path, { method, body: JSON.stringify(body), headers: { "content-type": "application/json" } })
  ).json() as Promise<T>;
export const del = async <T>(path: string): Promise<T> => {
  const res = await send(path, { method: "DELETE" });
  return (res.status === 204 ? undefined : res.json()) as Promise<T>;
};
/** A change with no body to read back (`204`). */
export const postEmpty = async (path: string, body: unknown = {}): Promise<void> => {
  await send(path, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
};
/** A POST that must happen once however often it is sent (a double click): the server keys it on this header. */
export const postOnce = async <T>(path: string, body: unknown, idempotencyKey: string): Promise<T> =>
  (
    await send(path, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json", "idempotency-key": idempotencyKey },
    })
  ).json() as Promise<T>;
/** A binary resource (QR image, PDF) as an object URL the page can show or download. */
export const blobUrl = async (path: string, method = "GET"): Promise<string> =>
  URL.createObjectURL(await (await send(path, { method }, 120_000)).blob());

/**
 * A typed sign-in card code as the server takes it (`K7QF 3MXH`, `k7qf-3mxh` → `K7QF3MXH`), or undefined when it
 * cannot be one: 8 letters and digits once spaces and dashes are gone.
 */
export function typedCardCode(typed: string): string | undefined {
  const code = typed.toUpperCase().replace(/[\s_-]+/g, "");
  return /^[0-9A-Z]{8}$/.test(code) ? code : undefined;
}

/** Accepts a sign-in invitation (no key needed) and keeps the vendor key it gives. */
export async function acceptInvitation(code: string): Promise<{ token: string; stallId: string }> {
  const res = await send(`/api/invitations/${encodeURIComponent(code)}/accept`, {
    method: "POST",
    headers: { authorization: "" },
  });
  const body = (await res.json()) as { token: string; stallId: string };
  setToken(body.token);
  return body;
}

/** Uploads a CSV with progress (XHR: fetch has no upload progress). */
export function uploadCsv<T>(path: string, file: Blob, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `${BASE}${path}`);
    // A workbook goes as itself (the API reads its first sheet); anything else as CSV.
    const xlsx = /\.xlsx$/i.test((file as File).name ?? "");
    xhr.setRequestHeader(
      "content-type",
      xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv",
    );
    xhr.setRequestHeader("accept-language", currentLang());
    const tk = token();
    if (tk) xhr.setRequestHeader("authorization", `Bearer ${tk}`);
    else if (csrf) xhr.setRequestHeader("x-csrf-token", csrf);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      const body = JSON.parse(xhr.responseText || "{}");
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else reject(new ApiError(xhr.status, body.error?.message ?? xhr.statusText, body.error?.issues ?? []));
    };
    xhr.onerror = () => reject(new ApiError(0, "offline"));
    xhr.send(file);
  });
}
