import { GetParametersCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { readBindings } from "./bindings";

const ssm = mockClient(SSMClient);
beforeEach(() => ssm.reset());
// Unit files share a worker (vitest.config.ts): the client class is given back unstubbed to the next file.
afterAll(() => ssm.restore());

/** What `sst deploy` sets on a function bound to the table, a queue and two secrets of stage `prod`. */
const env = {
  SST_APP: "market40",
  SST_STAGE: "prod",
  SST_REGION: "ap-southeast-1",
  SST_SSM_PREFIX: "/sst/market40/prod/",
  SST_Table_tableName_Table: "prod-market40-Table",
  SST_Queue_queueUrl_EvaluationQueue: "https://sqs.example/q",
  SST_Secret_value_PAYER_HASH_KEY: "__FETCH_FROM_SSM__",
  SST_Secret_value_SEPAY_API_KEY: "__FETCH_FROM_SSM__",
  PATH: "/usr/bin",
};

describe("SST's bindings, read without sst/node", () => {
  it("takes inline values as they are and fetches each secret from the stage's path, decrypted", async () => {
    ssm.on(GetParametersCommand).resolves({
      Parameters: [
        { Name: "/sst/market40/prod/Secret/PAYER_HASH_KEY/value", Value: "k1" },
        { Name: "/sst/market40/prod/Secret/SEPAY_API_KEY/value", Value: "k2" },
      ],
    });
    const b = await readBindings(env, new SSMClient({}));
    expect(b.Table?.Table?.tableName).toBe("prod-market40-Table");
    expect(b.Queue?.EvaluationQueue?.queueUrl).toBe("https://sqs.example/q");
    expect(b.Secret?.PAYER_HASH_KEY?.value).toBe("k1");
    expect(b.Secret?.SEPAY_API_KEY?.value).toBe("k2");
    const call = ssm.commandCalls(GetParametersCommand)[0]!.args[0].input;
    expect(call.WithDecryption).toBe(true);
    expect([...(call.Names ?? [])].sort()).toEqual([
      "/sst/market40/prod/Secret/PAYER_HASH_KEY/value",
      "/sst/market40/prod/Secret/SEPAY_API_KEY/value",
    ]);
  });

  it("reads a secret missing from the stage at the app's fallback path", async () => {
    ssm
      .on(GetParametersCommand)
      .resolvesOnce({
        Parameters: [{ Name: "/sst/market40/prod/Secret/PAYER_HASH_KEY/value", Value: "k1" }],
        InvalidParameters: ["/sst/market40/prod/Secret/SEPAY_API_KEY/value"],
      })
      .resolvesOnce({
        Parameters: [{ Name: "/sst/market40/.fallback/Secret/SEPAY_API_KEY/value", Value: "fb" }],
      });
    const b = await readBindings(env, new SSMClient({}));
    expect(b.Secret?.SEPAY_API_KEY?.value).toBe("fb");
  });

  it("names the unset secret, the parameters, the stage and what to run", async () => {
    ssm
      .on(GetParametersCommand)
      .resolves({ InvalidParameters: ["/sst/market40/prod/Secret/SEPAY_API_KEY/value"] });
    ssm
      .on(GetParametersCommand, { Names: ["/sst/market40/.fallback/Secret/SEPAY_API_KEY/value"] })
      .resolves({ InvalidParameters: ["/sst/market40/.fallback/Secret/SEPAY_API_KEY/value"] });
    const error = await readBindings(env, new SSMClient({})).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('not set in stage "prod": SEPAY_API_KEY');
    expect(message).toContain("/sst/market40/prod/Secret/PAYER_HASH_KEY/value");
    expect(message).toContain("npx sst secrets set <NAME> <value> --stage prod");
  });

  it("keeps the SDK's error as the cause when SSM cannot be reached", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), { name: "Error" });
    ssm.on(GetParametersCommand).rejects(refused);
    const error = (await readBindings(env, new SSMClient({})).catch((e: Error) => e)) as Error;
    expect(error.message).toContain('for stage "prod"');
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.cause).toBe(refused);
  });

  it("asks SSM nothing when every value is inline (npm start, the bench)", async () => {
    const b = await readBindings(
      { SST_Table_tableName_Table: "t", SST_Secret_value_X: "v" },
      new SSMClient({}),
    );
    expect(b.Secret?.X?.value).toBe("v");
    expect(ssm.commandCalls(GetParametersCommand)).toHaveLength(0);
  });
});
