import type { Clock } from "../clock";
import { notFound } from "../errors";
import { forMonth } from "../evaluation/monthOverMonth";
import * as Market from "../market/market";
import type { RenderOptions } from "../poster/poster";
import type { Store } from "../store/client";
import { marketPage } from "./reportData";
import { renderWorkbook, XLSX_TYPE } from "./workbook";

/** A file to answer with: its bytes, type and the name a browser saves it under. */
export interface ReportFile {
  body: Uint8Array;
  contentType: string;
  filename: string;
  /** Which part of how many (a workbook is always 1 of 1). */
  part: number;
  parts: number;
}

/** The month's workbook for a province (or every province): the same evaluations the JSON answers. */
export async function workbook(store: Store, period: string, province?: string): Promise<ReportFile> {
  const items = await forMonth(store, period, province);
  return {
    body: await renderWorkbook(period, items),
    contentType: XLSX_TYPE,
    filename: `market40-danh-gia-${period}.xlsx`,
    part: 1,
    parts: 1,
  };
}

/**
 * At most this many markets in one PDF, as batch posters have at most 200 stalls (docs/contract.md §12): a
 * province of 200 markets gets one file, a national report comes in parts. A market's page is ~4 KB, so a part
 * stays far below the 4 MiB answer limit; its time and memory are in docs/benchmarks.md.
 */
export const REPORT_PART_SIZE = 200;

/**
 * The month's printable report for a province (or every province): a summary, then a page per market. Part `part`
 * (from 1) of `parts`: markets in the JSON's order, `REPORT_PART_SIZE` to a part; a part past the last is `404`.
 */
export async function monthlyReport(
  deps: { store: Store; clock: Clock },
  period: string,
  province: string | undefined,
  part = 1,
  options: RenderOptions & { partSize?: number } = {},
): Promise<ReportFile> {
  const size = options.partSize ?? REPORT_PART_SIZE;
  const [all, markets] = await Promise.all([
    forMonth(deps.store, period, province),
    province ? Market.inProvince(deps.store, province) : Market.all(deps.store),
  ]);
  const byId = new Map(markets.map((m) => [m.id, m]));
  const parts = Math.max(1, Math.ceil(all.length / size));
  if (part > parts) throw notFound(`Part ${part} of the ${period} report`);
  const items = all.slice((part - 1) * size, part * size);
  const heading = {
    period,
    madeAt: deps.clock.now().toISOString(),
    ...(province ? { province } : {}),
    ...(parts > 1 ? { part: { n: part, of: parts } } : {}),
  };
  return {
    body: await (await import("./monthlyReport")).renderMonthlyReport(
      heading,
      items,
      (e) => marketPage(deps.store, e, byId.get(e.marketId)),
      options,
    ),
    contentType: "application/pdf",
    filename: `market40-bao-cao-${period}${parts > 1 ? `-phan-${part}` : ""}.pdf`,
    part,
    parts,
  };
}
