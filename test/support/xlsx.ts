import { inflateRawSync } from "node:zlib";
import { XMLParser } from "fast-xml-parser";

/**
 * An xlsx reader that shares nothing with ExcelJS: the zip's central directory read by hand, entries inflated with
 * node:zlib, the sheet XML parsed with fast-xml-parser. It gives each cell's value (number or text, as stored) and
 * its number format (built-in ids resolved), each sheet's frozen pane, and the sheet names in order.
 */
export interface XlsxCell {
  value: string | number | boolean | null;
  /** The cell's number format code (`0.00%`, `#,##0`, …); `General` when none. */
  format: string;
  /** How the value is stored: `n` number, `s`/`str`/`inlineStr` text, `b` boolean. */
  type: string;
}

export interface XlsxSheet {
  name: string;
  /** Rows from the first, each a dense array of cells (missing cells as empty). */
  rows: XlsxCell[][];
  frozen: { xSplit: number; ySplit: number } | null;
}

function unzip(zip: Uint8Array): Map<string, Buffer> {
  const buf = Buffer.from(zip);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error("not a zip: no end of central directory");
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error("bad central directory entry");
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString("utf8", at + 46, at + 46 + nameLen);
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(dataAt, dataAt + size);
    files.set(name, method === 0 ? Buffer.from(data) : inflateRawSync(data));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

const BUILT_IN: Record<number, string> = {
  0: "General",
  1: "0",
  2: "0.00",
  3: "#,##0",
  4: "#,##0.00",
  9: "0%",
  10: "0.00%",
};

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  textNodeName: "#text",
  parseTagValue: false,
  parseAttributeValue: false,
});
const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
// biome-ignore lint/suspicious/noExplicitAny: parsed XML is untyped
type Node = any;

function textOf(node: Node): string {
  if (node === undefined || node === null) return "";
  if (typeof node !== "object") return String(node);
  if ("#text" in node) return String(node["#text"]);
  if ("t" in node) return textOf(node.t);
  return list(node.r)
    .map((r: Node) => textOf(r.t))
    .join("");
}

function columnIndex(ref: string): number {
  let n = 0;
  for (const ch of /^[A-Z]+/.exec(ref)![0]) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** Reads every sheet of a workbook. */
export function readXlsx(bytes: Uint8Array): XlsxSheet[] {
  const files = unzip(bytes);
  const xml = (name: string) => {
    const f = files.get(name);
    if (!f) throw new Error(`missing ${name}`);
    return parser.parse(f.toString("utf8"));
  };
  const shared = files.has("xl/sharedStrings.xml")
    ? list(xml("xl/sharedStrings.xml").sst.si).map(textOf)
    : [];
  const styles = xml("xl/styles.xml").styleSheet;
  const custom = new Map<number, string>(
    list(styles.numFmts?.numFmt).map((f: Node) => [Number(f["@numFmtId"]), String(f["@formatCode"])]),
  );
  const xfs = list(styles.cellXfs?.xf).map((xf: Node) => {
    const id = Number(xf["@numFmtId"] ?? 0);
    return custom.get(id) ?? BUILT_IN[id] ?? `builtin:${id}`;
  });
  const rels = new Map<string, string>(
    list(xml("xl/_rels/workbook.xml.rels").Relationships.Relationship).map((r: Node) => [
      r["@Id"],
      String(r["@Target"]).replace(/^\/?(xl\/)?/, "xl/"),
    ]),
  );
  return list(xml("xl/workbook.xml").workbook.sheets.sheet).map((s: Node) => {
    const sheet = xml(rels.get(s["@r:id"])!).worksheet;
    const pane = list(sheet.sheetViews?.sheetView)[0]?.pane;
    const rows: XlsxCell[][] = [];
    for (const row of list(sheet.sheetData?.row)) {
      const r = Number(row["@r"]) - 1;
      const cells: XlsxCell[] = [];
      for (const c of list(row.c) as Node[]) {
        const type = c["@t"] ?? "n";
        const format = xfs[Number(c["@s"] ?? 0)] ?? "General";
        let value: XlsxCell["value"] = null;
        if (type === "s") value = shared[Number(c.v)] ?? null;
        else if (type === "inlineStr") value = textOf(c.is);
        else if (type === "b") value = String(c.v) === "1";
        else if (type === "str") value = textOf(c.v);
        else if (c.v !== undefined) value = Number(c.v);
        cells[columnIndex(c["@r"])] = { value, format, type };
      }
      rows[r] = Array.from(cells, (x) => x ?? { value: null, format: "General", type: "n" });
    }
    return {
      name: String(s["@name"]),
      rows: Array.from(rows, (x) => x ?? []),
      frozen:
        pane && pane["@state"] === "frozen"
          ? { xSplit: Number(pane["@xSplit"] ?? 0), ySplit: Number(pane["@ySplit"] ?? 0) }
          : null,
    };
  });
}
