import { createHash, randomBytes } from "node:crypto";
import { GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { type Clock, newId } from "../clock";
import { notFound, validationError } from "../errors";
import { guard, queryPage, type Store } from "../store/client";
import { Keys } from "../store/keys";
import type { Page, PageRequest } from "../store/page";

export const ROLES = ["admin", "manager", "vendor", "liaison", "device"] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: an API key's identity and scope, never its token. */
export interface Principal {
  keyId: string;
  role: Role;
  marketId?: string;
  stallId?: string;
  label?: string;
}

export interface ApiKey extends Principal {
  createdAt: string;
  revokedAt?: string;
}

const TOKEN_PREFIX = "m40_";

/** SHA-256 of a token: what the store keeps. Tokens are 256-bit random, so a fast hash is enough. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

function toItem(key: ApiKey, tokenHash: string) {
  return {
    ...Keys.apiKey(tokenHash),
    ...Keys.apiKeyList(key.keyId),
    type: "apiKey",
    v: 1,
    ...key,
  };
}

function fromItem(item: Record<string, unknown>): ApiKey {
  const { keyId, role, marketId, stallId, label, createdAt, revokedAt } = item as unknown as ApiKey;
  return { keyId, role, marketId, stallId, label, createdAt, revokedAt };
}

export interface CreateKeyInput {
  role: Role;
  marketId?: string;
  stallId?: string;
  label?: string;
}

/**
 * Creates a key and returns its token — the only time the token exists outside the caller's hands.
 * `token` may be given (the configured `ADMIN_TOKEN`); otherwise a random one is made.
 * @example const { token } = await ApiKeys.create(store, clock, { role: "liaison", label: "NHNN Tuyên Quang" });
 */
export async function create(
  store: Store,
  clock: Clock,
  input: CreateKeyInput,
  token: string = newToken(),
): Promise<ApiKey & { token: string }> {
  if ((input.role === "manager" || input.role === "device") && !input.marketId)
    throw validationError("A manager or device key needs a marketId", [
      { path: "marketId", message: "Required" },
    ]);
  if (input.role === "vendor" && !input.stallId)
    throw validationError("A vendor key needs a stallId", [{ path: "stallId", message: "Required" }]);
  const key: ApiKey = {
    keyId: newId(clock),
    role: input.role,
    ...(input.role === "manager" || input.role === "device" ? { marketId: input.marketId } : {}),
    ...(input.role === "vendor" ? { stallId: input.stallId, marketId: input.marketId } : {}),
    ...(input.label ? { label: input.label } : {}),
    createdAt: clock.now().toISOString(),
  };
  await guard(() =>
    store.doc.send(new PutCommand({ TableName: store.table, Item: toItem(key, hashToken(token)) })),
  );
  return { ...key, token };
}

/** Makes sure a key with exactly this token exists (the configured admin token). Idempotent. */
export async function ensure(
  store: Store,
  clock: Clock,
  token: string,
  input: CreateKeyInput,
): Promise<ApiKey> {
  const existing = await findByToken(store, token);
  if (existing && !existing.revokedAt) return existing;
  const { token: _t, ...key } = await create(store, clock, input, token);
  return key;
}

/** The live key for a presented token, or undefined. */
export async function findByToken(store: Store, token: string): Promise<ApiKey | undefined> {
  const res = await guard(() =>
    store.doc.send(new GetCommand({ TableName: store.table, Key: Keys.apiKey(hashToken(token)) })),
  );
  return res.Item ? fromItem(res.Item) : undefined;
}

export function list(store: Store, page: PageRequest): Promise<Page<ApiKey>> {
  return queryPage(store, { gsi1pk: "KEYS" }, page, fromItem);
}

/** Revokes a key by id; its token stops working at once. */
export async function revoke(store: Store, clock: Clock, keyId: string): Promise<ApiKey> {
  const res = await guard(() =>
    store.doc.send(
      new QueryCommand({
        TableName: store.table,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk AND gsi1sk = :id",
        ExpressionAttributeValues: { ":pk": "KEYS", ":id": keyId },
      }),
    ),
  );
  const item = res.Items?.[0];
  if (!item) throw notFound("API key");
  const revoked = { ...item, revokedAt: clock.now().toISOString() };
  await guard(() => store.doc.send(new PutCommand({ TableName: store.table, Item: revoked })));
  return fromItem(revoked);
}
