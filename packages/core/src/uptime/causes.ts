/**
 * Why a market's payments were down. Kept free of imports: the web app shows these too. `payments-stopped` is what
 * the money-stops check (`packages/core/src/sync/moneyStops.ts`, docs/contract.md §16) raises by itself.
 */
export const CAUSES = ["network", "provider", "power", "other", "payments-stopped"] as const;
export type Cause = (typeof CAUSES)[number];
