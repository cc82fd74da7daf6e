import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { addDays, type LocalDate } from "@market40/core/calendar/localDate";
import { StallDayItem } from "@market40/core/rollup/stallDayItem";
import { MONEY_STOPS_METRIC, moneyStopsIncidentId } from "@market40/core/sync/moneyStops";
import type { SimulatedPayment } from "@market40/devkit/providerClients";
import { SepayStandIn } from "@market40/devkit/providerStandIn";
import type { Deps } from "@market40/functions/api/context";
import { runSync } from "@market40/functions/jobs/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DONG_VAN, type Harness, harness, stallInput } from "./support/harness";

/**
 * The money-stops alarm (docs/contract.md §16): after each sync run, a market in session that usually takes
 * payments, quiet for MONEY_STOPS_MINUTES while the providers' APIs listed some, gets one incident candidate per
 * session, and the sync logs the CloudWatch metric the alarm watches.
 *
 * Sunday 2026-11-29, 10:00 in Vietnam (03:00 UTC): Đồng Văn's Sunday session (05:00–12:00) has been open 5 hours.
 */
let h: Harness;
let sepay: SepayStandIn;
let baseUrl: string;
const API_KEY = "m".repeat(64);
const VCB = "970436";
const NOW = "2026-11-29T03:00:00Z";
const TODAY: LocalDate = "2026-11-29";

function recording() {
  const lines: { level: string; msg: string; extra?: Record<string, unknown> }[] = [];
  const at = (level: string) => (msg: string, extra?: Record<string, unknown>) =>
    lines.push({ level, msg, extra });
  return { lines, logger: { info: at("info"), warn: at("warn"), error: at("error"), debug: at("debug") } };
}

const payment = (id: string, accountNumber: string, paidAt: string): SimulatedPayment => ({
  id,
  bin: VCB,
  accountNumber,
  bankShortName: "Vietcombank",
  amount: 25_000,
  paidAt: new Date(paidAt),
  description: `thanh toan ${id}`,
});

/**
 * The market's last 8 Sundays each counted `perSession` payments, over two stalls (the stall-day rollups as the
 * callback leaves them; a market's day is their sum).
 */
async function pastSundays(marketId: string, perSession: number) {
  for (let week = 1; week <= 8; week++) {
    const date = addDays(TODAY, -7 * week);
    const first = Math.ceil(perSession / 2);
    for (const [stallId, count] of [
      [`${marketId}-past-1`, first],
      [`${marketId}-past-2`, perSession - first],
    ] as const)
      await h.store.doc.send(
        new PutCommand({
          TableName: h.store.table,
          Item: StallDayItem.toItem(marketId, {
            stallId,
            date,
            count,
            value: count * 25_000,
            minutes: [600],
            payers: [],
            amounts: new Map([[25_000, count]]),
          }),
        }),
      );
  }
}

const incidents = async (marketId: string) =>
  (await h.call("GET", `/api/markets/${marketId}/incidents?from=2026-11-28&to=2026-11-30`)).body.items as {
    id: string;
    cause: string;
    startedAt: string;
    endedAt: string;
    reportedBy: string;
  }[];

let log: ReturnType<typeof recording>;
const deps = (): Deps => ({
  ...h.deps,
  config: { ...h.deps.config, apiKeys: { sepay: API_KEY }, apiBaseUrls: { sepay: baseUrl } },
  logger: log.logger as unknown as Deps["logger"],
});

beforeAll(async () => {
  h = await harness(NOW);
  // Usually busy, nothing stored this session.
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "cho-lang", name: "Chợ Lặng" } });
  // Usually busy, and paid ten minutes ago (through the sync).
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "cho-dong", name: "Chợ Đông" } });
  await h.call("POST", "/api/markets/cho-dong/stalls", { body: stallInput("D-1", "6060606060", VCB) });
  // Rarely takes payments.
  await h.call("POST", "/api/markets", { body: { ...DONG_VAN, id: "cho-vang", name: "Chợ Vắng" } });
  // Usually busy, but its session is in the afternoon: out of session now.
  await h.call("POST", "/api/markets", {
    body: { ...DONG_VAN, id: "cho-chieu", name: "Chợ Chiều", hours: { open: "13:00", close: "18:00" } },
  });
  await pastSundays("cho-lang", 40);
  await pastSundays("cho-dong", 40);
  await pastSundays("cho-vang", 2);
  await pastSundays("cho-chieu", 40);
  sepay = new SepayStandIn(API_KEY);
  baseUrl = await sepay.start();
  // What SePay's API holds: Chợ Đông's payment at 09:50 and one to an account no stall holds at 09:55.
  sepay.add(payment("FTMS0001", "6060606060", "2026-11-29T02:50:00Z"));
  sepay.add(payment("FTMS0002", "1212121212", "2026-11-29T02:55:00Z"));
});
afterAll(async () => {
  await sepay.stop();
  await h.close();
});

