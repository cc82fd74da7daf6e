import {
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { fixedClock } from "../clock";
import { StoreUnavailableError } from "../errors";
import { createStore } from "../store/client";
import { ingest, payerHash } from "./ingest";
import type { IncomingTransaction } from "./types";

const ddb = mockClient(DynamoDBDocumentClient);
afterEach(() => ddb.reset());
// Unit files share a worker (vitest.config.ts): the client class is given back unstubbed to the next file.
afterAll(() => ddb.restore());
const clock = fixedClock("2026-11-29T00:00:00Z");
const txn: IncomingTransaction = {
  provider: "generic",
  providerTxnId: "FT1",
  bin: "970405",
  accountNumber: "123",
  amount: 1000,
  direction: "in",
  paidAt: "2026-11-29T00:00:00.000Z",
  description: "",
};

const config = { payerKey: "k" };

describe("ingest error paths", () => {
  it("throttling on the write is a 503, never an acknowledgement", async () => {
    const store = createStore({ tableName: "t1", endpoint: "http://127.0.0.1:1" });
    ddb.on(GetCommand).resolves({ Item: { stallId: "s1", marketId: "m1" } });
    ddb
      .on(TransactWriteCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: "slow", $metadata: {} }));
    await expect(ingest({ store, clock, config }, txn)).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it("retries transaction conflicts, then gives up with a 503", async () => {
    const store = createStore({ tableName: "t2", endpoint: "http://127.0.0.1:1" });
    ddb.on(GetCommand).resolves({ Item: { stallId: "s1", marketId: "m1" } });
    const conflict = () =>
      new TransactionCanceledException({
        message: "conflict",
        $metadata: {},
        CancellationReasons: [
          { Code: "None" },
          { Code: "None" },
          { Code: "TransactionConflict" },
          { Code: "None" },
        ],
      });
    ddb.on(TransactWriteCommand).rejects(conflict());
    await expect(ingest({ store, clock, config }, txn)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(ddb.commandCalls(TransactWriteCommand).length).toBe(10);
    ddb.reset();
    ddb.on(GetCommand).resolves({ Item: { stallId: "s1", marketId: "m1" } });
    ddb.on(TransactWriteCommand).rejectsOnce(conflict()).resolves({});
    expect((await ingest({ store, clock, config }, { ...txn, providerTxnId: "FT2" })).status).toBe("stored");
  });

  it("makes one DynamoDB round trip for a new callback once the account is cached", async () => {
    const store = createStore({ tableName: "t3", endpoint: "http://127.0.0.1:1" });
    ddb.on(GetCommand).resolves({ Item: { stallId: "s1", marketId: "m1" } });
    ddb.on(TransactWriteCommand).resolves({});
    expect((await ingest({ store, clock, config }, txn)).storeCalls).toBe(2);
    expect((await ingest({ store, clock, config }, { ...txn, providerTxnId: "FT3" })).storeCalls).toBe(1);
  });
});

describe("payer references", () => {
  it("are HMAC-SHA256 under the platform's key (RFC 4231 test case 2), truncated to 96 bits", () => {
    const rfc4231 = Buffer.from("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", "hex");
    expect(payerHash("Jefe", "what do ya want for nothing?")).toBe(
      rfc4231.toString("base64url").slice(0, 16),
    );
  });

  it("depend on the key, ignore surrounding spaces, and are absent without a payer", () => {
    expect(payerHash("k1", "0123456789")).not.toBe(payerHash("k2", "0123456789"));
    expect(payerHash("k1", " 0123456789 ")).toBe(payerHash("k1", "0123456789"));
    expect(payerHash("k1", "  ")).toBeUndefined();
    expect(payerHash("k1", undefined)).toBeUndefined();
    expect(() => payerHash("", "0123456789")).toThrow(/payerKey/);
  });

  it("are what is stored: the payer's own reference never reaches the table", async () => {
    const store = createStore({ tableName: "t4", endpoint: "http://127.0.0.1:1" });
    ddb.on(GetCommand).resolves({ Item: { stallId: "s1", marketId: "m1" } });
    ddb.on(TransactWriteCommand).resolves({});
    await ingest(
      { store, clock, config: { payerKey: "secret-key" } },
      { ...txn, providerTxnId: "FT4", payer: "9704050011223344" },
    );
    const written = JSON.stringify(ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input);
    expect(written).not.toContain("9704050011223344");
    expect(written).toContain(payerHash("secret-key", "9704050011223344"));
  });
});
