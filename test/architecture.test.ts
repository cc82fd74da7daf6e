import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/** The layout's rules, checked on the source so they cannot erode one convenient shortcut at a time. */
const ROOT = join(import.meta.dirname, "..");

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...sources(path));
    else if (name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

const read = (path: string) => readFileSync(join(ROOT, path), "utf8");
const core = sources("packages/core/src");
const functions = sources("packages/functions/src");
/** A stored item kind's module: the only place its key patterns are written. */
const isEntityModule = (path: string) => /Item\.ts$/.test(path);

describe("architecture", () => {
  it("builds key strings only in entity modules", () => {
    // `MARKET#…`, "STALL#", `DAY#${…}`: an upper-case prefix and a '#' is a key pattern.
    const keyPattern = /[`"'][A-Z]{2,}#/;
    const offenders = [...core, ...functions].filter((f) => !isEntityModule(f) && keyPattern.test(read(f)));
    expect(offenders).toEqual([]);
  });

  it("talks to DynamoDB only from entity modules and the store module", () => {
    const offenders = core.filter(
      (f) =>
        !isEntityModule(f) && !f.startsWith("packages/core/src/store/") && /from "@aws-sdk\//.test(read(f)),
    );
    expect(offenders).toEqual([]);
    // Routes never reach storage or build requests: they parse, check access, call core and answer.
    const routes = functions.filter((f) => f.includes("/api/routes/"));
    expect(routes.filter((f) => /@aws-sdk|Item"|store\/(client|transact)/.test(read(f)))).toEqual([]);
  });

  it("reads the environment only in the two configuration readers", () => {
    const allowed = new Set([
      "packages/functions/src/local/config.ts",
      "packages/functions/src/lambda/config.ts",
      // Sets (not reads) the SDK's notice switch before anything loads the SDK.
      "packages/functions/src/local/main.ts",
    ]);
    const offenders = [...core, ...functions].filter(
      (f) =>
        !allowed.has(f) &&
        !f.includes("/devkit/") &&
        /process\.env/.test(read(f).replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "")),
    );
    expect(offenders).toEqual([]);
  });

  it("keeps core free of HTTP, of the functions and of the web app", () => {
    const offenders = core.filter((f) => /from "(hono|@hono\/|@market40\/(functions|web))/.test(read(f)));
    expect(offenders).toEqual([]);
  });

  it("declares each API response shape once, in core", () => {
    // A zod object literal with `.meta({ id })` names an OpenAPI component: those live in core only.
    const offenders = functions.filter((f) => /\.meta\(\{\s*id:/.test(read(f)));
    expect(offenders.map((f) => relative(ROOT, join(ROOT, f)))).toEqual([]);
  });

  it("leaves no merge-conflict marker in code or docs (a formatter can indent them, so they are matched loosely)", () => {
    const docs = [
      "README.md",
      ...readdirSync(join(ROOT, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => `docs/${f}`),
    ];
    const files = [...core, ...functions, ...sources("stacks"), ...sources("test"), ...docs];
    const marker = /^\s*(<{7}|>{7}|(> ){7}|={7}$)/m;
    expect(files.filter((f) => marker.test(read(f)))).toEqual([]);
  });
});
