/**
 * The README and docs/ against the tree and the code: every path they list exists, every folder the code has is
 * listed, every relative link resolves, and the statements that code can settle (bundling, runtime, functions,
 * secrets, schedule, throttle, key patterns, limits, benchmark inputs) say what the code does.
 * Reads files only: no store, no server.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, resolve } from "node:path";
import { MAX_RANGE_DAYS } from "@market40/core/calendar/localDate";
import { TOLERANCE_SECONDS } from "@market40/core/callback/providers/generic";
import { MAX_STATEMENT_ROWS } from "@market40/core/callback/reconcile";
import {
  PLATFORM_SECRET_NAMES,
  PROVIDER_API_SECRET_NAMES,
  PROVIDER_SECRET_NAMES,
} from "@market40/core/config";
import { THRESHOLDS } from "@market40/core/evaluation/evaluate";
import { FINALISE_DAYS } from "@market40/core/evaluation/scheduled";
import { MAX_IMPORT_ROWS } from "@market40/core/stall/import";
import { MAX_AGE_MS, MAX_BEATS } from "@market40/core/uptime/heartbeatStore";
import { CSV_BODY_LIMIT } from "@market40/functions/api/openapi";
import { CALLBACK_BODY_LIMIT } from "@market40/functions/api/routes/callbacks";
import { describe, expect, it } from "vitest";
import { FUNCTION_DEFAULTS } from "../stacks/defaults";
import { NAG_SUPPRESSIONS } from "../stacks/nagSuppressions";

const ROOT = resolve(import.meta.dirname, "..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");
const isDir = (path: string) => existsSync(path) && statSync(path).isDirectory();

const README = "README.md";
const DOCS = [
  README,
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** The text of a `## heading` section, up to the next `## `. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}`);
  if (start < 0) throw new Error(`no section '## ${heading}'`);
  const end = markdown.indexOf("\n## ", start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

/** Every Markdown table in `text`, each as the cells of its body rows (header and separator rows left out). */
function tables(text: string): string[][][] {
  const out: string[][][] = [];
  let current: string[][] | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line.startsWith("|")) {
      current = undefined;
      continue;
    }
    const cells = line
      .slice(1, line.endsWith("|") ? -1 : undefined)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
    if (!current) {
      current = []; // the header row
      out.push(current);
      continue;
    }
    if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
    current.push(cells);
  }
  return out;
}

/** The body rows of every table in `text`. */
const tableRows = (text: string) => tables(text).flat();

const codeSpans = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/** Markdown without fenced blocks and inline code, where link syntax is only an example. */
const prose = (markdown: string) => markdown.replace(/```[\s\S]*?```/g, "").replace(/`[^`]*`/g, "");

/** Anchors a Markdown file offers: GitHub's heading slugs and explicit `<a id>`s. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const m of markdown.replace(/```[\s\S]*?```/g, "").matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const slug = m[1]!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  for (const m of markdown.matchAll(/<a\s+id="([^"]+)"/g)) anchors.add(m[1]!);
  return anchors;
}

// ---- The "Where things live" table ----

const where = tableRows(section(read(README), "Where things live")).map(([path = "", what = ""]) => ({
  path: codeSpans(path)[0] ?? "",
  what,
}));

/** Directories directly inside `dir` (relative to the root), as `dir/name/`. */
const subdirectories = (dir: string) =>
  readdirSync(join(ROOT, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== "node_modules" && !e.name.startsWith("."))
    .map((e) => `${dir}/${e.name}/`);

/** Every workspace under packages/: a folder with a package.json, or one the root package.json names. */
function workspaces(): string[] {
  const declared = (JSON.parse(read("package.json")) as { workspaces?: string[] }).workspaces ?? [];
  const onDisk = subdirectories("packages").filter((d) => existsSync(join(ROOT, d, "package.json")));
  return [...new Set([...onDisk, ...declared.map((w) => `${w.replace(/\/$/, "")}/`)])].sort();
}

describe("README: where things live", () => {
  it("names only paths that exist, and every file or folder its descriptions name exists too", () => {
    expect(where.length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const { path, what } of where) {
      if (!path) {
        missing.push(`a row without a path: ${what.slice(0, 40)}`);
        continue;
      }
      const full = join(ROOT, path);
      if (!existsSync(full) || (path.endsWith("/") && !isDir(full))) missing.push(path);
      // Files and folders named in the description, relative to the row's path or to the root.
      for (const name of codeSpans(what)) {
        if (/[<*@\s]/.test(name) || !/(\/|\.(ts|mts|mjs|js|json|md))$/.test(name)) continue;
        if (!existsSync(join(full, name)) && !existsSync(join(ROOT, name))) missing.push(`${path} → ${name}`);
      }
    }
    expect(missing, "README's 'Where things live' names paths that do not exist").toEqual([]);
  });

  it("lists every folder of packages/core/src and packages/functions/src, every workspace, and the top folders", () => {
    const listed = new Set(where.map((w) => w.path));
    const required = [
      ...subdirectories("packages/core/src"),
      ...subdirectories("packages/functions/src"),
      ...workspaces(),
      "stacks/",
      "test/",
      "bench/",
      "scripts/",
      "docs/",
    ];
    expect(
      required.filter((p) => !listed.has(p)),
      "folders missing from README's 'Where things live'",
    ).toEqual([]);
  });
});

// ---- Links ----

describe("links in README and docs/", () => {
  it("every relative link points at a file that exists, and at an anchor that exists in it", () => {
    const broken: string[] = [];
    for (const file of DOCS) {
      const text = read(file);
      for (const m of prose(text).matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const target = m[1]!;
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
        const [path = "", anchor] = target.split("#");
        const resolved = path ? normalize(join(dirname(file), decodeURI(path))) : file;
        if (!existsSync(join(ROOT, resolved))) {
          broken.push(`${file}: ${target} (no ${resolved})`);
          continue;
        }
        if (anchor !== undefined && resolved.endsWith(".md") && !anchorsOf(read(resolved)).has(anchor))
          broken.push(`${file}: ${target} (no anchor #${anchor} in ${resolved})`);
      }
    }
    expect(broken).toEqual([]);
  });
});

