/**
 * How the web app is to be served: the local server (`npm start`) sends these headers, and the CloudFront
 * response-headers policy in `stacks/WebStack.ts` is built from the same values. They belong to the app, not to the
 * API or a stack, since they follow from what the app does (no inline code, blob and data images for QR codes, calls
 * to the API). Kept outside src/: this is not browser code.
 */

/**
 * The web app's Content-Security-Policy: its own scripts and styles only (no inline code or styles), images from
 * itself and the blob/data URLs it makes for QR codes, and API calls to itself or `apiOrigin` (the API's URL when
 * the app is served apart from it, as on CloudFront).
 */
export function webContentSecurityPolicy(apiOrigin?: string, realtimeOrigin?: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    `connect-src 'self'${apiOrigin ? ` ${apiOrigin}` : ""}${realtimeOrigin ? ` ${realtimeOrigin}` : ""}`,
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
