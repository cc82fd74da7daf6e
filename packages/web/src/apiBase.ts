/**
 * Where the API answers: the same origin, locally (`npm start`) and on CloudFront (the web distribution's `/api/*`
 * behaviour, stacks/WebStack.ts), so a person's session cookie goes with every call; `VITE_API_URL` only when the
 * app is served apart from its API. Its own module so the public calendar page reaches the API without the signed-in client (api.ts).
 */
export const API_BASE: string =
  (import.meta as { env?: Record<string, string> }).env?.VITE_API_URL?.replace(/\/$/, "") ?? "";
