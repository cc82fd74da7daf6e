import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { guard, type Store } from "../store/client";
import type { WriteItem } from "../store/transact";

/**
 * How one bank's statement `.xlsx`/CSV names its columns, set once by an admin and remembered (docs/data-model.md):
 *  - by bank ... pk STMTMAP#<bin>  sk STMTMAP
 * Header texts are kept as the admin typed them (as the file names them); they are compared without case, accents,
 * spaces or punctuation.
 */
export interface StatementMapping {
  bin: string;
  /** The bank's reference of a transfer (its transaction number). */
  id: string;
  /** The date and time of the credit, written in `dateFormat`. */
  paidAt: string;
  /** `dd`, `MM`, `yyyy`, `HH`, `mm`, `ss` and separators; a date alone is read as 00:00 Vietnam time. */
  dateFormat: string;
  /** The credit ("Ghi có") amount; an empty or zero cell is money out and is left out. */
  amount: string;
  /** The column holding the receiving account number, or… */
  accountNumber?: string;
  /** …the one account the whole statement is for. */
  fixedAccountNumber?: string;
  description?: string;
  updatedAt: string;
}

const key = (bin: string) => ({ pk: `STMTMAP#${bin}`, sk: "STMTMAP" });

export const StatementMappingItem = {
  put(store: Store, mapping: StatementMapping): WriteItem {
    return {
      Put: {
        TableName: store.table,
        Item: { ...key(mapping.bin), type: "statementMapping", v: 1, ...mapping },
      },
    };
  },
  async get(store: Store, bin: string): Promise<StatementMapping | undefined> {
    const res = await guard(() =>
      store.doc.send(new GetCommand({ TableName: store.table, Key: key(bin), ConsistentRead: true })),
    );
    if (!res.Item) return undefined;
    const { pk: _pk, sk: _sk, type: _type, v: _v, ...mapping } = res.Item;
    return mapping as StatementMapping;
  },
};
