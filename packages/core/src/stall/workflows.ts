import type { z } from "zod";
import type { Actor } from "../audit/audit";
import { claimForStalls } from "../callback/matching";
import type { Clock } from "../clock";
import * as Market from "../market/market";
import type { Store } from "../store/client";
import { type ImportResult, importCsv } from "./import";
import * as Stall from "./stall";

/**
 * What a market manager does to stalls, as whole workflows: each checks the market exists, writes the stall
 * atomically, and matches the payments that were waiting for its account (docs/contract.md §4, §6).
 * Access is the caller's to check; these never look at who asks.
 */
interface Deps {
  store: Store;
  clock: Clock;
}

/** Registers a stall in a market and claims the payments its account received before. */
export async function registerStall(
  deps: Deps,
  actor: Actor,
  marketId: string,
  input: Stall.StallInput,
): Promise<Stall.Stall> {
  await Market.get(deps.store, marketId);
  const stall = await Stall.register(deps.store, deps.clock, actor, marketId, input);
  await claimForStalls(deps, [stall]);
  return stall;
}

/** Changes a stall; a new bank account claims the payments that wait for it. */
export async function changeStall(
  deps: Deps,
  actor: Actor,
  current: Stall.Stall,
  patch: z.input<typeof Stall.StallPatchSchema>,
): Promise<Stall.Stall> {
  const next = await Stall.update(deps.store, deps.clock, actor, current.id, patch);
  if (Stall.accountChanged(current, next)) await claimForStalls(deps, [next]);
  return next;
}

/** Imports a market's stalls from CSV and claims the payments waiting for each new stall's account. */
export async function importStalls(
  deps: Deps,
  actor: Actor,
  marketId: string,
  csv: Uint8Array,
): Promise<ImportResult> {
  await Market.get(deps.store, marketId);
  const { report, created } = await importCsv(deps.store, deps.clock, actor, marketId, csv);
  await claimForStalls(deps, created);
  return report;
}