describe("money stops", () => {
  it("raises one incident candidate for the quiet busy market in session, none for the others, and logs the metric", async () => {
    log = recording();
    const [outcome] = await runSync(deps());
    expect(outcome).toMatchObject({
      status: "pulled",
      report: { listed: 2, recovered: 2, newestPaidAt: "2026-11-29T02:55:00.000Z" },
    });
    const [candidate, ...more] = await incidents("cho-lang");
    expect(more).toEqual([]);
    expect(candidate).toMatchObject({
      id: moneyStopsIncidentId("cho-lang", TODAY),
      cause: "payments-stopped",
      startedAt: "2026-11-28T22:00:00.000Z", // the session's opening: no payment since
      endedAt: "2026-11-29T03:00:00.000Z",
      reportedBy: "system:money-stops",
      reporterRole: "system",
    });
    expect(await incidents("cho-dong")).toEqual([]); // paid 10 minutes ago
    expect(await incidents("cho-vang")).toEqual([]); // rarely takes payments
    expect(await incidents("cho-chieu")).toEqual([]); // out of session

    const audit = (await h.call("GET", "/api/audit?marketId=cho-lang")).body.items as {
      action: string;
      actor: { role: string; keyId: string };
      entity: { id: string };
    }[];
    expect(audit.filter((a) => a.action === "incident.created")).toMatchObject([
      { actor: { role: "system", keyId: "system:money-stops" }, entity: { id: candidate!.id } },
    ]);

    const warned = log.lines.filter((l) => l.msg === "payments stopped at a market");
    expect(warned).toHaveLength(1);
    const line = warned[0]!.extra!;
    expect(line).toMatchObject({
      marketId: "cho-lang",
      session: TODAY,
      raised: true,
      usual: 40,
      quietMinutes: 300,
    });
    // Embedded Metric Format: the metric named in `_aws` is a top-level field of the same line.
    expect(line._aws).toMatchObject({
      CloudWatchMetrics: [
        { Namespace: MONEY_STOPS_METRIC.namespace, Metrics: [{ Name: MONEY_STOPS_METRIC.name }] },
      ],
    });
    expect(line[MONEY_STOPS_METRIC.name]).toBe(1);
  });

  it("a later run while it lasts raises nothing more (one candidate per market and session), still counting the metric", async () => {
    h.clock.set("2026-11-29T03:10:00Z");
    sepay.add(payment("FTMS0003", "1212121212", "2026-11-29T03:05:00Z"));
    log = recording();
    await runSync(deps());
    expect(await incidents("cho-lang")).toHaveLength(1);
    const warned = log.lines.filter((l) => l.msg === "payments stopped at a market");
    expect(warned.map((l) => l.extra)).toMatchObject([{ marketId: "cho-lang", raised: false }]);
    // Chợ Đông is now 20 minutes quiet: under the threshold.
    expect(await incidents("cho-dong")).toEqual([]);
  });

  it("a run that lists nothing new reads nothing and raises nothing: the providers show no payments", async () => {
    h.clock.set("2026-11-29T04:30:00Z");
    log = recording();
    const [outcome] = await runSync(deps());
    expect(outcome).toMatchObject({ status: "pulled", report: { listed: 0, newestPaidAt: null } });
    expect(log.lines.filter((l) => l.msg === "payments stopped at a market")).toEqual([]);
    // Chợ Đông has been quiet 100 minutes, but no provider listed a payment since: nothing.
    expect(await incidents("cho-dong")).toEqual([]);
  });

  it("once the providers list payments again after a busy market's quiet hour, it is raised for that market", async () => {
    sepay.add(payment("FTMS0004", "1212121212", "2026-11-29T04:20:00Z"));
    log = recording();
    await runSync(deps());
    expect(await incidents("cho-dong")).toMatchObject([
      {
        cause: "payments-stopped",
        startedAt: "2026-11-29T02:50:00.000Z",
        endedAt: "2026-11-29T04:30:00.000Z",
      },
    ]);
    expect(await incidents("cho-lang")).toHaveLength(1);
  });
});
