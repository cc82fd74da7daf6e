import type { MiddlewareHandler } from "hono";

/**
 * The web app's Content-Security-Policy: its own scripts and styles only (no inline code or styles), images from
 * itself and the blob/data URLs it makes for QR codes, and API calls to itself or `apiOrigin` (the API's URL when
 * the app is served apart from it, as on CloudFront). Used by the local server and by `stacks/WebStack.ts`.
 */
export function webContentSecurityPolicy(apiOrigin?: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    `connect-src 'self'${apiOrigin ? ` ${apiOrigin}` : ""}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Headers on every page of the web app. */
export function webSecurityHeaders(apiOrigin?: string): Record<string, string> {
  return {
    "content-security-policy": webContentSecurityPolicy(apiOrigin),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
  };
}

/** Headers on every API answer: JSON, PNG, SVG and PDF are never to be sniffed, framed or run as a page. */
export const API_SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

export function setHeaders(headers: Record<string, string>): MiddlewareHandler {
  return async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
