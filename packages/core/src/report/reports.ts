import type { Clock } from "../clock";
import { forMonth } from "../evaluation/monthOverMonth";
import type { RenderOptions } from "../poster/poster";
import type { Store } from "../store/client";
import { renderMonthlyReport } from "./monthlyReport";
import { marketPage } from "./reportData";
import { renderWorkbook, XLSX_TYPE } from "./workbook";

/** A file to answer with: its bytes, type and the name a browser saves it under. */
export interface ReportFile {
  body: Uint8Array;
  contentType: string;
  filename: string;
}

/** The month's workbook for a province (or every province): the same evaluations the JSON answers. */
export async function workbook(store: Store, period: string, province?: string): Promise<ReportFile> {
  const items = await forMonth(store, period, province);
  return {
    body: await renderWorkbook(period, items),
    contentType: XLSX_TYPE,
    filename: `market40-danh-gia-${period}.xlsx`,
  };
}

/** The month's printable report for a province (or every province): a summary, then a page per market. */
export async function monthlyReport(
  deps: { store: Store; clock: Clock },
  period: string,
  province: string | undefined,
  options: RenderOptions = {},
): Promise<ReportFile> {
  const items = await forMonth(deps.store, period, province);
  const heading = { period, madeAt: deps.clock.now().toISOString(), ...(province ? { province } : {}) };
  return {
    body: await renderMonthlyReport(heading, items, (e) => marketPage(deps.store, e), options),
    contentType: "application/pdf",
    filename: `market40-bao-cao-${period}.pdf`,
  };
}
