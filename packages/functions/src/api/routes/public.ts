import { createRoute } from "@hono/zod-openapi";
import { localDateOf } from "@market40/core/calendar/localDate";
import * as Evaluations from "@market40/core/evaluation/evaluations";
import * as PublicCalendar from "@market40/core/market/publicCalendar";
import { z } from "zod";
import type { Deps } from "../context";
import { errorResponse, json, router } from "../openapi";

const ics = { description: "An RFC 5545 calendar", content: { "text/calendar": { schema: z.string() } } };
const publicErrors = {
  404: errorResponse("No public market (or province) by that name"),
  503: errorResponse("The store is unavailable; retry"),
};

/**
 * The public calendar (docs/contract.md §21): no key, only markets an admin marked `public`, and nothing of
 * their people, stalls or money beyond the share of stalls with a QR code.
 */
export function publicRoutes({ store, clock }: Deps) {
  const app = router();
  const sendIcs = (
    c: { header: (k: string, v: string) => void; body: (b: string, s: 200) => Response },
    text: string,
    name: string,
  ) => {
    c.header("Content-Type", "text/calendar; charset=utf-8");
    c.header("Content-Disposition", `inline; filename="${name}.ics"`);
    c.header("Cache-Control", "public, max-age=3600");
    return c.body(text, 200);
  };

  app.openapi(
    createRoute({
      method: "get",
      path: "/markets/{id}/calendar.ics",
      tags: ["Public"],
      summary: "A public market's sessions in the next 12 months, as iCal",
      request: { params: z.object({ id: z.string().max(40) }) },
      responses: { 200: ics, ...publicErrors },
    }),
    async (c) => {
      const market = await PublicCalendar.publicMarket(store, c.req.valid("param").id);
      const text = PublicCalendar.ics(market.name, [market], localDateOf(clock.now()));
      return sendIcs(c, text, market.id) as never;
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/provinces/{province}/calendar.ics",
      tags: ["Public"],
      summary: "Every public market of a province, as one iCal calendar",
      request: { params: z.object({ province: z.string().max(80) }) },
      responses: { 200: ics, ...publicErrors },
    }),
    async (c) => {
      const province = c.req.valid("param").province;
      const markets = await PublicCalendar.publicInProvince(store, province);
      if (markets.length === 0)
        return c.json(
          { error: { code: "not_found", message: "No public market in this province" } },
          404,
        ) as never;
      const text = PublicCalendar.ics(
        `Lịch chợ phiên ${markets[0]!.province}`,
        markets,
        localDateOf(clock.now()),
      );
      return sendIcs(c, text, "lich-cho-phien") as never;
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/public/markets",
      tags: ["Public"],
      summary: "Public markets with their next sessions, whether in session now, and QR share",
      responses: {
        200: json(z.object({ items: z.array(PublicCalendar.PublicMarketSchema) })),
        503: publicErrors[503],
      },
    }),
    async (c) => {
      const markets = await PublicCalendar.publicMarkets(store);
      const items = await Promise.all(
        markets.map(async (m) => {
          const latest = (await Evaluations.historyOf(store, m.id))[0];
          return PublicCalendar.publicView(m, clock, latest?.uptake.qrSharePct ?? null);
        }),
      );
      c.header("Cache-Control", "public, max-age=300");
      return c.json({ items }, 200);
    },
  );

  return app;
}
