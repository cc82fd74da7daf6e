import { Session } from "node:inspector/promises";

/** Where a CPU sample's own time went, by the code it was in (first match wins). */
const STAGES: [stage: string, test: (url: string, fn: string) => boolean][] = [
  ["idle: waiting (for DynamoDB Local, or the network)", (_u, fn) => fn === "(idle)"],
  ["garbage collection", (_u, fn) => fn === "(garbage collector)"],
  ["the bench's own HTTP client (fetch, undici)", (u) => u.includes("undici")],
  ["AWS SDK: marshalling, signing, its HTTP client", (u) => /[/\\]@(aws-sdk|smithy)[/\\]/.test(u)],
  ["Hono and its Node adapter (routing, request, response)", (u) => /[/\\](hono|@hono)[/\\]/.test(u)],
  ["JSON schemas (zod)", (u) => /[/\\]zod[/\\]/.test(u)],
  [
    "signature (HMAC-SHA256, constant-time compare)",
    (u) => u === "node:crypto" || u.includes("internal/crypto"),
  ],
  ["market40's own code (routes, adapters, ingest)", (u) => u.includes("/packages/")],
  [
    "Node's HTTP and sockets (parser, streams, net)",
    (u) => u.startsWith("node:") && /http|net|stream|tls|dns|timers/.test(u),
  ],
  ["V8 and Node's runtime, other (program, builtins, modules)", () => true],
];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

/**
 * Runs `work` under V8's sampling CPU profiler (this process only) and returns each stage's share of the samples, in
 * percent: a flame graph's self time folded into the stages a callback passes through.
 */
export async function profileStages(
  work: () => Promise<void>,
): Promise<{ stage: string; percent: number }[]> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
  await work();
  const { profile } = (await session.post("Profiler.stop")) as unknown as {
    profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  };
  session.disconnect();
  const stageOf = new Map<number, string>();
  for (const node of profile.nodes) {
    const { url, functionName } = node.callFrame;
    stageOf.set(node.id, STAGES.find(([, test]) => test(url, functionName))![0]);
  }
  const micros = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const stage = stageOf.get(id)!;
    micros.set(stage, (micros.get(stage) ?? 0) + dt);
    total += dt;
  });
  return STAGES.map(([stage]) => ({
    stage,
    percent: Math.round((1000 * (micros.get(stage) ?? 0)) / Math.max(1, total)) / 10,
  })).filter((s) => s.percent > 0);
}
