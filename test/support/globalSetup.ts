import { startDynamoDbLocal } from "@market40/devkit/dynamodbLocal";
import { buildServer } from "@market40/devkit/process";
import type { TestProject } from "vitest/node";

/**
 * One in-memory DynamoDB Local for the whole integration run (each test file makes its own table; its first start
 * on a fresh installation also archives its classes, devkit classArchive.ts), and `npm start`'s server bundled once
 * for the tests that start it again and again (devkit `buildServer`).
 */
export default async function setup(project: TestProject) {
  const [ddb, serverBundle] = await Promise.all([startDynamoDbLocal(), buildServer()]);
  project.provide("dynamodbEndpoint", ddb.endpoint);
  project.provide("serverBundle", serverBundle);
  return async () => {
    await ddb.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    /** `npm start`'s entry point bundled by esbuild (devkit `buildServer`), to start with `start(env, bundle)`. */
    serverBundle: string;
  }
}
