import { createHash } from "node:crypto";
import { z } from "zod";
import type { Actor } from "../audit/audit";
import * as Audit from "../audit/audit";
import { localDateOf, localDateTimeToUtc } from "../calendar/localDate";
import { newId } from "../clock";
import { readCsv } from "../csv";
import { accountKey } from "../stall/accountItem";
import { findByAccount, get as getStall, mask } from "../stall/stall";
import { allPages } from "../store/page";
import { commit } from "../store/transact";
import { BankRefItem } from "./bankRefItem";
import { type IngestDeps, ingest, type Provenance } from "./ingest";
import { TransactionItem } from "./transactionItem";
import { listForStall } from "./transactions";
import { type IncomingTransaction, PROVIDERS, type Provider } from "./types";

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
  reference: z
    .string()
    .regex(/^[A-Za-z0-9._:/-]{1,64}$/, "1 to 64 letters, digits or . _ : / -")
    .optional(),
});

/**
 * One money-in row of a provider's statement, normalised: its line in the file (for error messages) and the
 * transaction as `ingest` takes it. Every statement format (this CSV, and any provider's export file) is parsed
 * into these and handed to `reconcileStatement`.
 */
export interface StatementRow {
  line: number;
  txn: IncomingTransaction;
}

/** A parsed statement: whose it is, the SHA-256 of the file as uploaded (hex), its rows and its bad lines. */
export interface Statement {
  provider: Provider;
  hash: string;
  rows: StatementRow[];
  errors: { line: number; message: string }[];
  /**
   * How a row is found among stored payments: by the provider's id (a provider's statement), or — for a bank's own
   * statement, whose rows carry only the bank's reference — through the bank-reference guard.
   */
  matchBy?: "providerId" | "bankRef";
}

/** The SHA-256 (hex) of a statement file as uploaded: what its audit entry names it by. */
export const statementHash = (body: Uint8Array) => createHash("sha256").update(body).digest("hex");

/** What a statement reconciliation found (admin). */
export const ReconciliationReportSchema = z
  .object({
    provider: z.enum(PROVIDERS),
    rows: z.number(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    matched: z.number(),
    missing: z.array(
      z.object({
        line: z.number(),
        id: z.string(),
        amount: z.number(),
        paidAt: z.string(),
        accountNumber: z.string(),
      }),
    ),
    extra: z.array(
      z.object({
        id: z.string(),
        amount: z.number(),
        paidAt: z.string(),
        stallId: z.string().nullable(),
        /** The stall's code as its market knows it (what a person reads), or null. */
        stallCode: z.string().nullable(),
      }),
    ),
    ingested: z.number(),
    /** The SHA-256 (hex) of the file as uploaded: the statement's name in the audit. */
    hash: z.string(),
    /** The audit entry of an ingesting run (`statement.ingested`), or null for a dry run. */
    auditId: z.string().nullable(),
    errors: z.array(z.object({ line: z.number(), message: z.string() })),
  })
  .meta({ id: "Reconciliation" });
export type ReconciliationReport = z.output<typeof ReconciliationReportSchema>;

/** Parses market40's own statement CSV (`STATEMENT_COLUMNS`, optional `bin`). */
export function parseStatementCsv(provider: Provider, body: Uint8Array): Statement {
  const csv = readCsv(body, STATEMENT_COLUMNS, MAX_STATEMENT_ROWS, "statement");
  const rows: StatementRow[] = [];
  const errors: ReconciliationReport["errors"] = [];
  for (const { cells, line } of csv.rows) {
    const raw: Record<string, string | undefined> = { ...cells };
    if (!raw.bin) delete raw.bin;
    if (!raw.reference) delete raw.reference;
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
        ...(r.reference ? { bankRef: r.reference } : {}),
      },
    });
  }
  return { provider, hash: statementHash(body), rows, errors };
}

/**
 * Compares a provider's statement (CSV `id,paidAt,accountNumber,amount,description[,bin]`) with what the platform
 * stored; see `reconcileStatement`.
 */
