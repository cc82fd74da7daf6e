import { GetCommand } from "@aws-sdk/lib-dynamodb";
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
