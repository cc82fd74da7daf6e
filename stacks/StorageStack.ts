import { TableDesign } from "@market40/core/store/design";
import { type StackContext, Table } from "sst/constructs";

/** The single DynamoDB table, built from the same `TableDesign` the local launcher uses. */
export function StorageStack({ stack }: StackContext) {
  const keyAttrs = [
    TableDesign.partitionKey,
    TableDesign.sortKey,
    ...Object.values(TableDesign.indexes).flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  const table = new Table(stack, "Table", {
    fields: Object.fromEntries(keyAttrs.map((name) => [name, "string" as const])),
    primaryIndex: { partitionKey: TableDesign.partitionKey, sortKey: TableDesign.sortKey },
    globalIndexes: Object.fromEntries(
      Object.entries(TableDesign.indexes).map(([name, i]) => [
        name,
        { partitionKey: i.partitionKey, sortKey: i.sortKey },
      ]),
    ),
    timeToLiveAttribute: TableDesign.ttlAttribute,
    stream: "new_and_old_images",
    cdk: {
      table: {
        pointInTimeRecovery: true,
        // On every stage: the table is the evidence. `sst remove` of a stage fails until someone turns it off
        // by hand (console or `aws dynamodb update-table --no-deletion-protection-enabled`).
        deletionProtection: true,
      },
    },
  });
  stack.addOutputs({ TableName: table.tableName });
  return { table };
}
