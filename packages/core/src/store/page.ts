import { validationError } from "../errors";

/** One page of a list: `{items, nextCursor?}` (docs/contract.md §2). */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

/** Opaque cursor: the store's last evaluated key, base64url JSON. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key), "utf8").toString("base64url") : undefined;
}

/** Decodes a cursor from `encodeCursor`; anything else is a 400, never a store error. */
export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (value && typeof value === "object" && !Array.isArray(value)) {
      const entries = Object.entries(value);
      if (entries.length > 0 && entries.length <= 6 && entries.every(([, v]) => typeof v === "string"))
        return value;
    }
  } catch {
    // fall through
  }
  throw validationError("Invalid cursor", [{ path: "cursor", message: "Not a cursor this API issued" }]);
}

/** Every item of a paged list, fetching pages of 500 until there is no cursor. */
export async function allPages<T>(fetchPage: (page: PageRequest) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage({ limit: 500, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}
