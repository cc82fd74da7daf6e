/**
 * A market board's collection account holds the same account guard and number index a stall's does (so no stall
 * and no other market can register it, and it no stall's), under a holder id no stall id can take: stall ids are
 * 26-character ULIDs. A payment matched to such a holder is the board's, never a stall's takings (docs/contract.md §20).
 */
const PREFIX = "board:";

export const boardHolderId = (marketId: string): string => `${PREFIX}${marketId}`;

export const isBoardHolder = (holderId: string): boolean => holderId.startsWith(PREFIX);
