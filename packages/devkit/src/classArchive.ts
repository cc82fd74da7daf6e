import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import JSZip from "jszip";
import { EMULATOR_DIR, JAR } from "./dynamodb-local.mjs";
import type { DynamoDbLocal } from "./dynamodbLocal";

/**
 * DynamoDB Local's classes in a class-data archive (Java's AppCDS): a JVM that maps the archive skips finding, parsing
 * and verifying thousands of classes in 160 jars. A start, a table and 20 puts take 0.9 s and 1.0 s of Java's CPU
 * instead of 1.4 s and 1.6 s (`npm run bench -- local`, 2 cores). Tests start DynamoDB Local some 80 times a run (the
 * kill, durability and crash tests restart it after every SIGKILL), `npm start` once.
 *
 * Java refuses to archive a class path holding a non-empty folder, and the jar's manifest puts its own folder (".")
 * on it; so the archive is made for a copy of the jar whose manifest has no `Class-Path`, with the libraries it named
 * listed explicitly, in its order. Both are kept beside the jar (node_modules/.dynamodb-local/cds), keyed by the Java
 * that made them: another Java makes its own, and a Java that cannot use it falls back to the plain jar.
 */
const DIR = join(dirname(EMULATOR_DIR), "cds");
const CLASS_PATH_JAR = join(DIR, "DynamoDBLocal.jar");
/** `-cp …` in a Java argument file: 160 jars would make the process's command line 13 KB long. */
const ARG_FILE = join(DIR, "classpath.args");
const MAIN_CLASS = "com.amazonaws.services.dynamodbv2.local.main.ServerRunner";

/** Whether a process's command line is DynamoDB Local's, started either way. */
export function isDynamoDbLocal(cmdline: string): boolean {
  return cmdline.includes("DynamoDBLocal.jar") || cmdline.includes(MAIN_CLASS);
}

/** A file name for this Java: its `java -version` text, hashed to something short. */
function key(javaVersion: string): string {
  let h = 2166136261;
  for (const c of javaVersion) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h.toString(36);
}
const archiveOf = (javaVersion: string) => join(DIR, `classes-${key(javaVersion)}.jsa`);
const refusedOf = (javaVersion: string) => join(DIR, `classes-${key(javaVersion)}.refused`);

/**
 * The arguments that put DynamoDB Local's classes on Java's class path: with this Java's archive when there is one,
 * the plain `-jar` otherwise.
 */
export function classPathArgs(javaVersion: string): string[] {
  const archive = archiveOf(javaVersion);
  if (!existsSync(archive) || !existsSync(ARG_FILE)) return ["-jar", JAR];
  // A stale or foreign archive is only a warning to Java (-Xshare:auto): it starts from the jars, just slower.
  return [
    `-XX:SharedArchiveFile=${archive}`,
    "-Xshare:auto",
    "-Xlog:cds=off",
    "-Xlog:cds+dynamic=off",
    `@${ARG_FILE}`,
    MAIN_CLASS,
  ];
}

/** The jar's copy with no `Class-Path`, and the argument file naming it and the libraries, in the manifest's order. */
async function writeClassPath(): Promise<void> {
  const zip = await JSZip.loadAsync(readFileSync(JAR));
  const manifest = await zip.file("META-INF/MANIFEST.MF")?.async("string");
  if (!manifest) throw new Error("DynamoDBLocal.jar has no manifest");
  const lines = manifest.replace(/\r?\n /g, "").split(/\r?\n/);
  const named = (lines.find((l) => l.startsWith("Class-Path:")) ?? "")
    .slice("Class-Path:".length)
    .trim()
    .split(/\s+/);
  const libraries = named.filter((entry) => entry.endsWith(".jar")).map((entry) => join(EMULATOR_DIR, entry));
  const missing = libraries.filter((lib) => !existsSync(lib));
  if (missing.length > 0) throw new Error(`libraries the manifest names are missing: ${missing.join(", ")}`);
  const unnamed = readdirSync(join(EMULATOR_DIR, "DynamoDBLocal_lib")).filter(
    (f) => f.endsWith(".jar") && !libraries.includes(join(EMULATOR_DIR, "DynamoDBLocal_lib", f)),
  );
  if (unnamed.length > 0) throw new Error(`libraries the manifest does not name: ${unnamed.join(", ")}`);
  zip.file(
    "META-INF/MANIFEST.MF",
    `${lines.filter((l) => l && !l.startsWith("Class-Path:")).join("\r\n")}\r\n`,
  );
  const jar = await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
  writeFileSync(`${CLASS_PATH_JAR}.${process.pid}`, jar);
  renameSync(`${CLASS_PATH_JAR}.${process.pid}`, CLASS_PATH_JAR);
  const classPath = [CLASS_PATH_JAR, ...libraries].join(":");
  writeFileSync(`${ARG_FILE}.${process.pid}`, `-cp "${classPath}"\n`);
  renameSync(`${ARG_FILE}.${process.pid}`, ARG_FILE);
}

