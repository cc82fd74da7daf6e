import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";

/**
 * The single table's physical shape. The local launcher creates the table from `createTableInput`,
 * and `stacks/StorageStack.ts` builds the SST `Table` from the same constants, so they cannot drift.
 * What each key holds for each entity is in `keys.ts` and `docs/data-model.md`.
 */
export const TableDesign = {
  partitionKey: "pk",
  sortKey: "sk",
  /** Generic GSIs; `keys.ts` names the access pattern each entity stores on them. */
  indexes: {
    gsi1: { partitionKey: "gsi1pk", sortKey: "gsi1sk" },
    gsi2: { partitionKey: "gsi2pk", sortKey: "gsi2sk" },
  },
  /** Epoch seconds; heartbeats expire, money records never do. */
  ttlAttribute: "expiresAt",
} as const;

export type IndexName = keyof typeof TableDesign.indexes;

/**
 * The table as AWS has it. `stream: false` leaves out its stream, for a DynamoDB Local shared by many short-lived
 * tables (the test run's): DynamoDB Local keeps every stream-enabled table's records, even once the table is
 * deleted, and every write then slows with them — 2,000 puts into a new table took 2.8 s, then 73 s by the
 * eighteenth table (scripts/ddb-streams.ts); without streams, 1.1 s every time. Nothing local reads the stream.
 */
export function createTableInput(
  tableName: string,
  options: { stream?: boolean } = {},
): CreateTableCommandInput {
  const stringAttrs = [
    TableDesign.partitionKey,
    TableDesign.sortKey,
    ...Object.values(TableDesign.indexes).flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: stringAttrs.map((name) => ({ AttributeName: name, AttributeType: "S" })),
    KeySchema: [
      { AttributeName: TableDesign.partitionKey, KeyType: "HASH" },
      { AttributeName: TableDesign.sortKey, KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: Object.entries(TableDesign.indexes).map(([name, i]) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: i.partitionKey, KeyType: "HASH" },
        { AttributeName: i.sortKey, KeyType: "RANGE" },
      ],
      Projection: { ProjectionType: "ALL" },
    })),
    ...(options.stream === false
      ? {}
      : { StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" as const } }),
  };
}
