import { z } from "zod";
import { mask, PhoneSchema } from "../stall/stall";

/**
 * A person (docs/contract.md §19) — the type and its schemas, apart from the workflows (`people.ts`) and the stored
 * item (`personItem.ts`), which both import them, as do sessions: a leaf, so none of them imports another's module
 * for a type.
 */
export const PERSON_ROLES = ["admin", "manager", "liaison"] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];
export const PERSON_STATUSES = ["active", "suspended"] as const;

export interface Person {
  id: string;
  name: string;
  phone?: string;
  role: PersonRole;
  /** A manager's market. */
  marketId?: string;
  /** A liaison's province, if its reads are limited to one (§15). */
  province?: string;
  status: (typeof PERSON_STATUSES)[number];
  createdAt: string;
  /** Who created them: a key id or, once people sign in, a person's id. */
  createdBy: string;
  suspendedAt?: string;
  suspendedBy?: string;
}

/** What POST /api/people takes. */
export const PersonInputSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    phone: PhoneSchema.optional(),
    role: z.enum(PERSON_ROLES),
    marketId: z.string().max(40).optional(),
    province: z.string().trim().min(1).max(80).optional(),
  })
  .meta({ id: "PersonInput" });

/** A person as the API shows them; in lists the phone is masked. */
export const PersonSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    phone: z.string().optional(),
    role: z.enum(PERSON_ROLES),
    marketId: z.string().optional(),
    province: z.string().optional(),
    status: z.enum(PERSON_STATUSES),
    createdAt: z.string(),
    createdBy: z.string(),
    suspendedAt: z.string().optional(),
    suspendedBy: z.string().optional(),
  })
  .meta({ id: "Person" });

/** As lists show a person: the phone masked. */
export const listed = (p: Person): Person => (p.phone ? { ...p, phone: mask(p.phone) } : p);
