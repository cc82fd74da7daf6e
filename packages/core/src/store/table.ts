import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import type { Store } from "./client";
import { createTableInput, TableDesign } from "./design";

/**
 * Creates the table (indexes, stream, TTL) if it is missing. Used locally and in tests; in AWS the
 * SST `Table` made from the same `TableDesign` owns it. Tests make theirs with `stream: false`
 * (`createTableInput`: why).
 */
export async function ensureTable(
  store: Store,
  options: { stream?: boolean } = {},
): Promise<"created" | "exists"> {
  const client = store.doc;
  let created = false;
  try {
    await client.send(new DescribeTableCommand({ TableName: store.table }));
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
    try {
      await client.send(new CreateTableCommand(createTableInput(store.table, options)));
    } catch (e) {
      if ((e as Error).name !== "ResourceInUseException") throw e;
    }
    await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 0.2 }, { TableName: store.table });
    created = true;
  }
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: store.table }));
  if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== "ENABLED") {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: store.table,
        TimeToLiveSpecification: { AttributeName: TableDesign.ttlAttribute, Enabled: true },
      }),
    );
  }
  return created ? "created" : "exists";
}
