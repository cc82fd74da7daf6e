import type { Clock } from "../clock";
import { conflict } from "../errors";
import * as Market from "../market/market";
import * as Poster from "../poster/poster";
import * as Stall from "../stall/stall";
import type { Store } from "../store/client";
import * as QrImage from "./image";
import * as PaymentQr from "./stallQr";

/**
 * Issuing a stall's payment code (docs/contract.md §5): only an active stall's code is issued, and handing out an
 * image or a poster records the first time the stall got its code (`qrIssuedAt`, what QR share counts).
 * Access is the caller's to check.
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

/** The code as an image to hand out; the first one marks the stall's QR as issued. */
export async function image(
  deps: Deps,
  stall: Stall.Stall,
  format: "svg" | "png",
  size: number,
  options: PaymentQr.StallQrOptions = {},
): Promise<{ payload: string; body: string | Uint8Array; contentType: string }> {
  const { payload } = payableCode(stall, options);
  await Stall.markQrIssued(deps.store, deps.clock, stall);
  return format === "svg"
    ? { payload, body: QrImage.toSvg(payload, size), contentType: "image/svg+xml" }
    : { payload, body: QrImage.toPng(payload, size), contentType: "image/png" };
}

/** The stall's printable poster; marks its QR as issued. */
export async function poster(deps: Deps, stall: Stall.Stall): Promise<Uint8Array> {
  const { payload } = payableCode(stall);
  const market = await Market.get(deps.store, stall.marketId);
  const pdf = await Poster.render({ marketName: market.name, stall, payload }, { fontDir: deps.fontDir });
  await Stall.markQrIssued(deps.store, deps.clock, stall);
  return pdf;
}

/** One poster per active stall of a market, in stall-code order; marks each stall's QR as issued. */
export async function marketPosters(deps: Deps, marketId: string): Promise<Uint8Array> {
  const market = await Market.get(deps.store, marketId);
  const stalls = (await Stall.allOfMarket(deps.store, marketId)).filter((s) => s.status === "active");
  const pdf = await Poster.renderMany(
    `Mã QR — ${market.name}`,
    stalls.map((stall) => ({ marketName: market.name, stall, payload: PaymentQr.forStall(stall).payload })),
    { fontDir: deps.fontDir },
  );
  await Stall.markManyQrIssued(deps.store, deps.clock, stalls);
  return pdf;
}
