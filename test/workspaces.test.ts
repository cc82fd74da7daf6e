import { existsSync, readdirSync, readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * Every package a file imports is declared by the package.json of the workspace the file belongs to: npm's
 * hoisting makes an undeclared import work here by accident, and break wherever that workspace is installed or
 * bundled on its own. Root-level code (test/, bench/, scripts/, stacks/, the root's config files) answers to the
 * root's package.json; `@market40/*` workspaces count only where listed, like any other package. And no file
 * reaches into another workspace by relative path, which would bypass both the declaration and the package's exports.
 */

const ROOT = resolve(import.meta.dirname, "..");
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const SKIP = new Set(["node_modules", "dist", "dist-site", ".sst", ".build", "cdk.out", "results"]);

interface Import {
  specifier: string;
  /** Erased at compile time (`import type`, `import("x").T`, `declare module "x"`): `@types/x` may declare it. */
  typeOnly: boolean;
}

/** Every module specifier a source file names: static, re-exported, dynamic, `require`, type-level. */
function importsOf(fileName: string, text: string): Import[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  const found: Import[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier))
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.importClause?.isTypeOnly ?? false });
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier))
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === "require")) &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    )
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    )
      found.push({ specifier: node.argument.literal.text, typeOnly: true });
    else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name))
      found.push({ specifier: node.name.text, typeOnly: true });
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** `@scope/name/sub/path` → `@scope/name`, `name/sub` → `name`; undefined for relative paths and Node builtins. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || isBuiltin(specifier)) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

const typesPackage = (name: string) =>
  `@types/${name.startsWith("@") ? name.slice(1).replace("/", "__") : name}`;

function sourceFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) => {
    const full = join(path, entry.name);
    if (entry.isDirectory()) return SKIP.has(entry.name) ? [] : sourceFiles(full);
    return SOURCE.test(entry.name) ? [full] : [];
  });
}

interface Manifest {
  workspaces?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const manifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));

function declared(m: Manifest): Set<string> {
  return new Set(
    [m.dependencies, m.devDependencies, m.peerDependencies, m.optionalDependencies].flatMap((deps) =>
      Object.keys(deps ?? {}),
    ),
  );
}

/** The imports of packages not in `names`; a type-only import may be declared by its `@types` package instead. */
function undeclared(imports: Import[], names: Set<string>): string[] {
  return imports.flatMap(({ specifier, typeOnly }) => {
    const name = packageOf(specifier);
    if (!name || names.has(name) || (typeOnly && names.has(typesPackage(name)))) return [];
    return [specifier];
  });
}

/** `file: specifier` for every import of a package the owner's package.json does not declare. */
function undeclaredImports(files: string[], names: Set<string>): string[] {
  return files.flatMap((file) =>
    undeclared(importsOf(file, readFileSync(file, "utf8")), names).map(
      (s) => `${relative(ROOT, file)}: ${s}`,
    ),
  );
}

const root = manifest(ROOT);
const workspaces = (root.workspaces ?? []).flatMap((pattern) =>
  pattern.endsWith("/*")
    ? readdirSync(join(ROOT, pattern.slice(0, -2))).map((name) => `${pattern.slice(0, -2)}/${name}`)
    : [pattern],
);
const rootFiles = [
  ...["test", "bench", "scripts", "stacks"].flatMap((dir) => sourceFiles(join(ROOT, dir))),
  ...readdirSync(ROOT)
    .filter((name) => SOURCE.test(name))
    .map((name) => join(ROOT, name)),
];

/** The workspace a path is in, or "(root)" for root-level code. */
const ownerOf = (path: string) =>
  workspaces.find((dir) => `${path}${sep}`.startsWith(`${join(ROOT, dir)}${sep}`)) ?? "(root)";

/** `file: specifier` for every relative import that lands in another workspace (or, from one, in root-level code). */
function crossingImports(files: string[]): string[] {
  return files.flatMap((file) =>
    importsOf(file, readFileSync(file, "utf8"))
      .filter(({ specifier }) => specifier.startsWith("."))
      .filter(({ specifier }) => ownerOf(resolve(dirname(file), specifier)) !== ownerOf(file))
      .map(({ specifier }) => `${relative(ROOT, file)}: ${specifier}`),
  );
}

describe("workspace dependencies", () => {
  it("finds every kind of import and nothing else", () => {
    const text = [
      'import a from "pkg-a";',
      'import type { B } from "@scope/b/deep/path";',
      'export { c } from "pkg-c/sub";',
      'const d = await import("pkg-d");',
      'const e = require("pkg-e");',
      'type F = import("pkg-f").F;',
      'declare module "pkg-g" {}',
      'import "./relative";',
      'import { readFileSync } from "node:fs";',
      "const notAnImport = 'import \"pkg-h\";';",
    ].join("\n");
    const found = importsOf("probe.ts", text);
    expect(found.map((i) => `${i.specifier}${i.typeOnly ? " (type)" : ""}`)).toEqual([
      "pkg-a",
      "@scope/b/deep/path (type)",
      "pkg-c/sub",
      "pkg-d",
      "pkg-e",
      "pkg-f (type)",
      "pkg-g (type)",
      "./relative",
      "node:fs",
    ]);
    expect(found.map((i) => i.specifier).map(packageOf)).toEqual([
      "pkg-a",
      "@scope/b",
      "pkg-c",
      "pkg-d",
      "pkg-e",
      "pkg-f",
      "pkg-g",
      undefined,
      undefined,
    ]);
    // A type-only import may be declared by its @types package; a value import only by the package itself.
    expect(
      undeclared(found, new Set(["pkg-a", "@types/scope__b", "pkg-c", "@types/pkg-d", "pkg-f"])),
    ).toEqual(["pkg-d", "pkg-e", "pkg-g"]);
  });

  it("lists the workspaces this test checks", () => {
    expect(workspaces).toEqual(
      expect.arrayContaining(["packages/core", "packages/functions", "packages/web"]),
    );
    expect(workspaces).toContain("packages/devkit");
    for (const dir of workspaces) expect(sourceFiles(join(ROOT, dir)).length, dir).toBeGreaterThan(0);
    expect(rootFiles.map((f) => relative(ROOT, f))).toEqual(
      expect.arrayContaining(["sst.config.ts", "vitest.config.ts", "stacks/WebStack.ts", "bench/run.ts"]),
    );
  });

  it.each(workspaces)("%s declares every package its source files import", (dir) => {
    const names = declared(manifest(join(ROOT, dir)));
    expect(undeclaredImports(sourceFiles(join(ROOT, dir)), names)).toEqual([]);
  });

  it("the root declares every package test/, bench/, scripts/, stacks/ and its config files import", () => {
    expect(undeclaredImports(rootFiles, declared(root))).toEqual([]);
  });

  it("no file imports another workspace, or root-level code, by relative path", () => {
    const files = [...workspaces.flatMap((dir) => sourceFiles(join(ROOT, dir))), ...rootFiles];
    expect(crossingImports(files)).toEqual([]);
  });
});
