#!/usr/bin/env node
// Fetches AWS's DynamoDB Local jar from the npm registry (it ships inside the
// `amplify-dynamodb-simulator` package) and unpacks only its `emulator/` folder.
// The jar's licence forbids redistribution, so it is never committed: `npm install`
// runs this as a postinstall step, and the launcher runs it again if the folder is gone.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const PACKAGE = "amplify-dynamodb-simulator@2.9.30";
// Kept in the repository root's node_modules: one copy for every workspace, and `npm ci` clears it with the rest of
// node_modules. The root is the nearest folder above whose package.json declares the workspaces (found, not counted,
// so that a bundle built elsewhere in the tree — devkit's buildServer — finds the same one).
function repositoryRoot(from) {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      if (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).workspaces) return dir;
    } catch {
      // no package.json here
    }
    if (dirname(dir) === dir) return resolve(from, "../../..");
  }
}
const root = repositoryRoot(dirname(fileURLToPath(import.meta.url)));
export const EMULATOR_DIR = join(root, "node_modules", ".dynamodb-local", "emulator");
export const JAR = join(EMULATOR_DIR, "DynamoDBLocal.jar");

export function install({ quiet = false } = {}) {
  if (existsSync(JAR)) return EMULATOR_DIR;
  const work = mkdtempSync(join(tmpdir(), "ddb-local-"));
  try {
    const out = execFileSync("npm", ["pack", PACKAGE, "--silent", "--pack-destination", work], {
      cwd: work,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    const tarball = join(work, out.trim().split("\n").pop());
    execFileSync("tar", ["-xzf", tarball, "-C", work, "package/emulator"], { stdio: "inherit" });
    mkdirSync(dirname(EMULATOR_DIR), { recursive: true });
    rmSync(EMULATOR_DIR, { recursive: true, force: true });
    renameSync(join(work, "package", "emulator"), EMULATOR_DIR);
    if (!quiet) {
      const libs = readdirSync(join(EMULATOR_DIR, "DynamoDBLocal_lib")).length;
      console.log(`DynamoDB Local ready in ${EMULATOR_DIR} (${libs} libraries)`);
    }
    return EMULATOR_DIR;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === "install") {
  try {
    install();
  } catch (err) {
    // Do not fail `npm install` for this: `npm start` and the tests retry and explain.
    console.warn(
      `market40: could not fetch DynamoDB Local (${err.message}); it will be retried on first use.`,
    );
  }
}
