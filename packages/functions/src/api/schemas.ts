import { ROLES } from "@market40/core/auth/keys";
import { MarketInputSchema } from "@market40/core/market/market";
import { STALL_STATUSES } from "@market40/core/stall/stall";
import { z } from "zod";

/** Response shapes for the OpenAPI document. Inputs are validated by core's own schemas. */
export const MarketSchema = MarketInputSchema.extend({
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: "Market" });

export const SessionSchema = z
  .object({ date: z.string(), opensAt: z.string(), closesAt: z.string() })
  .meta({ id: "Session" });

export const StallSchema = z
  .object({
    id: z.string(),
    marketId: z.string(),
    code: z.string(),
    vendorName: z.string(),
    phone: z.string().optional(),
    category: z.string().optional(),
    bank: z.object({
      bin: z.string(),
      accountNumber: z.string(),
      accountName: z.string(),
      bankName: z.string(),
    }),
    status: z.enum(STALL_STATUSES),
    createdAt: z.string(),
    updatedAt: z.string(),
    qrIssuedAt: z.string().nullable(),
  })
  .meta({ id: "Stall" });

export const ApiKeySchema = z
  .object({
    id: z.string(),
    role: z.enum(ROLES),
    marketId: z.string().optional(),
    stallId: z.string().optional(),
    label: z.string().optional(),
    createdAt: z.string(),
    revokedAt: z.string().optional(),
  })
  .meta({ id: "ApiKey" });

export const BankSchema = z
  .object({ bin: z.string(), shortName: z.string(), name: z.string() })
  .meta({ id: "Bank" });
