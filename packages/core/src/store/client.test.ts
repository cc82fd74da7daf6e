import {
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { SYSTEM } from "../audit/audit";
import { fixedClock } from "../clock";
import { DomainError, StoreUnavailableError } from "../errors";
import * as Market from "../market/market";
import * as Stall from "../stall/stall";
import { createStore, isUnavailable } from "./client";

const store = createStore({ tableName: "t", endpoint: "http://127.0.0.1:1" });
const ddb = mockClient(DynamoDBDocumentClient);
const clock = fixedClock("2026-11-26T00:00:00Z");
afterEach(() => ddb.reset());
// Unit files share a worker (vitest.config.ts): the client class is given back unstubbed to the next file.
afterAll(() => ddb.restore());

const market = {
  id: "dong-van",
  name: "Chợ phiên Đồng Văn",
  province: "Tuyên Quang",
  commune: "Đồng Văn",
  launchedOn: "2026-01-01",
  schedule: { kind: "weekly" as const, days: [7] },
  hours: { open: "05:00", close: "12:00" },
};
const stall = {
  code: "A-1",
  vendorName: "Mai",
  bank: { bin: "970405", accountNumber: "123", accountName: "MAI" },
};

describe("store error mapping", () => {
  it("turns throttling and transport failures into StoreUnavailableError (503)", async () => {
    ddb
      .on(GetCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: "slow down", $metadata: {} }));
    await expect(Market.get(store, "x")).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(isUnavailable(Object.assign(new Error("connect"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isUnavailable({ name: "X", $metadata: { httpStatusCode: 500 } })).toBe(true);
    expect(isUnavailable({ name: "ValidationException", $metadata: { httpStatusCode: 400 } })).toBe(false);
  });

  it("turns a failed create condition into a 409", async () => {
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: "cancelled",
        $metadata: {},
        CancellationReasons: [{ Code: "ConditionalCheckFailed" }],
      }),
    );
    const err = await Market.create(store, clock, market).catch((e) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err.code).toBe("conflict");
    expect(err.issues).toEqual([{ path: "id", message: expect.stringContaining("already exists") }]);
  });

  it("names the field whose uniqueness guard failed in a cancelled transaction", async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: "cancelled",
        $metadata: {},
        CancellationReasons: [
          { Code: "None" },
          { Code: "None" },
          { Code: "ConditionalCheckFailed" },
          { Code: "None" },
          { Code: "None" },
        ],
      }),
    );
    const err = await Stall.register(store, clock, SYSTEM, "dong-van", stall).catch((e) => e);
    expect(err.code).toBe("conflict");
    expect(err.issues).toEqual([
      { path: "bank.accountNumber", message: expect.stringContaining("already registered") },
    ]);
  });

  it("registerMany sets aside only the stalls whose conditions failed and retries the rest", async () => {
    let calls = 0;
    ddb.on(GetCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(TransactWriteCommand).callsFake((input: { TransactItems: unknown[] }) => {
      calls++;
      if (calls === 1) {
        const reasons = input.TransactItems.map(() => ({ Code: "None" }));
        reasons[6] = { Code: "ConditionalCheckFailed" }; // second stall's code guard (5 items a stall)
        throw new TransactionCanceledException({ message: "c", $metadata: {}, CancellationReasons: reasons });
      }
      expect(input.TransactItems).toHaveLength(10);
      return {};
    });
    const inputs = ["A-1", "A-2", "A-3"].map((code, i) => ({
      ...stall,
      code,
      bank: { ...stall.bank, accountNumber: `${i}` },
    }));
    const results = await Stall.registerMany(store, clock, SYSTEM, "dong-van", inputs);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(calls).toBe(2);
  });
});
