import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import * as Evaluations from "@market40/core/evaluation/evaluations";
import {
  dailyJobs,
  EVALUATION_CONCURRENCY,
  EVALUATION_MAX_RECEIVES,
  EvaluationJobSchema,
  evaluateJob,
  evaluationQueue,
} from "@market40/core/evaluation/scheduled";
import { seedCountry } from "@market40/devkit/scale";
import { runDaily } from "@market40/functions/jobs/daily";
import { consumeEvaluations } from "@market40/functions/jobs/evaluations";
import { sqsEvaluationQueue } from "@market40/functions/lambda/evaluationQueue";
import type { SQSEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, harness } from "./support/harness";

/**
 * The daily job's fan-out, as `npm run scale` runs it for the whole country, on 40 markets: one job per market
 * through the queue, at most EVALUATION_CONCURRENCY at once; a market whose job keeps failing is dead-lettered
 * without holding the others back, and a re-drive completes it; the AWS producer and consumer move the same jobs.
 */
const MARKETS = 40;
let h: Harness;
let seeded: Awaited<ReturnType<typeof seedCountry>>;
beforeAll(async () => {
  h = await harness("2026-10-19T17:30:00Z"); // 00:30 on 20 October in Vietnam: October 1–19 is due
  seeded = await seedCountry(h.store, {
    markets: MARKETS,
    stallsMean: 15,
    month: "2026-10",
    day: "2026-10-20",
    prefix: "ci",
  });
}, 120_000);
afterAll(() => h?.close());

const sqs = mockClient(SQSClient);
afterAll(() => sqs.restore());