// ---- docs/contract.md ----

describe("docs/contract.md", () => {
  const contract = read("docs/contract.md");
  const ISSUES: Record<number, number> = {
    10: 13,
    11: 14,
    12: 15,
    13: 16,
    14: 17,
    15: 18,
    16: 25,
    17: 26,
    18: 27,
    19: 28,
    20: 29,
    21: 30,
    22: 31,
  };

  it("has sections §1–§N in order, each under its fixed anchor; §10 on say their status and issue", () => {
    const headings = [...contract.matchAll(/^## §(\d+) /gm)].map((m) => Number(m[1]));
    const last = Math.max(...Object.keys(ISSUES).map(Number));
    expect(headings).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    for (let n = 1; n <= last; n++) {
      expect(contract, `§${n} under <a id="s${n}">`).toMatch(
        new RegExp(`<a id="s${n}"></a>\\s*\\n## §${n} `),
      );
      const body = contract.split(`<a id="s${n}"></a>`)[1]!.split(/<a id="s\d+"><\/a>/)[0]!;
      const status = /Status: (?:planned — tracked in issue|implemented \(issue) (\d+)/.exec(body);
      if (n <= 9) expect(status, `§${n} is implemented`).toBeNull();
      else expect(Number(status?.[1]), `§${n}'s issue`).toBe(ISSUES[n]);
    }
  });
});

describe("tests the docs cite", () => {
  it('every `file.test.ts` › "name" the docs cite is a test of that name in that file', () => {
    let cited = 0;
    for (const doc of DOCS) {
      const text = read(doc).replace(/\s+/g, " ");
      for (const m of text.matchAll(/`([\w./-]+\.test\.ts)` › /g)) {
        const file = m[1]!;
        expect(existsSync(join(ROOT, file)), `${doc} cites ${file}`).toBe(true);
        const source = read(file);
        // The names follow: "a", "b" and "c".
        let rest = text.slice(m.index! + m[0].length);
        for (
          let name = /^(?:,\s*|and\s+)?"([^"]+)"/.exec(rest);
          name;
          name = /^\s*(?:,\s*|and\s+)?"([^"]+)"/.exec(rest)
        ) {
          expect(source, `${doc}: ${file} › "${name[1]}"`).toContain(`"${name[1]}"`);
          cited++;
          rest = rest.slice(name[0].length);
        }
      }
    }
    expect(cited).toBeGreaterThan(10);
  });
});

// ---- Statements the code settles ----

const apiStack = read("stacks/ApiStack.ts");
const jobsStack = read("stacks/JobsStack.ts");
const readme = read(README);

