import { z } from "zod";
import {
  addDays,
  assertRangeLength,
  type LocalDate,
  localTimeToUtc,
  monthsBetween,
} from "../calendar/localDate";
import { type Clock, newId } from "../clock";
import type { Store } from "../store/client";
import type { Page, PageRequest } from "../store/page";
import type { WriteItem } from "../store/transact";
import { AuditItem } from "./auditItem";

/**
 * The audit trail (docs/contract.md §10): every change to what money or evaluations depend on writes one entry, in
 * the same DynamoDB transaction as the change, so there is no change without its entry and no entry without its
 * change. Entries are append-only: no route changes or deletes one.
 */

/**
 * Who made a change: a machine's key (never its token), a person and the session they signed in with
 * (docs/contract.md §19; `keyId` is then the person's id), or the platform itself (seed data, the scheduler).
 */
export interface Actor {
  role: string;
  keyId: string;
  personId?: string;
  sessionId?: string;
}

export const SYSTEM: Actor = { role: "system", keyId: "system" };

/** Just who, from a caller that may carry more (a principal's scope and label): what records keep. */
export const actorOf = (who: Actor): Actor => ({
  role: who.role,
  keyId: who.keyId,
  ...(who.personId ? { personId: who.personId } : {}),
  ...(who.sessionId ? { sessionId: who.sessionId } : {}),
});

export const AUDIT_ACTIONS = [
  "stall.created",
  "stall.changed",
  "market.created",
  "market.changed",
  "incident.created",
  "incident.changed",
  "key.created",
  "key.revoked",
  "payment.assigned",
  "evaluation.run",
  "stall.qrHandedOver",
  "invitation.created",
  "invitation.accepted",
  "heartbeats.received",
  "statement.ingested",
  "invitation.cancelled",
  "market.boardAccountChanged",
  "market.feeScheduleChanged",
  "person.created",
  "person.suspended",
  "passkey.registered",
  "statement.mappingChanged",
  "person.sessionsEnded",
  "bill.paidCash",
  "bill.waived",
  "bill.paymentAssigned",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AuditEntrySchema = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.object({
      role: z.string(),
      keyId: z.string().meta({ description: "The machine key's id, or the person's id when a person acted" }),
      personId: z.string().optional().meta({ description: "The person who acted, signed in (§19)" }),
      sessionId: z.string().optional().meta({ description: "The session the person acted in" }),
    }),
    action: z.enum(AUDIT_ACTIONS),
    entity: z.object({ kind: z.string(), id: z.string() }),
    marketId: z.string().nullable(),
    /** The changed fields before the change (absent for a creation); account numbers and phones masked. */
    before: z.record(z.string(), z.unknown()).optional(),
    /** The changed fields after the change; account numbers and phones masked. */
    after: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: "AuditEntry" });
export type AuditEntry = z.output<typeof AuditEntrySchema>;

/** Keeps the last four characters: `*******6789`. Audit entries never hold a full account or phone number. */
function maskTail(value: string): string {
  return value.length <= 4 ? "*".repeat(value.length) : "*".repeat(value.length - 4) + value.slice(-4);
}

const SENSITIVE = new Set(["accountNumber", "phone"]);

function maskDeep(value: unknown, key = ""): unknown {
  if (typeof value === "string" && SENSITIVE.has(key)) return maskTail(value);
  if (Array.isArray(value)) return value.map((v) => maskDeep(v));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, k)]));
  return value;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The fields that differ between two versions of a thing, as `before`/`after` holding only those fields (masked).
 * `fields` limits what is compared (bookkeeping like `updatedAt` is left out).
 */
export function diff<T extends object>(
  before: T | undefined,
  after: T,
  fields: (keyof T)[],
): { before?: Record<string, unknown>; after: Record<string, unknown> } | null {
  const changed = fields.filter((f) => !before || !same(before[f], after[f]));
  if (changed.length === 0) return null;
  const pick = (v: T) =>
    maskDeep(Object.fromEntries(changed.map((f) => [f as string, v[f] ?? null]))) as Record<string, unknown>;
  return before ? { before: pick(before), after: pick(after) } : { after: pick(after) };
}

