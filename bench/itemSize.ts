/**
 * An item's size as DynamoDB bills it (the published rules, approximated): each attribute's name in UTF-8 bytes
 * plus its value — strings in UTF-8 bytes, numbers about one byte per two significant digits plus one, sets the
 * sum of their members, maps and lists 3 bytes plus their members and one byte each.
 */
export function itemSize(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueSize(value);
  return size;
}

function numberSize(n: number): number {
  const digits =
    String(Math.abs(n))
      .replace(/[.-]|e.*$/g, "")
      .replace(/^0+|0+$/g, "").length || 1;
  return Math.min(21, Math.ceil(digits / 2) + 1);
}

function valueSize(value: unknown): number {
  if (typeof value === "string") return Buffer.byteLength(value);
  if (typeof value === "number") return numberSize(value);
  if (typeof value === "boolean" || value === null || value === undefined) return 1;
  if (value instanceof Set) {
    let sum = 0;
    for (const v of value) sum += valueSize(v);
    return sum;
  }
  if (value instanceof Uint8Array) return value.length;
  if (Array.isArray(value)) return 3 + value.reduce((s: number, v) => s + 1 + valueSize(v), 0);
  if (typeof value === "object")
    return 3 + Object.entries(value).reduce((s, [k, v]) => s + 1 + Buffer.byteLength(k) + valueSize(v), 0);
  return 0;
}

/** Write units for writing an item of `bytes`: one per started KB (transactional writes cost twice that). */
export const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
