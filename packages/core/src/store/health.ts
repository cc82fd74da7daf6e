import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import type { Store } from "./client";

/** True when the table answers a read within `timeoutMs`. */
export async function ping(store: Store, timeoutMs = 2000): Promise<boolean> {
  try {
    await store.doc.send(new GetCommand({ TableName: store.table, Key: { pk: "HEALTH", sk: "HEALTH" } }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
    return true;
  } catch {
    return false;
  }
}

/** `GET /api/health`: liveness and the store's reachability. */
export const HealthSchema = z
  .object({ status: z.enum(["ok", "unavailable"]), store: z.enum(["ok", "unreachable"]), time: z.string() })
  .meta({ id: "Health" });
