import { createRoute } from "@hono/zod-openapi";
import { Access } from "@market40/core/auth/access";
import { addDays, assertRangeLength, localTimeToUtc } from "@market40/core/calendar/localDate";
import * as Market from "@market40/core/market/market";
import { UptakeSchema, uptake } from "@market40/core/rollup/uptake";
import { DateRangeQuerySchema } from "@market40/core/schemas";
import * as Heartbeats from "@market40/core/uptime/heartbeatStore";
import * as Incidents from "@market40/core/uptime/incidents";
import { z } from "zod";
import type { Deps } from "../context";
import { bearer, commonErrors, conflictError, json, jsonBody, router, unprocessableError } from "../openapi";

const MarketParams = z.object({ id: z.string().max(40) });

/** Uptake (docs/contract.md §7), incidents and heartbeats (docs/contract.md §8). */
export function uptimeRoutes({ store, clock }: Deps) {
  const app = router();

  app.openapi(
    createRoute({
      method: "get",
      path: "/markets/{id}/uptake",
      tags: ["Uptake"],
      summary: "Uptake per day and in total, from the daily rollups",
      security: bearer,
      request: { params: MarketParams, query: DateRangeQuerySchema },
      responses: { 200: json(UptakeSchema), ...commonErrors, ...unprocessableError },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      const { from, to } = c.req.valid("query");
      assertRangeLength(from, to);
      await Market.get(store, id);
      return c.json(await uptake(store, id, from, to), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/markets/{id}/incidents",
      tags: ["Uptime"],
      summary: "Report an outage (open when endedAt is omitted)",
      description:
        "Send an `Idempotency-Key` header (any 8–100 characters, new for each report) to file it once however " +
        "often the request is sent: a repeat answers `200` with the incident the first one filed.",
      security: bearer,
      request: {
        params: MarketParams,
        headers: z.object({ "idempotency-key": z.string().min(8).max(100).optional() }),
        body: jsonBody(Incidents.IncidentInputSchema),
      },
      responses: {
        201: json(Incidents.IncidentSchema, "Reported"),
        200: json(Incidents.IncidentSchema, "Already reported with this Idempotency-Key"),
        ...commonErrors,
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      await Market.get(store, id);
      const key = c.req.valid("header")["idempotency-key"];
      const { replayed, ...incident } = await Incidents.report(
        store,
        clock,
        id,
        c.req.valid("json"),
        c.var.principal,
        key,
      );
      return replayed ? c.json(incident, 200) : c.json(incident, 201);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/markets/{id}/incidents",
      tags: ["Uptime"],
      summary: "Incidents overlapping a date range",
      security: bearer,
      request: { params: MarketParams, query: DateRangeQuerySchema },
      responses: { 200: json(z.object({ items: z.array(Incidents.IncidentSchema) })), ...commonErrors },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      Access.manageMarket(c.var.principal, id);
      const { from, to } = c.req.valid("query");
      const items = await Incidents.overlapping(
        store,
        id,
        localTimeToUtc(from, "00:00").toISOString(),
        localTimeToUtc(addDays(to, 1), "00:00").toISOString(),
      );
      return c.json({ items }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "patch",
      path: "/incidents/{incidentId}",
      tags: ["Uptime"],
      summary: "Close an open incident, or correct its cause or note",
      security: bearer,
      request: {
        params: z.object({ incidentId: z.string().max(64) }),
        body: jsonBody(Incidents.IncidentPatchSchema),
      },
      responses: { 200: json(Incidents.IncidentSchema), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const { incidentId } = c.req.valid("param");
      const incident = await Incidents.get(store, incidentId);
      Access.changeIncident(c.var.principal, incident);
      return c.json(
        await Incidents.update(store, clock, c.var.principal, incidentId, c.req.valid("json")),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/markets/{id}/heartbeats",
      tags: ["Uptime"],
      summary: "A batch of device heartbeats (≤ 500, up to 7 days late; the market's device key only)",
      description:
        "A stored beat is never changed: one already stored with the same outcome is counted in `duplicates`, " +
        "one with the other outcome refuses the batch (`409`, nothing stored). Each accepted batch writes an " +
        "audit entry `heartbeats.received` (device key, count, failures, span) in the same transaction.",
      security: bearer,
      request: { params: MarketParams, body: jsonBody(Heartbeats.HeartbeatBatchSchema) },
      responses: {
        202: json(Heartbeats.HeartbeatReceiptSchema, "Accepted"),
        ...commonErrors,
        ...conflictError,
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      Access.heartbeat(c.var.principal, id);
      await Market.get(store, id);
      return c.json(await Heartbeats.record(store, clock, c.var.principal, id, c.req.valid("json")), 202);
    },
  );

  return app;
}
