/**
 * Where the API answers: the same origin (`npm start`), or `VITE_API_URL` when the app is served apart from it (on
 * CloudFront). Its own module so the public calendar page reaches the API without the signed-in client (api.ts).
 */
export const API_BASE: string =
  (import.meta as { env?: Record<string, string> }).env?.VITE_API_URL?.replace(/\/$/, "") ?? "";
