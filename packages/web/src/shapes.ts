/**
 * The API's shapes as the web app reads them: types derived from core's zod schemas (the ones that validate and
 * document the API), imported as types only, so no server code reaches the browser bundle.
 */
export type { TransactionView as Transaction } from "@market40/core/callback/transactions";
export type { Evaluation } from "@market40/core/evaluation/evaluations";
export type { BillView as Bill } from "@market40/core/fee/bill";
export type { Market } from "@market40/core/market/market";
export type { PublicMarket } from "@market40/core/market/publicCalendar";
export type { PaymentMessage } from "@market40/core/realtime/announcement";
export type { Ticket } from "@market40/core/realtime/tickets";
export type { Uptake } from "@market40/core/rollup/uptake";
export type { Stall } from "@market40/core/stall/stall";

import type { ApiKeySchema } from "@market40/core/auth/keys";
import type { z } from "zod";

/** The calling key, as `GET /api/me` answers it. */
export type Me = Omit<z.output<typeof ApiKeySchema>, "createdAt"> & {
  /** Set when a person signed in with a passkey (docs/contract.md §19), not a machine's key. */
  personId?: string;
  sessionId?: string;
};
