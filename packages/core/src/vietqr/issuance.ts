import { z } from "zod";
import type { Clock } from "../clock";
import { conflict, notFound } from "../errors";
import * as Market from "../market/market";
import type * as Poster from "../poster/poster";

/** The PDF stack (pdf-lib, fonts) loads on the first poster, not with every handler that imports this module. */
const posters = () => import("../poster/poster");

import * as Stall from "../stall/stall";
import type { Store } from "../store/client";
import * as QrImage from "./image";
import * as PaymentQr from "./stallQr";

/**
 * Issuing a stall's payment code (docs/contract.md §5): only an active stall's code is issued. Rendering an image or
 * printing posters records nothing: a printed poster may never leave the office. QR share counts codes handed over
 * (`qrIssuedAt`), set when the manager marks a poster handed over or the vendor first signs in
 * (`Stall.handOver`, `invitation/invitations.ts`). Access is the caller's to check.
 */
interface Deps {
  store: Store;
  clock: Clock;
  /** Where the poster fonts are when they are not in node_modules (a Lambda bundle). */
  fontDir?: string;
}

function assertPayable(stall: Stall.Stall): void {
  if (stall.status !== "active") throw conflict("This stall is suspended; its payment code is not issued");
}

/** The payload of an active stall's code: static, or dynamic with an amount. */
export function payableCode(
  stall: Stall.Stall,
  options: PaymentQr.StallQrOptions = {},
): ReturnType<typeof PaymentQr.forStall> {
  assertPayable(stall);
  return PaymentQr.forStall(stall, options);
}

/** The code as an image. */
export async function image(
  _deps: Deps,
  stall: Stall.Stall,
  format: "svg" | "png",
  size: number,
  options: PaymentQr.StallQrOptions = {},
): Promise<{ payload: string; body: string | Uint8Array; contentType: string }> {
  const { payload } = payableCode(stall, options);
  return format === "svg"
    ? { payload, body: QrImage.toSvg(payload, size), contentType: "image/svg+xml" }
    : { payload, body: QrImage.toPng(payload, size), contentType: "image/png" };
}

/** The stall's printable poster. */
export async function poster(deps: Deps, stall: Stall.Stall): Promise<Uint8Array> {
  const { payload } = payableCode(stall);
  const market = await Market.get(deps.store, stall.marketId);
  return (await posters()).render({ marketName: market.name, stall, payload }, { fontDir: deps.fontDir });
}

/**
 * Batch posters come in parts (docs/contract.md §12): at most this many stalls each, so one part's PDF stays far
 * below the 4 MiB answer limit (a poster is ~2.5 KB once fonts are embedded: 200 ≈ 0.5 MiB) and renders in a
 * bounded time and memory (docs/benchmarks.md).
 */
export const POSTER_PART_SIZE = 200;

/** `GET /api/markets/{id}/posters`: the parts, each a URL answering one A6 PDF. */
export const PosterPartsSchema = z
  .object({
    parts: z.array(
      z.object({
        url: z.string().meta({ example: "/api/markets/dong-van/posters.pdf?part=2" }),
        stalls: z.number().int().meta({ example: 200 }),
        from: z.string().meta({ example: "B-07" }),
        to: z.string().meta({ example: "D-19" }),
      }),
    ),
  })
  .meta({ id: "PosterParts" });

/** One part of a market's posters: its number (from 1), how many stalls, the first and last stall code. */
export interface PosterPart {
  part: number;
  stalls: number;
  from: string;
  to: string;
}

/**
 * Which stalls go in which part: the given stalls (already in stall-code order) cut into runs of at most
 * `size`, in order. Part `n` holds stalls `(n-1)·size … n·size-1`.
 */
export function splitIntoParts<T extends { code: string }>(
  stalls: T[],
  size = POSTER_PART_SIZE,
): { part: PosterPart; stalls: T[] }[] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError("part size must be a positive integer");
  const parts: { part: PosterPart; stalls: T[] }[] = [];
  for (let i = 0; i < stalls.length; i += size) {
    const run = stalls.slice(i, i + size);
    parts.push({
      part: { part: parts.length + 1, stalls: run.length, from: run[0]!.code, to: run.at(-1)!.code },
      stalls: run,
    });
  }
  return parts;
}

/** A market's active stalls in stall-code order (the order the store lists them in). */
async function activeStalls(store: Store, marketId: string): Promise<Stall.Stall[]> {
  return (await Stall.allOfMarket(store, marketId)).filter((s) => s.status === "active");
}

/** The parts a market's posters come in. */
export async function marketPosterParts(deps: Deps, marketId: string): Promise<PosterPart[]> {
  await Market.get(deps.store, marketId);
  return splitIntoParts(await activeStalls(deps.store, marketId)).map((p) => p.part);
}

/** Renders posters: in-process by default; the local server hands it to a worker thread. */
export type PosterRenderer = (
  title: string,
  contents: Poster.PosterContent[],
  options: Poster.RenderOptions,
) => Promise<Uint8Array>;

/**
 * One part of a market's posters (at most {@link POSTER_PART_SIZE}, stall-code order) as one PDF. Printing is not
 * handing over: no stall's `qrIssuedAt` changes. A market with no active stall has one empty part 1. `parts` is how many there are.
 */
export async function marketPosterPart(
  deps: Deps & { renderPosters?: PosterRenderer },
  marketId: string,
  partNumber = 1,
): Promise<{ pdf: Uint8Array; part: PosterPart | undefined; parts: number }> {
  const market = await Market.get(deps.store, marketId);
  const parts = splitIntoParts(await activeStalls(deps.store, marketId));
  const chosen = parts[partNumber - 1];
  if (!chosen && !(parts.length === 0 && partNumber === 1)) throw notFound(`Poster part ${partNumber}`);
  const stalls = chosen?.stalls ?? [];
  const render = deps.renderPosters ?? (await posters()).renderMany;
  const title =
    parts.length > 1
      ? `Mã QR — ${market.name} (${chosen!.part.from}–${chosen!.part.to})`
      : `Mã QR — ${market.name}`;
  const pdf = await render(
    title,
    stalls.map((stall) => ({ marketName: market.name, stall, payload: PaymentQr.forStall(stall).payload })),
    { fontDir: deps.fontDir },
  );
  return { pdf, part: chosen?.part, parts: parts.length };
}
