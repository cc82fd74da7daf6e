import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { createStore } from "@market40/core/store/client";
import { ensureTable } from "@market40/core/store/table";
import { startDynamoDbLocal } from "@market40/devkit/dynamodbLocal";

/**
 * `npx tsx scripts/ddb-streams.ts [tables]`: why the test run's tables have no stream (core/store/design.ts).
 * On one in-memory DynamoDB Local, table after table (as test files make theirs) gets 2,000 puts, 8 in flight —
 * first with the table's stream on, then, on a fresh DynamoDB Local, with it off. Prints the seconds per table.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const TABLES = Number(process.argv[2] ?? 8);

async function run(stream: boolean): Promise<number[]> {
  const ddb = await startDynamoDbLocal();
  try {
    const seconds: number[] = [];
    for (let t = 0; t < TABLES; t++) {
      const store = createStore({ tableName: `streams_${t}`, endpoint: ddb.endpoint });
      await ensureTable(store, { stream });
      const start = performance.now();
      await Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          for (let i = 0; i < 250; i++)
            await store.doc.send(
              new PutCommand({
                TableName: store.table,
                Item: {
                  pk: `P#${w}#${i}`,
                  sk: "X",
                  gsi1pk: `G#${i % 10}`,
                  gsi1sk: `${i}`,
                  data: "x".repeat(200),
                },
              }),
            );
        }),
      );
      seconds.push(Math.round(performance.now() - start) / 1000);
    }
    return seconds;
  } finally {
    await ddb.stop();
  }
}

const on = await run(true);
const off = await run(false);
console.log("| table | stream on: 2,000 puts (s) | stream off (s) |\n|---|---|---|");
for (let t = 0; t < TABLES; t++) console.log(`| ${t + 1} | ${on[t]} | ${off[t]} |`);
