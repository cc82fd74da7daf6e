import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { StoreUnavailableError } from "../errors";
import { decodeCursor, encodeCursor, type Page, type PageRequest } from "./page";

/** DynamoDB's number text as a JavaScript number, or a `bigint` when a number would lose digits. */
export function readNumber(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) || !/^-?\d+$/.test(text) ? n : BigInt(text);
}

/** Where the table lives. Locally an endpoint of DynamoDB Local; in Lambda the region's default. */
export interface StoreConfig {
  tableName: string;
  endpoint?: string;
  region?: string;
}

/** The document client and table name every repository takes. Created once per process. */
export interface Store {
  doc: DynamoDBDocumentClient;
  table: string;
}

export function createStore(config: StoreConfig, extra: DynamoDBClientConfig = {}): Store {
  const client = new DynamoDBClient({
    region: config.region ?? "ap-southeast-1",
    ...(config.endpoint
      ? { endpoint: config.endpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" } }
      : {}),
    maxAttempts: 3,
    ...extra,
  });
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    // A number past 2^53 (only ever a money total) comes back exact, as a bigint, for `exactMoney` to refuse
    // rather than the SDK's default error, which would stop a whole listing.
    unmarshallOptions: { wrapNumbers: readNumber },
  });
  return { doc, table: config.tableName };
}

const UNAVAILABLE = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "InternalServerError",
  "ServiceUnavailable",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "TimeoutError",
  "UnknownEndpoint",
  "ResourceNotFoundException",
]);

/**
 * True when an SDK error means "the store cannot serve this now" rather than "this request is wrong".
 * Such errors become `StoreUnavailableError` (HTTP 503) so callers — payment providers above all — retry.
 */
export function isUnavailable(err: unknown): boolean {
  if (!err || typeof err !== "object") return false;
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; cause?: unknown };
  if (e.name && UNAVAILABLE.has(e.name)) return true;
  if (e.code && UNAVAILABLE.has(e.code)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status && status >= 500) return true;
  if (e.name === "AggregateError" || (e.cause && e.cause !== err)) return isUnavailable(e.cause);
  return false;
}

/** Runs a store call, turning transport/capacity failures into `StoreUnavailableError`. */
export async function guard<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof StoreUnavailableError) throw err;
    if (isUnavailable(err)) throw new StoreUnavailableError(undefined, err);
    throw err;
  }
}

/** Every item a query matches, following `LastEvaluatedKey` page by page. */
export async function queryAll(
  store: Store,
  input: Omit<QueryCommandInput, "TableName" | "ExclusiveStartKey">,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await guard(() =>
      store.doc.send(new QueryCommand({ ...input, TableName: store.table, ExclusiveStartKey: start })),
    );
    items.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start);
  return items;
}

/**
 * One page of a query, as the API lists it: `limit` items from the caller's cursor, mapped, with the next cursor.
 * `partition` is a GSI1 partition (`gsi1pk`), optionally narrowed by a sort-key range.
 */
export async function queryPage<T>(
  store: Store,
  partition: { gsi1pk: string; between?: [string, string] },
  page: PageRequest,
  map: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const res = await guard(() =>
    store.doc.send(
      new QueryCommand({
        TableName: store.table,
        IndexName: "gsi1",
        KeyConditionExpression: partition.between
          ? "gsi1pk = :pk AND gsi1sk BETWEEN :lo AND :hi"
          : "gsi1pk = :pk",
        ExpressionAttributeValues: {
          ":pk": partition.gsi1pk,
          ...(partition.between ? { ":lo": partition.between[0], ":hi": partition.between[1] } : {}),
        },
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor),
      }),
    ),
  );
  return { items: (res.Items ?? []).map(map), nextCursor: encodeCursor(res.LastEvaluatedKey) };
}