/** The write that records a change; goes into the same transaction as the change. */
export function entry(
  store: Store,
  clock: Clock,
  fields: {
    /** A fresh id unless the change's other records must name the entry beforehand (an assignment's arrival). */
    id?: string;
    actor: Actor;
    action: AuditAction;
    entity: { kind: string; id: string };
    marketId: string | null;
    before?: Record<string, unknown>;
    after?: Record<string, unknown>;
  },
): WriteItem {
  return AuditItem.create(store, {
    at: clock.now().toISOString(),
    ...fields,
    // Whatever the caller passed (often the whole principal), the entry keeps who acted and nothing more.
    actor: actorOf(fields.actor),
    id: fields.id ?? newId(clock),
    ...(fields.before ? { before: maskDeep(fields.before) as Record<string, unknown> } : {}),
    ...(fields.after ? { after: maskDeep(fields.after) as Record<string, unknown> } : {}),
  });
}

/**
 * An entry that tallies what a run stored (a statement's ingestion): each payment's own transaction adds itself to
 * the entry's `after.count` and `after.total` (creating the entry with the first), so the entry always says exactly
 * what the run stored. `runEntryId` is fixed for the run; `at` is the run's start.
 */
export function tally(
  store: Store,
  run: {
    id: string;
    at: string;
    actor: Actor;
    action: AuditAction;
    entity: { kind: string; id: string };
    marketId: string | null;
    after: Record<string, unknown>;
  },
  add: { count: number; amount: number },
): WriteItem {
  return AuditItem.tally(
    store,
    { ...run, actor: actorOf(run.actor), after: maskDeep(run.after) as Record<string, unknown> },
    add,
  );
}

function bounds(from: LocalDate, to: LocalDate) {
  assertRangeLength(from, to, "An audit range");
  return {
    lo: localTimeToUtc(from, "00:00").toISOString(),
    hi: localTimeToUtc(addDays(to, 1), "00:00").toISOString(),
  };
}

/**
 * A market's entries (or, with `null`, every market's — only `markets`' when given, for a province's liaison) in a
 * local date range, newest first. A filtered page may come back short, with a cursor.
 */
export async function list(
  store: Store,
  marketId: string | null,
  range: { from: LocalDate; to: LocalDate },
  page: PageRequest,
  markets?: Set<string>,
): Promise<Page<AuditEntry>> {
  const b = bounds(range.from, range.to);
  if (marketId) return AuditItem.byMarket(store, marketId, b, page);
  // Entries are filed by their UTC month; a local range can reach into the UTC month before it.
  const months = monthsBetween(addDays(range.from, -1), range.to);
  const listed = await AuditItem.byMonth(store, months, b, page);
  return markets
    ? { ...listed, items: listed.items.filter((e) => e.marketId && markets.has(e.marketId)) }
    : listed;
}

/** A stall's entries, oldest first. */
export function ofStall(store: Store, stallId: string, page: PageRequest): Promise<Page<AuditEntry>> {
  return AuditItem.byStall(store, stallId, page);
}

/**
 * Who a stall's vendor is and where its money goes: what a province's liaison, who checks evaluation inputs, has no
 * need to read (docs/contract.md §2, §15). Their values read `***` in the liaison's copy of an entry.
 */
const VENDOR_FIELDS = new Set([
  "vendorName",
  "accountName",
  "bank",
  "bankName",
  "bin",
  "accountNumber",
  "phone",
]);

function redactDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactDeep);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, VENDOR_FIELDS.has(k) && v !== null ? "***" : redactDeep(v)]),
    );
  return value;
}

/** Entries as `role` may read them: a liaison's without vendor or account-holder names, banks or digits. */
export function asReadBy<T extends { items: AuditEntry[] }>(role: string, page: T): T {
  if (role !== "liaison") return page;
  return {
    ...page,
    items: page.items.map((e) => ({
      ...e,
      ...(e.before ? { before: redactDeep(e.before) as Record<string, unknown> } : {}),
      ...(e.after ? { after: redactDeep(e.after) as Record<string, unknown> } : {}),
    })),
  };
}