/** `"METHOD /path": handler` pairs of ApiStack's routes, read from its source. */
function apiRoutes(): { route: string; handler: string }[] {
  const block = apiStack.slice(apiStack.indexOf("routes: {"));
  const keys = [...block.matchAll(/"((?:ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \/[^"]*)":/g)];
  return keys.map((m, i) => {
    const body = block.slice(m.index! + m[0].length, keys[i + 1]?.index ?? block.indexOf("\n    },"));
    const handler = /^\s*"([^"]+)"/.exec(body)?.[1] ?? /handler:\s*"([^"]+)"/.exec(body)?.[1];
    if (!handler) throw new Error(`no handler found for ${m[1]} in stacks/ApiStack.ts`);
    return { route: m[1]!, handler };
  });
}

const NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];

describe("README and docs against stacks/", () => {
  it("the AWS SDK: bundled where the docs say bundled, left to the runtime where they say so", () => {
    const external: string[] = FUNCTION_DEFAULTS.nodejs.esbuild.external;
    const bundled = /AWS SDK (?:is )?bundled|bundl\w* the AWS SDK/i;
    const runtime = /AWS SDK (?:is )?(?:left to|taken from|provided by|from) the runtime/i;
    const flat = readme.replace(/\s+/g, " ");
    expect(bundled.test(flat) || runtime.test(flat), "README says how the AWS SDK is packaged").toBe(true);
    for (const file of DOCS) {
      const text = read(file).replace(/\s+/g, " ");
      if (bundled.test(text)) expect(external, `${file} says the AWS SDK is bundled`).toEqual([]);
      if (runtime.test(text))
        expect(external, `${file} says the AWS SDK is left to the runtime`).toContain("@aws-sdk/*");
    }
  });

  it("the runtime and architecture the README names are the functions' defaults", () => {
    expect(/runtime `([^`]+)`/.exec(readme)?.[1]).toBe(FUNCTION_DEFAULTS.runtime);
    expect(/architecture `([^`]+)`/.exec(readme)?.[1]).toBe(FUNCTION_DEFAULTS.architecture);
  });

  it("the API's Lambda functions in README are ApiStack's routes and handlers, in number and by name", () => {
    const routes = apiRoutes();
    const handlers = new Set(routes.map((r) => r.handler));
    const deploy = section(readme, "Deploy to AWS");
    const word = /with \*\*(\w+)\*\*\s+Lambda functions?/.exec(deploy)?.[1];
    expect(word, "README: 'an HTTP API … with **<n>** Lambda functions'").toBeDefined();
    expect(NUMBER_WORDS.indexOf(word!.toLowerCase())).toBe(handlers.size);
    const documented = tableRows(deploy)
      .map(([route = "", handler = ""]) => ({ route: codeSpans(route)[0], handler: codeSpans(handler)[0] }))
      .filter((r) => r.route && /^(ANY|GET|POST|PUT|PATCH|DELETE) \//.test(r.route));
    expect(documented).toEqual(routes);
  });

  it("the architecture diagram shows every function handler the stacks deploy, and no other", () => {
    const diagram = /```mermaid\n([\s\S]*?)```/.exec(section(readme, "Architecture"))?.[1] ?? "";
    const inStacks = readdirSync(join(ROOT, "stacks"))
      .flatMap((f) => [
        ...read(`stacks/${f}`).matchAll(/"packages\/functions\/src\/(lambda\/[\w-]+\.handler)"/g),
      ])
      .map((m) => m[1]!);
    const inDiagram = [...diagram.matchAll(/\b(lambda\/[\w-]+\.handler)\b/g)].map((m) => m[1]!);
    expect(new Set(inDiagram)).toEqual(new Set(inStacks));
    for (const { route } of apiRoutes()) expect(diagram, `the diagram's route ${route}`).toContain(route);
  });

  it("the secrets README sets are ApiStack's SECRET_NAMES", () => {
    // ApiStack declares exactly these (it spreads them): core's names, read by both configuration readers.
    expect(apiStack).toMatch(
      /SECRET_NAMES = \[\s*\.\.\.Object\.values\(PROVIDER_SECRET_NAMES\),\s*\.\.\.Object\.values\(PROVIDER_API_SECRET_NAMES\),\s*\.\.\.Object\.values\(PLATFORM_SECRET_NAMES\),?\s*\]/,
    );
    const names: string[] = [
      ...Object.values(PROVIDER_SECRET_NAMES),
      ...Object.values(PROVIDER_API_SECRET_NAMES),
      ...Object.values(PLATFORM_SECRET_NAMES),
    ];
    const set = [...readme.matchAll(/sst secrets set (\w+)/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(0);
    expect(set.sort()).toEqual(names.sort());
  });

  it("docs/security.md lists every cdk-nag suppression in stacks/nagSuppressions.ts, with its reason, and no other", () => {
    const posture = section(read("docs/security.md"), "AWS posture");
    const listed = (tables(posture.slice(posture.indexOf("### cdk-nag suppressions")))[0] ?? []).map(
      ([rule = "", stacks = "", reason = ""]) => ({
        id: codeSpans(rule)[0],
        stacks: stacks.replace(/\s*\(only .*\)$/, "").split(", "),
        reason: reason.trim(),
      }),
    );
    expect(listed).toEqual(NAG_SUPPRESSIONS.map(({ id, stacks, reason }) => ({ id, stacks, reason })));
  });

  it("every cron expression in README and docs is JobsStack's schedule", () => {
    const schedule = /DAILY_SCHEDULE = "([^"]+)"/.exec(jobsStack)?.[1];
    const found = DOCS.flatMap((f) => [...read(f).matchAll(/cron\([^)]*\)/g)].map((m) => `${f}: ${m[0]}`));
    expect(found.length).toBeGreaterThan(0);
    expect(found.filter((f) => !f.endsWith(`: ${schedule}`))).toEqual([]);
  });

  it("every API throttle the docs state is ApiStack's", () => {
    const rate = Number(/API_RATE_PER_SECOND = (\d+)/.exec(apiStack)?.[1]);
    const burst = Number(/API_BURST = (\d+)/.exec(apiStack)?.[1]);
    const found = DOCS.flatMap((f) =>
      [
        ...read(f)
          .replace(/\s+/g, " ")
          .matchAll(/([\d,]+) req(?:uests)?\/s[,;]? \(?burst ([\d,]+)/g),
      ].map((m) => ({
        file: f,
        rate: Number(m[1]!.replace(/,/g, "")),
        burst: Number(m[2]!.replace(/,/g, "")),
      })),
    );
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) expect(f, f.file).toEqual({ file: f.file, rate, burst });
  });
});

