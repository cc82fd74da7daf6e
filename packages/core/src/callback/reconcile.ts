import { BatchGetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import { localDateOf, localDateTimeToUtc } from "../calendar/localDate";
import { readCsv } from "../csv";
import { accountKey, findByAccount, mask } from "../stall/stall";
import { guard } from "../store/client";
import { Keys } from "../store/keys";
import { allPages } from "../store/page";
import { type IngestDeps, ingest } from "./ingest";
import { listForStall } from "./transactions";
import type { IncomingTransaction, Provider } from "./types";

export const STATEMENT_COLUMNS = ["id", "paidAt", "accountNumber", "amount", "description"] as const;
export const MAX_STATEMENT_ROWS = 20_000;

const RowSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, "1 to 64 letters, digits or . _ : -"),
  paidAt: z.string().min(1),
  accountNumber: z.string().regex(/^[0-9A-Za-z]{1,19}$/, "1 to 19 letters or digits"),
  amount: z.string().regex(/^-?\d{1,13}$/, "a whole number of VND"),
  description: z.string().max(500),
  bin: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
});

interface StatementRow {
  line: number;
  txn: IncomingTransaction;
}

export interface ReconciliationReport {
  provider: Provider;
  rows: number;
  from: string | null;
  to: string | null;
  /** Statement rows the platform already has. */
  matched: number;
  /** Statement rows the platform never received (ingested now when asked). */
  missing: { line: number; id: string; amount: number; paidAt: string; accountNumber: string }[];
  /** Transactions the platform has, for the statement's accounts and dates, that the statement lacks. */
  extra: { id: string; amount: number; paidAt: string; stallId: string | null }[];
  ingested: number;
  errors: { line: number; message: string }[];
}

function parseStatement(
  provider: Provider,
  body: Uint8Array,
): { rows: StatementRow[]; errors: ReconciliationReport["errors"] } {
  const csv = readCsv(body, STATEMENT_COLUMNS, MAX_STATEMENT_ROWS, "statement");
  const rows: StatementRow[] = [];
  const errors: ReconciliationReport["errors"] = [];
  for (const { cells, line } of csv.rows) {
    const raw: Record<string, string | undefined> = { ...cells };
    if (!raw.bin) delete raw.bin;
    const parsed = RowSchema.safeParse(raw);
    if (!parsed.success) {
      errors.push({
        line: line,
        message: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
      });
      continue;
    }
    const r = parsed.data;
    const paidAt =
      /[zZ]|[+-]\d{2}:\d{2}$/.test(r.paidAt) && !Number.isNaN(Date.parse(r.paidAt))
        ? new Date(r.paidAt).toISOString()
        : localDateTimeToUtc(r.paidAt);
    if (!paidAt) {
      errors.push({
        line: line,
        message: "paidAt: expected ISO 8601 with an offset, or local YYYY-MM-DD HH:mm:ss",
      });
      continue;
    }
    const amount = Number(r.amount);
    if (amount <= 0) continue; // statements list money out too; only money in is reconciled
    rows.push({
      line: line,
      txn: {
        provider,
        providerTxnId: r.id,
        ...(r.bin ? { bin: r.bin } : {}),
        accountNumber: r.accountNumber,
        amount,
        direction: "in",
        paidAt,
        description: r.description,
      },
    });
  }
  return { rows, errors };
}

/**
 * Compares a provider's statement (CSV `id,paidAt,accountNumber,amount,description[,bin]`) with what the platform
 * stored: which rows it never received, and which of its transactions the statement lacks. With `ingestMissing`,
 * the missing rows go through the same exactly-once path as callbacks, so running it twice changes nothing.
 */
export async function reconcile(
  deps: IngestDeps,
  provider: Provider,
  body: Uint8Array,
  options: { ingestMissing: boolean },
): Promise<ReconciliationReport> {
  const { store } = deps;
  const { rows, errors } = parseStatement(provider, body);
  const dates = rows.map((r) => localDateOf(r.txn.paidAt)).sort();
  const report: ReconciliationReport = {
    provider,
    rows: rows.length,
    from: dates[0] ?? null,
    to: dates.at(-1) ?? null,
    matched: 0,
    missing: [],
    extra: [],
    ingested: 0,
    errors,
  };

  const known = new Set<string>();
  for (let i = 0; i < rows.length; i += 100) {
    const keys = rows.slice(i, i + 100).map((r) => Keys.transaction(provider, r.txn.providerTxnId));
    let request:
      | Record<string, { Keys: Record<string, unknown>[]; ProjectionExpression?: string }>
      | undefined = {
      [store.table]: { Keys: keys, ProjectionExpression: "id" },
    };
    while (request && Object.keys(request).length > 0) {
      const res = await guard(() => store.doc.send(new BatchGetCommand({ RequestItems: request })));
      for (const item of res.Responses?.[store.table] ?? []) known.add(String(item.id));
      request = res.UnprocessedKeys as typeof request;
    }
  }
  for (const row of rows) {
    if (known.has(row.txn.providerTxnId)) {
      report.matched++;
      continue;
    }
    report.missing.push({
      line: row.line,
      id: row.txn.providerTxnId,
      amount: row.txn.amount,
      paidAt: row.txn.paidAt,
      accountNumber: mask(row.txn.accountNumber),
    });
    if (options.ingestMissing) {
      const result = await ingest(deps, row.txn, "statement");
      if (result.status === "stored" || result.status === "unmatched") report.ingested++;
    }
  }

  if (report.from && report.to) {
    const inStatement = new Set(rows.map((r) => r.txn.providerTxnId));
    const accounts = new Map(
      rows.map((r) => [`${r.txn.bin ?? ""}|${accountKey(r.txn.accountNumber)}`, r.txn]),
    );
    for (const txn of accounts.values()) {
      const owner = await findByAccount(store, txn.accountNumber, txn.bin);
      if (owner) {
        const stored = await allPages((page) =>
          listForStall(store, owner.stallId, { from: report.from!, to: report.to! }, page),
        );
        for (const t of stored)
          if (t.provider === provider && !inStatement.has(t.id))
            report.extra.push({ id: t.id, amount: t.amount, paidAt: t.paidAt, stallId: t.stallId });
      }
      const refs = await guard(() =>
        store.doc.send(
          new QueryCommand({
            TableName: store.table,
            KeyConditionExpression: "pk = :pk AND begins_with(sk, :provider)",
            ExpressionAttributeValues: {
              ":pk": Keys.unmatchedByAccountPk(accountKey(txn.accountNumber)),
              ":provider": `${provider}#`,
            },
          }),
        ),
      );
      for (const ref of refs.Items ?? [])
        if (
          !inStatement.has(String(ref.id)) &&
          ref.paidAt &&
          localDateOf(String(ref.paidAt)) >= report.from &&
          localDateOf(String(ref.paidAt)) <= report.to
        )
          report.extra.push({
            id: String(ref.id),
            amount: Number(ref.amount ?? 0),
            paidAt: String(ref.paidAt ?? ""),
            stallId: null,
          });
    }
  }
  return report;
}
