import { describe, expect, it } from "vitest";
import { InProcessQueue } from "./inProcessQueue";

const tick = () => new Promise((r) => setTimeout(r, 1));

describe("in-process queue", () => {
  it("never runs more jobs at once than its concurrency, and runs every job", async () => {
    let running = 0;
    let most = 0;
    const q = new InProcessQueue<number, number>({
      concurrency: 4,
      maxReceives: 1,
      handle: async (n) => {
        most = Math.max(most, ++running);
        await tick();
        running--;
        return n * 2;
      },
    });
    q.send(Array.from({ length: 50 }, (_, i) => i));
    const { results, deadLetters } = await q.drain();
    expect(results.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
    expect(deadLetters).toEqual([]);
    expect(most).toBe(4);
    expect(q.peakConcurrency).toBe(4);
  });

  it("receives a failing job again, up to maxReceives, then dead-letters it; redrive sends it again", async () => {
    const receives = new Map<string, number[]>();
    let healthy = false;
    const dead: string[] = [];
    const q = new InProcessQueue<string, string>({
      concurrency: 2,
      maxReceives: 3,
      retryDelayMs: () => 1,
      handle: async (job, receive) => {
        receives.set(job, [...(receives.get(job) ?? []), receive]);
        if (job === "poison" && !healthy) throw new Error("store down");
        if (job === "flaky" && receive < 2) throw new Error("timeout");
        return job;
      },
      onDeadLetter: (l) => dead.push(l.job),
    });
    q.send(["ok", "flaky", "poison"]);
    const first = await q.drain();
    expect(first.results.sort()).toEqual(["flaky", "ok"]);
    expect(first.deadLetters.map((l) => [l.job, l.receives, l.error.message])).toEqual([
      ["poison", 3, "store down"],
    ]);
    expect(dead).toEqual(["poison"]);
    expect(receives.get("ok")).toEqual([1]);
    expect(receives.get("flaky")).toEqual([1, 2]);
    expect(receives.get("poison")).toEqual([1, 2, 3]);

    // Dead letters stay until re-driven, as on a dead-letter queue; re-driven once healthy, they are done.
    expect((await q.drain()).deadLetters.map((l) => l.job)).toEqual(["poison"]);
    healthy = true;
    expect(q.redrive()).toBe(1);
    const second = await q.drain();
    expect(second).toEqual({ results: ["poison"], deadLetters: [] });
    expect(receives.get("poison")).toEqual([1, 2, 3, 1]);
    expect(q.redrive()).toBe(0);
  });

  it("drains at once when empty, and refuses a concurrency below one", async () => {
    const q = new InProcessQueue<number, number>({ concurrency: 1, maxReceives: 1, handle: async (n) => n });
    expect(await q.drain()).toEqual({ results: [], deadLetters: [] });
    expect(() => new InProcessQueue({ concurrency: 0, maxReceives: 1, handle: async () => 0 })).toThrow();
  });
});