export function reconcile(
  deps: IngestDeps,
  actor: Actor,
  provider: Provider,
  body: Uint8Array,
  options: { ingestMissing: boolean },
): Promise<ReconciliationReport> {
  return reconcileStatement(deps, actor, parseStatementCsv(provider, body), options);
}

/**
 * Compares a parsed statement with what the platform stored: which rows it never received, and which of its
 * transactions the statement lacks. With `ingestMissing`, the missing rows go through the same exactly-once path as
 * callbacks (`source: "statement"`, by the admin), so running it twice changes nothing; the run writes one audit
 * entry (`statement.ingested`: provider, the file's hash, count and total stored), tallied inside each payment's
 * own transaction — or alone, with count 0, when it stored none.
 */
export async function reconcileStatement(
  deps: IngestDeps,
  actor: Actor,
  statement: Statement,
  options: { ingestMissing: boolean },
): Promise<ReconciliationReport> {
  const { store, clock } = deps;
  const { provider, rows, errors } = statement;
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
    hash: statement.hash,
    auditId: null,
    errors,
  };
  const run = {
    id: newId(clock),
    at: clock.now().toISOString(),
    actor,
    action: "statement.ingested" as const,
    entity: { kind: "statement", id: `${provider}:${statement.hash}` },
    marketId: null,
    after: { provider, hash: statement.hash, rows: rows.length },
  };
  const provenance: Provenance = {
    source: "statement",
    by: Audit.actorOf(actor),
    audit: run.id,
    also: (txn) => [Audit.tally(store, run, { count: 1, amount: txn.amount })],
  };

  // The stored payment each row is, by its id: the provider's own, or the one holding the bank's reference.
  const storedIds = new Set<string>();
  const matches = new Set<StatementRow>();
  if (statement.matchBy === "bankRef") {
    for (const row of rows) {
      const { bin, accountNumber, bankRef, amount } = row.txn;
      const holder =
        bin && bankRef
          ? await BankRefItem.holder(store, { bin, accountNumber, reference: bankRef, amount })
          : undefined;
      if (holder?.provider === provider) {
        matches.add(row);
        storedIds.add(holder.id);
      }
    }
  } else {
    const known = await TransactionItem.existing(
      store,
      provider,
      rows.map((r) => r.txn.providerTxnId),
    );
    for (const row of rows) if (known.has(row.txn.providerTxnId)) matches.add(row);
    for (const row of rows) storedIds.add(row.txn.providerTxnId);
  }
  for (const row of rows) {
    if (matches.has(row)) {
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
      const result = await ingest(deps, row.txn, provenance);
      if (result.status === "stored" || result.status === "unmatched") report.ingested++;
    }
  }
  if (options.ingestMissing) {
    report.auditId = run.id;
    // A run that stored nothing still says so: who uploaded which statement, and that it changed no money.
    if (report.ingested === 0) await commit(store, [Audit.tally(store, run, { count: 0, amount: 0 })]);
  }

  if (report.from && report.to) {
    const inStatement = storedIds;
    const accounts = new Map(
      rows.map((r) => [`${r.txn.bin ?? ""}|${accountKey(r.txn.accountNumber)}`, r.txn]),
    );
    for (const txn of accounts.values()) {
      const owner = await findByAccount(store, txn.accountNumber, txn.bin);
      if (owner) {
        const stallCode = (await getStall(store, owner.stallId)).code;
        const stored = await allPages((page) =>
          listForStall(store, owner.stallId, { from: report.from!, to: report.to! }, page),
        );
        for (const t of stored)
          if (t.provider === provider && !inStatement.has(t.id))
            report.extra.push({
              id: t.id,
              amount: t.amount,
              paidAt: t.paidAt,
              stallId: t.stallId,
              stallCode,
            });
      }
      const refs = await TransactionItem.refsByAccount(store, txn.accountNumber, provider);
      for (const ref of refs)
        if (
          !inStatement.has(ref.id) &&
          ref.paidAt &&
          localDateOf(ref.paidAt) >= report.from &&
          localDateOf(ref.paidAt) <= report.to
        )
          report.extra.push({
            id: ref.id,
            amount: ref.amount ?? 0,
            paidAt: ref.paidAt,
            stallId: null,
            stallCode: null,
          });
    }
  }
  return report;
}
