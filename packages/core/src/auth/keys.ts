import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { Actor } from "../audit/audit";
import * as Audit from "../audit/audit";
import { type Clock, newId } from "../clock";
import { notFound, validationError } from "../errors";
import * as Market from "../market/market";
import * as Stall from "../stall/stall";
import type { Store } from "../store/client";
import type { Page, PageRequest } from "../store/page";
import { commit, type WriteItem } from "../store/transact";
import { KeyItem } from "./keyItem";

export const ROLES = ["admin", "manager", "vendor", "liaison", "device"] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who is calling: an API key's identity and scope, or a signed-in person's (docs/contract.md §19) — never a token.
 * `keyId` names who acts in the records a change leaves (`createdBy`, `reportedBy`, the audit's actor): the key's
 * id, or for a person the person's id, so a record outlives the session it was made in.
 */
export interface Principal {
  keyId: string;
  role: Role;
  marketId?: string;
  stallId?: string;
  /** A liaison key scoped to one province (docs/contract.md §15). */
  province?: string;
  label?: string;
  /** A person signed in with a session (§19): who they are (`keyId` is then the same id). */
  personId?: string;
  /** The session a person signed in with: its public id, never its token. */
  sessionId?: string;
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

export interface CreateKeyInput {
  role: Role;
  marketId?: string;
  stallId?: string;
  province?: string;
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
  configuredToken?: string,
  actor: Actor = Audit.SYSTEM,
): Promise<ApiKey & { token: string }> {
  const token = configuredToken ?? newToken();
  if ((input.role === "manager" || input.role === "device") && !input.marketId)
    throw validationError("A manager or device key needs a marketId", [
      { path: "marketId", message: "Required" },
    ]);
  if (input.role === "vendor" && !input.stallId)
    throw validationError("A vendor key needs a stallId", [{ path: "stallId", message: "Required" }]);
  const { key, writes } = creation(store, clock, input, token, actor, configuredToken !== undefined);
  // A configured token whose key was revoked is issued again: the operator set it, so it stands.
  await commit(store, writes, (i) =>
    i === 0 ? { path: "token", message: "This token is already in use" } : null,
  );
  return { ...key, token };
}

/**
 * A new key's writes — the key, then its audit entry — for a workflow that commits them with its own
 * (accepting an invitation). The scope is taken as given: callers have checked it.
 */
export function creation(
  store: Store,
  clock: Clock,
  input: CreateKeyInput,
  token: string,
  actor: Actor | ((keyId: string) => Actor),
  replaceRevoked = false,
): { key: ApiKey; writes: WriteItem[] } {
  const key: ApiKey = {
    keyId: newId(clock),
    role: input.role,
    ...(input.role === "manager" || input.role === "device" ? { marketId: input.marketId } : {}),
    ...(input.role === "vendor" ? { stallId: input.stallId, marketId: input.marketId } : {}),
    ...(input.role === "liaison" && input.province ? { province: input.province } : {}),
    ...(input.label ? { label: input.label } : {}),
    createdAt: clock.now().toISOString(),
  };
  return {
    key,
    writes: [
      KeyItem.create(store, key, hashToken(token), replaceRevoked),
      Audit.entry(store, clock, {
        // A key its own holder makes (accepting an invitation) is recorded under its own id.
        actor: typeof actor === "function" ? actor(key.keyId) : actor,
        action: "key.created",
        entity: { kind: "key", id: key.keyId },
        marketId: key.marketId ?? null,
        after: present(key),
      }),
    ],
  };
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
export function findByToken(store: Store, token: string): Promise<ApiKey | undefined> {
  return KeyItem.byTokenHash(store, hashToken(token));
}

export function list(store: Store, page: PageRequest): Promise<Page<ApiKey>> {
  return KeyItem.all(store, page);
}

/** A key by its id, or undefined. */
export async function find(store: Store, keyId: string): Promise<ApiKey | undefined> {
  return (await KeyItem.byId(store, keyId))?.apiKey;
}

/**
 * The transaction item that holds a commit to the key still being live, or `undefined` when it is revoked or
 * unknown (an invitation whose maker's key was revoked is void: docs/contract.md §13).
 */
export async function stillLive(store: Store, keyId: string): Promise<WriteItem | undefined> {
  const found = await KeyItem.byId(store, keyId);
  if (!found || found.apiKey.revokedAt) return undefined;
  return KeyItem.stillLive(store, found.ref);
}

/** A stall's vendor keys (for its manager to see and revoke). */
export function listForStall(store: Store, stallId: string): Promise<ApiKey[]> {
  return KeyItem.byStall(store, stallId);
}

/** Revokes a key by id; its token stops working at once. */
export async function revoke(store: Store, clock: Clock, actor: Actor, keyId: string): Promise<ApiKey> {
  const found = await KeyItem.byId(store, keyId);
  if (!found) throw notFound("API key");
  if (found.apiKey.revokedAt) return found.apiKey;
  const revokedAt = clock.now().toISOString();
  await commit(store, [
    KeyItem.revoke(store, found.ref, revokedAt),
    Audit.entry(store, clock, {
      actor,
      action: "key.revoked",
      entity: { kind: "key", id: keyId },
      marketId: found.apiKey.marketId ?? null,
      before: { revokedAt: null },
      after: { revokedAt },
    }),
  ]);
  return { ...found.apiKey, revokedAt };
}

/** What an admin asks for when issuing a key (POST /api/keys). */
export const KeyRequestSchema = z
  .strictObject({
    role: z.enum(ROLES),
    marketId: z.string().max(40).optional(),
    stallId: z.string().max(64).optional(),
    /** A liaison key's province: it then reads only that province's markets, evaluations and audit (§15). */
    province: z.string().trim().min(1).max(80).optional(),
    label: z.string().trim().max(100).optional(),
  })
  .meta({ id: "CreateApiKey" });

/**
 * Issues a key scoped as its role requires: a manager or device key to a market that exists, a vendor key to a
 * stall that exists (and to that stall's market). A scope that names nothing real is a `400`, so no key is ever
 * made that reaches nothing or the wrong thing.
 */
export async function issue(
  store: Store,
  clock: Clock,
  actor: Actor,
  input: z.input<typeof KeyRequestSchema>,
): Promise<ApiKey & { token: string }> {
  const request = KeyRequestSchema.parse(input);
  if (request.province !== undefined && request.role !== "liaison")
    throw validationError("Only a liaison key is scoped to a province", [
      { path: "province", message: "Only for role liaison" },
    ]);
  let marketId = request.marketId;
  if (request.role === "manager" || request.role === "device") {
    if (!marketId)
      throw validationError("A manager or device key needs a marketId", [
        { path: "marketId", message: "Required" },
      ]);
    if (!(await Market.find(store, marketId)))
      throw validationError("No such market", [{ path: "marketId", message: "Unknown market" }]);
  }
  if (request.role === "vendor") {
    if (!request.stallId)
      throw validationError("A vendor key needs a stallId", [{ path: "stallId", message: "Required" }]);
    const stall = await Stall.find(store, request.stallId);
    if (!stall) throw validationError("No such stall", [{ path: "stallId", message: "Unknown stall" }]);
    marketId = stall.marketId;
  }
  return create(store, clock, { ...request, marketId }, undefined, actor);
}

/** A key as the API shows it: `id`, never the token or its hash. */
export const ApiKeySchema = z
  .object({
    id: z.string(),
    role: z.enum(ROLES),
    marketId: z.string().optional(),
    stallId: z.string().optional(),
    province: z.string().optional(),
    label: z.string().optional(),
    createdAt: z.string(),
    revokedAt: z.string().optional(),
  })
  .meta({ id: "ApiKey" });

export function present({ keyId, ...rest }: ApiKey): z.output<typeof ApiKeySchema> {
  return { id: keyId, ...rest };
}
