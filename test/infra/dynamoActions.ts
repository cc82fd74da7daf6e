import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { sstBuildOptions } from "@market40/devkit/lambdaBundle";
import { build } from "esbuild";
import { FUNCTION_DEFAULTS } from "../../stacks/defaults";

const ROOT = resolve(import.meta.dirname, "../..");

/** What each DynamoDB document-client command (and each kind of transaction item) needs from IAM. */
const COMMAND_ACTIONS: [RegExp, string][] = [
  [/new GetCommand\b/, "dynamodb:GetItem"],
  [/new QueryCommand\b/, "dynamodb:Query"],
  [/new ScanCommand\b/, "dynamodb:Scan"],
  [/new PutCommand\b/, "dynamodb:PutItem"],
  [/new UpdateCommand\b/, "dynamodb:UpdateItem"],
  [/new DeleteCommand\b/, "dynamodb:DeleteItem"],
  [/new BatchGetCommand\b/, "dynamodb:BatchGetItem"],
  [/new BatchWriteCommand\b/, "dynamodb:BatchWriteItem"],
  [/new TransactGetCommand\b/, "dynamodb:GetItem"],
  // TransactWriteItems is authorised item by item: Put, Update, Delete, ConditionCheck (below).
  [/\bPut: \{/, "dynamodb:PutItem"],
  [/\bUpdate: \{/, "dynamodb:UpdateItem"],
  [/\bDelete: \{/, "dynamodb:DeleteItem"],
  [/\bConditionCheck: \{/, "dynamodb:ConditionCheckItem"],
  // Table administration: no deployed function may reach these.
  [/new (?:Create|Delete|Update|Describe)Table(?:Command)?\b/, "dynamodb:<table administration>"],
  [/new (?:Update|Describe)TimeToLiveCommand\b/, "dynamodb:<table administration>"],
];

export interface DynamoUse {
  actions: string[];
  indexes: string[];
}

/**
 * The DynamoDB actions and indexes each handler's code can reach: every repository source file its bundle reads
 * (the esbuild metafile, as SST bundles it), scanned for the commands it sends and the indexes it queries. Module
 * granularity: a file reached counts whole, so this is what the function may need, never less.
 */
export async function dynamoUseByHandler(handlers: string[]): Promise<Map<string, DynamoUse>> {
  const { metafile } = await build({
    ...sstBuildOptions(FUNCTION_DEFAULTS.nodejs),
    entryPoints: handlers,
    absWorkingDir: ROOT,
    write: false,
    outdir: "out",
  });
  const result = new Map<string, DynamoUse>();
  for (const entry of handlers) {
    const seen = new Set([entry]);
    for (const file of seen)
      for (const imported of metafile.inputs[file]?.imports ?? [])
        if (!imported.external) seen.add(imported.path);
    const actions = new Set<string>();
    const indexes = new Set<string>();
    for (const file of seen) {
      if (!file.startsWith("packages/")) continue;
      const code = readFileSync(join(ROOT, file), "utf8");
      for (const [pattern, action] of COMMAND_ACTIONS) if (pattern.test(code)) actions.add(action);
      for (const m of code.matchAll(/IndexName: "(\w+)"/g)) indexes.add(m[1]!);
      // Listings spread over partitions name their index as a value (`queryAcrossPartitions`).
      for (const m of code.matchAll(/\bindex: "(gsi\d+)"/g)) indexes.add(m[1]!);
    }
    result.set(entry, { actions: [...actions].sort(), indexes: [...indexes].sort() });
  }
  return result;
}
