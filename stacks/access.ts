import {
  PLATFORM_SECRET_NAMES,
  PROVIDER_API_SECRET_NAMES,
  PROVIDER_SECRET_NAMES,
} from "@market40/core/config";
import { Effect, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { Config, FunctionProps, Table } from "sst/constructs";

/**
 * What each function may do to the table: item-level actions only, on the table and, where its queries use them,
 * on its indexes. Never `dynamodb:*`, never a table-level action (no DeleteTable, UpdateTable, CreateTable,
 * DescribeTable, UpdateTimeToLive): no deployed function can delete or reconfigure the table.
 *
 * TransactWriteItems is authorised item by item, so a function that commits transactions holds the Put, Update,
 * Delete and ConditionCheck actions its transaction items use. test/infra/stacks.test.ts checks each set against
 * the DynamoDB commands the function's bundle can reach (module by module) and, for the callbacks function, against
 * the calls it makes while ingesting every kind of callback.
 */
export const TABLE_ACCESS = {
  /**
   * `ingest()`: consistent GetItem of the account guard or the number's holders item, then one
   * TransactWriteItems of Put (record, unmatched reference), Update (rollups) and ConditionCheck (guards).
   * Then, for a new payment, the stall's WebSocket connections (Query on gsi1, `byStall`) and DeleteItem of a
   * connection API Gateway says is gone, or whose key was revoked (realtime/connectionItem.ts). No batch. This is the
   * public function, so its DeleteItem is scoped by `dynamodb:LeadingKeys` to connection items (`CONN#…`): a flaw in
   * it cannot delete a payment, a stall or a key.
   */
  callbacks: {
    // Query on the table itself: the account-number index is built from the account guards the first time a
    // number is read (stall/accountNumberItem.ts), which a payment naming no bank can be.
    actions: [
      "dynamodb:ConditionCheckItem",
      "dynamodb:DeleteItem",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:UpdateItem",
    ],
    indexes: ["gsi1"],
    deleteOnlyLeadingKeys: ["CONN#*"],
  },
  /** WebSocket `$connect`: a conditional DeleteItem takes the ticket, a PutItem records the connection. */
  realtimeConnect: {
    actions: ["dynamodb:DeleteItem", "dynamodb:PutItem"],
    indexes: [] as string[],
  },
  /** WebSocket `$disconnect`: DeleteItem of the connection. */
  realtimeDisconnect: {
    actions: ["dynamodb:DeleteItem"],
    indexes: [] as string[],
  },
  /**
   * The whole Hono app: reads and listings (Get, consistent Query on the table, Query on gsi1 and gsi2),
   * BatchGetItem (reconciliation, transaction pages), transactions that move or
   * delete uniqueness guards and unmatched references, heartbeat batches with their audit (Put, Update, Delete,
   * ConditionCheck). No Scan, no BatchWriteItem.
   */
  api: {
    actions: [
      "dynamodb:BatchGetItem",
      "dynamodb:ConditionCheckItem",
      "dynamodb:DeleteItem",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:UpdateItem",
    ],
    indexes: ["gsi1", "gsi2"],
  },
  /**
   * The daily cron function: the unmatched sweep (gsi1 queries, Get, BatchGetItem, transactions that assign a payment
   * and delete its reference) and the list of markets it puts on the evaluation queue. The rest
   * come with the core modules it shares with the API (checked in the stack test).
   */
  daily: {
    actions: [
      "dynamodb:BatchGetItem",
      "dynamodb:ConditionCheckItem",
      "dynamodb:DeleteItem",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:UpdateItem",
    ],
    indexes: ["gsi1", "gsi2"],
  },
  /**
   * The evaluation queue's consumer: one market's evaluations (queries on gsi1 and gsi2, Put of the evaluation and its
   * audit). The writes beyond that come with the core modules it shares (checked in the stack test).
   */
  evaluate: {
    actions: [
      "dynamodb:ConditionCheckItem",
      "dynamodb:DeleteItem",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:UpdateItem",
    ],
    indexes: ["gsi1", "gsi2"],
  },
  /**
   * The scheduled pull sync: `ingest()` of each listed transaction (the callbacks function's reads and transaction),
   * and its cursor (a consistent GetItem, a conditional PutItem); then the money-stops check: the markets (gsi1), a
   * market's last payment (gsi2), its market-day rollups (Query), its incident candidate and audit entry (a
   * transaction of conditional puts). It tells no socket (no realtime endpoint), so it
   * deletes nothing.
   */
  sync: {
    actions: [
      "dynamodb:ConditionCheckItem",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:UpdateItem",
    ],
    indexes: ["gsi1", "gsi2"],
  },
} as const satisfies Record<
  string,
  { actions: readonly string[]; indexes: readonly string[]; deleteOnlyLeadingKeys?: readonly string[] }
>;

export type FunctionName = keyof typeof TABLE_ACCESS;

/**
 * The secrets each function reads (SST `Config.Secret`, SSM parameters): a function can read only those bound to
 * it. Derived from core's names, so a provider secret added there reaches the functions that verify callbacks.
 * Every function needs `PAYER_HASH_KEY` (the Lambda config reader refuses a cold start without it); only the API
 * reads `ADMIN_TOKEN`.
 */
export const SECRETS_OF: Record<FunctionName, readonly string[]> = {
  callbacks: [...Object.values(PROVIDER_SECRET_NAMES), PLATFORM_SECRET_NAMES.payerKey],
  // Reconciliation (`POST /api/reconciliation/{provider}`) checks providers' secrets too.
  api: [...Object.values(PROVIDER_SECRET_NAMES), ...Object.values(PLATFORM_SECRET_NAMES)],
  daily: [PLATFORM_SECRET_NAMES.payerKey],
  evaluate: [PLATFORM_SECRET_NAMES.payerKey],
  // Only the sync reads the providers' API keys.
  sync: [...Object.values(PROVIDER_API_SECRET_NAMES), PLATFORM_SECRET_NAMES.payerKey],
  realtimeConnect: [PLATFORM_SECRET_NAMES.payerKey],
  realtimeDisconnect: [PLATFORM_SECRET_NAMES.payerKey],
};

/**
 * A function's props for the table and its secrets, instead of SST's `bind: [table]` (which grants `dynamodb:*`
 * on the table and every index): the table's name in the variable `sst/node/table` reads
 * (`SST_Table_tableName_<id>`, what `bind` would set), the item-level actions of `TABLE_ACCESS`, and a `bind` of
 * only the secrets `SECRETS_OF` lists (each grants `ssm:GetParameters` on that secret's two parameters).
 */
export function tableAndSecrets(
  name: FunctionName,
  table: Table,
  secrets: readonly Config.Secret[],
): Pick<FunctionProps, "environment" | "permissions" | "bind"> {
  const access: {
    actions: readonly string[];
    indexes: readonly string[];
    deleteOnlyLeadingKeys?: readonly string[];
  } = TABLE_ACCESS[name];
  const { actions, indexes, deleteOnlyLeadingKeys } = access;
  const wanted = new Set(SECRETS_OF[name]);
  const scoped = deleteOnlyLeadingKeys ? actions.filter((a) => a !== "dynamodb:DeleteItem") : actions;
  return {
    environment: { [`SST_Table_tableName_${table.id}`]: table.tableName },
    permissions: [
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [...scoped],
        resources: [table.tableArn, ...indexes.map((index) => `${table.tableArn}/index/${index}`)],
      }),
      // DeleteItem only of items whose partition key matches (IAM's dynamodb:LeadingKeys, checked per request).
      ...(deleteOnlyLeadingKeys
        ? [
            new PolicyStatement({
              effect: Effect.ALLOW,
              actions: ["dynamodb:DeleteItem"],
              resources: [table.tableArn],
              conditions: {
                "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [...deleteOnlyLeadingKeys] },
              },
            }),
          ]
        : []),
    ],
    bind: secrets.filter((s) => wanted.has(s.name)),
  };
}