// ---- docs/data-model.md against the entity modules (packages/core/src/**/*Item.ts) ----

/** A key pattern reduced to its fixed parts: every variable becomes `*`. */
const skeleton = (pattern: string) => pattern.replace(/\*+/g, "*");

describe("docs/data-model.md", () => {
  it("names exactly the key patterns the entity modules build", () => {
    const entityModules = (dir: string): string[] =>
      readdirSync(join(ROOT, dir)).flatMap((name) => {
        const path = `${dir}/${name}`;
        if (statSync(join(ROOT, path)).isDirectory()) return entityModules(path);
        return name.endsWith("Item.ts") ? [path] : [];
      });
    const body = entityModules("packages/core/src")
      .map((f) => read(f).replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ""))
      .join("\n");
    const fromCode = new Set<string>([
      ...[...body.matchAll(/`([^`]*)`/g)].map((m) => skeleton(m[1]!.replace(/\$\{[^}]*\}/g, "*"))),
      ...[...body.matchAll(/"([A-Z][A-Z0-9_]*)"/g)].map((m) => m[1]!),
    ]);
    const table = tableRows(read("docs/data-model.md")).filter((r) => r.length >= 5);
    const fromDoc = new Set<string>(
      table
        .flatMap((r) => r.slice(1, 5))
        .flatMap(codeSpans)
        .map((k) => skeleton(k.replace(/<[^>]*>/g, "*")))
        .filter((k) => k !== "*"),
    );
    fromCode.delete("*");
    // Not key patterns: sort-key prefixes and bounds for begins_with/BETWEEN (`EVAL#…#v`, `…#~`), the amount
    // histogram's attribute names (`a<amount>`) and update expressions.
    for (const k of fromCode) if (/#~$|#v?$|^a\*$|\s/.test(k)) fromCode.delete(k);
    expect(
      [...fromDoc].filter((k) => !fromCode.has(k)),
      "in data-model.md, not built by an entity module",
    ).toEqual([]);
    expect(
      [...fromCode].filter((k) => !fromDoc.has(k)),
      "built by an entity module, missing from data-model.md",
    ).toEqual([]);
  });
});

// ---- Limits the docs state, against the constants ----

const KIB = 1024;
const all = () => DOCS.map((f) => ({ file: f, text: read(f).replace(/\s+/g, " ") }));

/** Each pattern must match somewhere in README or docs/, and every number it captures must be `expected`. */
const LIMITS: { what: string; expected: number; patterns: RegExp[] }[] = [
  {
    what: "callback body limit (KiB)",
    expected: CALLBACK_BODY_LIMIT / KIB,
    patterns: [/Bodies over (\d+) KiB/g, /callback over (\d+) KiB/g, /(\d+) KiB callback body limit/g],
  },
  {
    what: "CSV upload limit (MiB)",
    expected: CSV_BODY_LIMIT / KIB / KIB,
    patterns: [
      /CSV over (\d+) MiB/g,
      /(\d+) MiB for CSV/g,
      /at most (\d+) MiB and [\d,]+ rows/g,
      /rows and (\d+) MiB/g,
    ],
  },
  {
    what: "generic signature tolerance (s)",
    expected: TOLERANCE_SECONDS,
    patterns: [/within (\d+) s of now/g, /±(\d+) s\b/g],
  },
  {
    what: "longest date range (days)",
    expected: MAX_RANGE_DAYS,
    patterns: [/at most (\d+) days/g],
  },
  { what: "beats per batch", expected: MAX_BEATS, patterns: [/with 1–(\d+) beats/g] },
  {
    what: "oldest beat (days)",
    expected: MAX_AGE_MS / 86_400_000,
    patterns: [/beat older than (\d+) days/g],
  },
  {
    what: "rows per stall import",
    expected: MAX_IMPORT_ROWS,
    patterns: [/at most \d+ MiB and ([\d,]+) rows/g],
  },
  {
    what: "rows per statement",
    expected: MAX_STATEMENT_ROWS,
    patterns: [/at most ([\d,]+) rows and \d+ MiB/g],
  },
  {
    what: "re-evaluated first days of a month",
    expected: FINALISE_DAYS,
    patterns: [/on the 1st to (\d+)(?:st|nd|rd|th)/g],
  },
  {
    what: "uptime threshold (%)",
    expected: THRESHOLDS.uptimePct,
    patterns: [/uptime ≥ (\d+) %/g, /uptimePct: (\d+)/g],
  },
  {
    what: "QR share threshold (%)",
    expected: THRESHOLDS.qrSharePct,
    patterns: [/QR share ≥ (\d+) %/g, /qrSharePct: (\d+)/g],
  },
  {
    what: "active share threshold (%)",
    expected: THRESHOLDS.activeSharePct,
    patterns: [/active share ≥ (\d+) %/g, /activeSharePct: (\d+)/g],
  },
];

describe("limits stated in README and docs/", () => {
  it.each(LIMITS)("$what is the code's", ({ expected, patterns }) => {
    const docs = all();
    for (const pattern of patterns) {
      const found = docs.flatMap(({ file, text }) =>
        [...text.matchAll(pattern)].map((m) => ({ file, value: Number(m[1]!.replace(/,/g, "")) })),
      );
      expect(found.length, `${pattern} no longer matches any doc: update it or this check`).toBeGreaterThan(
        0,
      );
      for (const f of found) expect(f, `${pattern} in ${f.file}`).toEqual({ file: f.file, value: expected });
    }
  });
});

// ---- Benchmark figures: only in docs/benchmarks.md; capacity.md's inputs must be copies of it ----

describe("docs/capacity.md's inputs", () => {
  it("each equals the docs/benchmarks.md row it names", () => {
    const bench = tableRows(section(read("docs/benchmarks.md"), "Last recorded run")).map(
      ([suite = "", figure = "", value = "", peer = ""]) => ({ suite, figure, value, peer }),
    );
    const inputs = tables(section(read("docs/capacity.md"), "Inputs from the benchmarks"))[0] ?? [];
    expect(inputs.length).toBeGreaterThan(0);
    const wrong: string[] = [];
    for (const [, value = "", source = ""] of inputs) {
      const [suite = "", ...rest] = source.split(": ");
      const figure = rest.join(": ");
      const row = bench.find((b) => b.suite === suite && b.figure === figure);
      if (!row) wrong.push(`no row '${source}' in docs/benchmarks.md`);
      else if (row.value !== value && !row.peer.endsWith(` ${value}`))
        wrong.push(`'${source}' is ${row.value} (${row.peer}) in docs/benchmarks.md, not ${value}`);
    }
    expect(wrong).toEqual([]);
  });
});
