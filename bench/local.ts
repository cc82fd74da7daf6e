import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { freePort, startDynamoDbLocal } from "@market40/devkit/dynamodbLocal";
import { buildServer, start, waitReady } from "@market40/devkit/process";
import { cpuSeconds, type Figure, round } from "./harness";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** DynamoDB Local started, a table made and 20 items put: the wall time, and Java's CPU by then. */
async function dynamoStart(classArchive: boolean): Promise<{ ms: number; cpu: number }> {
  const t0 = performance.now();
  const ddb = await startDynamoDbLocal({ classArchive });
  const client = new DynamoDBClient({
    endpoint: ddb.endpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  await client.send(
    new CreateTableCommand({
      TableName: "bench",
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    }),
  );
  for (let i = 0; i < 20; i++)
    await client.send(new PutItemCommand({ TableName: "bench", Item: { pk: { S: String(i) } } }));
  const ms = performance.now() - t0;
  const cpu = cpuSeconds(ddb.pid) ?? Number.NaN;
  client.destroy();
  await ddb.stop();
  return { ms, cpu };
}

/** `npm start`'s server from its first instruction to "ready": the wall time, and Node's CPU by then (not Java's). */
async function serverStart(bundle: string | undefined): Promise<{ ms: number; cpu: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), "m40-bench-start-"));
  const port = await freePort();
  const t0 = performance.now();
  const server = start({ PORT: String(port), DATA_DIR: dataDir, SEED: "0", LOG_LEVEL: "ERROR" }, bundle);
  await waitReady(port, server);
  const ms = performance.now() - t0;
  const cpu = cpuSeconds(server.child.pid) ?? Number.NaN;
  server.child.kill("SIGTERM");
  await server.exited;
  rmSync(dataDir, { recursive: true, force: true });
  return { ms, cpu };
}

/**
 * What the tests pay for every restart (docs/contract.md §22): DynamoDB Local from its class archive against the plain
 * jar, and `npm start`'s server from a bundle against tsx. Medians of 5 and 3 alternating starts.
 */
export async function localBench(): Promise<Figure[]> {
  await startDynamoDbLocal().then((d) => d.stop()); // the archive made, if it was not there yet
  const archived: { ms: number; cpu: number }[] = [];
  const plain: { ms: number; cpu: number }[] = [];
  for (let i = 0; i < 5; i++) {
    archived.push(await dynamoStart(true));
    plain.push(await dynamoStart(false));
  }
  const bundle = await buildServer();
  const bundled: { ms: number; cpu: number }[] = [];
  const tsx: { ms: number; cpu: number }[] = [];
  for (let i = 0; i < 3; i++) {
    bundled.push(await serverStart(bundle));
    tsx.push(await serverStart(undefined));
  }
  const figure = (name: string, unit: string, value: number, peer: string, peerValue: number): Figure => ({
    suite: "local",
    name,
    value: round(value, unit === "s" ? 2 : 0),
    unit,
    peer,
    peerValue: round(peerValue, unit === "s" ? 2 : 0),
    ratio: round(peerValue / value, 2),
  });
  const ms = (xs: { ms: number }[]) => median(xs.map((x) => x.ms));
  const cpu = (xs: { cpu: number }[]) => median(xs.map((x) => x.cpu));
  return [
    figure(
      "DynamoDB Local start + table + 20 puts, class archive",
      "ms",
      ms(archived),
      "plain jar",
      ms(plain),
    ),
    figure("  Java CPU for it, class archive", "s", cpu(archived), "plain jar", cpu(plain)),
    figure("npm start's server to ready, bundle", "ms", ms(bundled), "through tsx", ms(tsx)),
    figure("  Node CPU for it, bundle", "s", cpu(bundled), "through tsx", cpu(tsx)),
  ];
}