/**
 * Starts DynamoDB Local with `classPath` (the arguments naming its classes, and any Java flags to add), as
 * dynamodbLocal.ts starts it otherwise; its `stop()` must leave Java time to write an archive as it exits.
 */
export type Launch = (classPath: string[]) => Promise<Pick<DynamoDbLocal, "endpoint" | "stop" | "kill">>;

/**
 * A training run: DynamoDB Local started with `-XX:ArchiveClassesAtExit`, made to do what the platform asks of it
 * (a table with a stream and an index, puts, a transaction, an update, queries), then stopped; Java writes the classes
 * it loaded into the archive as it exits.
 */
async function train(archive: string, launch: Launch): Promise<void> {
  const partial = `${archive}.${process.pid}`;
  const ddb = await launch([`-XX:ArchiveClassesAtExit=${partial}`, `@${ARG_FILE}`, MAIN_CLASS]);
  const client = new DynamoDBClient({
    endpoint: ddb.endpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  try {
    const TableName = "training";
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "S" },
          { AttributeName: "gsi1pk", AttributeType: "S" },
        ],
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: "gsi1",
            KeySchema: [
              { AttributeName: "gsi1pk", KeyType: "HASH" },
              { AttributeName: "sk", KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: "ALL" },
          },
        ],
        StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
      }),
    );
    const doc = DynamoDBDocumentClient.from(client);
    for (let i = 0; i < 20; i++)
      await doc.send(
        new PutCommand({
          TableName,
          Item: { pk: "p", sk: String(i), gsi1pk: "g", n: i },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName, Item: { pk: "t", sk: "1" }, ConditionExpression: "attribute_not_exists(pk)" } },
          {
            Update: {
              TableName,
              Key: { pk: "p", sk: "0" },
              UpdateExpression: "ADD n :one",
              ExpressionAttributeValues: { ":one": 1 },
            },
          },
        ],
      }),
    );
    await doc.send(
      new UpdateCommand({
        TableName,
        Key: { pk: "p", sk: "1" },
        UpdateExpression: "SET m = if_not_exists(m, :z)",
        ExpressionAttributeValues: { ":z": 0 },
      }),
    );
    await doc.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: "pk = :p",
        ExpressionAttributeValues: { ":p": "p" },
      }),
    );
    await doc.send(
      new QueryCommand({
        TableName,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :g",
        ExpressionAttributeValues: { ":g": "g" },
      }),
    );
  } catch (err) {
    await ddb.kill();
    rmSync(partial, { force: true });
    throw err;
  } finally {
    client.destroy();
  }
  if (!(await ddb.stop()) || !existsSync(partial)) {
    rmSync(partial, { force: true });
    throw new Error("Java wrote no class archive as it stopped");
  }
  renameSync(partial, archive);
}

/**
 * Makes this Java's class archive unless it is there (or this Java refused to make one before): about 4 s, once per
 * installation. `false` when there is none to use; DynamoDB Local then starts from the plain jar, as before.
 */
export async function prepareClassArchive(javaVersion: string, launch: Launch): Promise<boolean> {
  const archive = archiveOf(javaVersion);
  if (existsSync(archive) && existsSync(ARG_FILE)) return true;
  if (existsSync(refusedOf(javaVersion))) return false;
  try {
    mkdirSync(DIR, { recursive: true });
    if (!existsSync(ARG_FILE) || !existsSync(CLASS_PATH_JAR)) await writeClassPath();
    await train(archive, launch);
    return true;
  } catch (err) {
    // Remembered, so that every start does not try again: delete the folder to retry.
    writeFileSync(refusedOf(javaVersion), `${(err as Error).message}\n`);
    return false;
  }
}