describe("the daily job at scale, through the queue", () => {
  it("evaluates every market once, EVALUATION_CONCURRENCY at a time, counting every seeded payment", async () => {
    const jobs = await dailyJobs(h.deps);
    expect(jobs).toHaveLength(MARKETS);
    expect(jobs[0]).toEqual({ marketId: "ci-00000", periods: [{ from: "2026-10-01", to: "2026-10-19" }] });
    const queue = evaluationQueue(h.deps);
    queue.send(jobs);
    const { results, deadLetters } = await queue.drain();
    expect(deadLetters).toEqual([]);
    expect(queue.peakConcurrency).toBe(EVALUATION_CONCURRENCY);
    const evaluated = results.flatMap((r) => r.evaluated);
    expect(new Set(evaluated.map((e) => e.marketId)).size).toBe(MARKETS);
    expect(evaluated.every((e) => e.version === 1 && e.period === "2026-10")).toBe(true);

    const stored = await Evaluations.latestForPeriod(h.store, "2026-10");
    let transactions = 0;
    for (const e of stored.values()) transactions += e.uptake.transactions;
    expect(transactions).toBe(seeded.payments);

    // The daily job itself (the local scheduler's path) on the same day: the same jobs, nothing new stored.
    const report = await runDaily(h.deps);
    const step = report.find((s) => s.step === "evaluate markets")!;
    expect(step.ok).toBe(true);
    const again = step.result as { evaluated: { version: number }[]; failed: unknown[] };
    expect(again.failed).toEqual([]);
    expect(again.evaluated.map((e) => e.version)).toEqual(Array(MARKETS).fill(1));
  }, 120_000);

  it("dead-letters a market whose job fails every receive, finishes the others, and completes it on re-drive", async () => {
    h.clock.set("2026-10-20T17:30:00Z"); // the next night: October 1–20, so every market has a new version due
    const poisoned = "ci-00007";
    let refused = 0;
    h.store.doc.middlewareStack.add(
      (next) => async (args) => {
        if (JSON.stringify(args.input).includes(`MARKET#${poisoned}#STALLDAYS`)) {
          refused++;
          throw Object.assign(new Error("connect ECONNREFUSED"), {
            name: "ECONNREFUSED",
            code: "ECONNREFUSED",
          });
        }
        return next(args);
      },
      { step: "initialize", name: "poison" },
    );
    const queue = evaluationQueue(h.deps, { retryDelayMs: () => 5 });
    queue.send(await dailyJobs(h.deps));
    const first = await queue.drain();
    expect(first.deadLetters.map((l) => [l.job.marketId, l.receives])).toEqual([
      [poisoned, EVALUATION_MAX_RECEIVES],
    ]);
    expect(refused).toBeGreaterThanOrEqual(EVALUATION_MAX_RECEIVES);
    expect(first.results.flatMap((r) => r.evaluated)).toHaveLength(MARKETS - 1);

    h.store.doc.middlewareStack.remove("poison");
    expect(queue.redrive()).toBe(1);
    const second = await queue.drain();
    expect(second.deadLetters).toEqual([]);
    expect(second.results.flatMap((r) => r.evaluated).map((e) => [e.marketId, e.version])).toEqual([
      [poisoned, 2],
    ]);
    // One version per market for the night, the re-driven one included: nothing twice.
    const history = await Evaluations.historyOf(h.store, poisoned);
    expect(history.map((e) => e.version).sort()).toEqual([1, 2]);
  }, 120_000);

  it("a job received late (re-driven, or behind a newer night's) never files a shorter period over a longer one", async () => {
    const market = "ci-00003";
    const before = await Evaluations.historyOf(h.store, market);
    const latest = before[0]!;
    expect(latest.period).toEqual({ from: "2026-10-01", to: "2026-10-20" });
    const stale = await evaluateJob(h.deps, {
      marketId: market,
      periods: [{ from: "2026-10-01", to: "2026-10-19" }],
    });
    expect(stale).toEqual({
      evaluated: [{ marketId: market, period: "2026-10", version: latest.version, rating: latest.rating }],
      failed: [],
    });
    expect(await Evaluations.historyOf(h.store, market)).toHaveLength(before.length);
  });

  it("in AWS: the cron sends one message per market in batches of ten; the consumer evaluates each and returns the failures", async () => {
    const sent: string[] = [];
    let refusedOnce = false;
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string; MessageBody: string }[] }) => {
      expect(input.Entries.length).toBeLessThanOrEqual(10);
      // SQS refuses one entry of the first batch (throttled): the producer sends it again.
      if (!refusedOnce) {
        refusedOnce = true;
        for (const e of input.Entries.slice(1)) sent.push(e.MessageBody);
        return {
          Successful: [],
          Failed: [{ Id: input.Entries[0]!.Id, SenderFault: false, Code: "Throttled" }],
        };
      }
      for (const e of input.Entries) sent.push(e.MessageBody);
      return { Successful: input.Entries.map((e) => ({ Id: e.Id })), Failed: [] };
    });
    const queue = sqsEvaluationQueue(
      "https://sqs.ap-southeast-1.amazonaws.com/1/evaluations",
      new SQSClient({}),
    );
    const report = await runDaily({ ...h.deps, evaluationQueue: queue });
    expect(report.find((s) => s.step === "evaluate markets")).toEqual({
      step: "evaluate markets",
      ok: true,
      result: { enqueued: MARKETS },
    });
    const jobs = sent.map((b) => EvaluationJobSchema.parse(JSON.parse(b)));
    expect(jobs.map((j) => j.marketId).sort()).toEqual(
      Array.from({ length: MARKETS }, (_, i) => `ci-${String(i).padStart(5, "0")}`),
    );

    // The consumer gets them ten at a time, with one message that is not a job.
    const record = (body: string, i: number) =>
      ({
        messageId: `m-${i}`,
        body,
        attributes: { ApproximateReceiveCount: "1" },
      }) as SQSEvent["Records"][number];
    const batch: SQSEvent = { Records: [...sent.slice(0, 9).map(record), record('{"marketId": 7}', 99)] };
    expect(await consumeEvaluations(h.deps, batch)).toEqual({
      batchItemFailures: [{ itemIdentifier: "m-99" }],
    });
  }, 120_000);

  it("the producer fails the cron run when SQS keeps refusing, naming the markets", async () => {
    sqs.reset();
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
      Successful: [],
      Failed: input.Entries.map((e) => ({ Id: e.Id, SenderFault: false, Code: "InternalError" })),
    }));
    const queue = sqsEvaluationQueue("https://sqs.example/q", new SQSClient({}));
    await expect(
      queue.send([{ marketId: "m-1", periods: [{ from: "2026-10-01", to: "2026-10-19" }] }]),
    ).rejects.toThrow(/refused the jobs of 1 markets: m-1/);
  });
});
