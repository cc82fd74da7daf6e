/** Why a market's payments were down. Kept free of imports: the web app shows these too. */
export const CAUSES = ["network", "provider", "power", "other"] as const;
export type Cause = (typeof CAUSES)[number];
