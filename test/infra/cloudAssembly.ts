import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";

/**
 * What `sst deploy` (and `sst bootstrap`) read the synthesized cloud assembly with, resolved from the installed tree
 * exactly as Node resolves it for SST: CDK writes the manifests with one copy of `@aws-cdk/cloud-assembly-schema`,
 * and SST reads them back through others (`cdk-assets` for asset manifests, `@aws-cdk/toolkit-lib` for deployments,
 * `aws-cdk-lib/cx-api` and `@aws-cdk/cx-api` for the assembly). When a lock file lets those copies drift to other
 * schema revisions, a reader refuses what the writer wrote ("Cloud assembly schema version mismatch") or rejects a
 * field it does not know — and deploying fails, with no AWS call needed to see it.
 */

const ROOT = resolve(import.meta.dirname, "../..");

interface ManifestApi {
  version(): string;
  loadAssemblyManifest(path: string): unknown;
  loadAssetManifest(path: string): unknown;
}

/** One copy of the schema package, and the chain of packages through which it was reached. */
export interface SchemaCopy {
  via: string;
  dir: string;
  packageVersion: string;
  /** The schema revision it writes, and the highest it reads (`Manifest.version()`, e.g. "48.0.0"). */
  schemaVersion: string;
  Manifest: ManifestApi;
}

/** `chain[0]` resolved from the repository root, each next package from the one before; the last must be a package. */
function resolveChain(chain: string[]): string {
  let from = join(ROOT, "package.json");
  for (const name of chain) from = createRequire(from).resolve(`${name}/package.json`);
  return dirname(from);
}

function schemaCopy(via: string[]): SchemaCopy {
  const dir = resolveChain([...via, "@aws-cdk/cloud-assembly-schema"]);
  const load = createRequire(join(dir, "package.json"));
  const { Manifest } = load(dir) as { Manifest: ManifestApi };
  return {
    via: [...via, "@aws-cdk/cloud-assembly-schema"].join(" → "),
    dir,
    packageVersion: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version,
    schemaVersion: Manifest.version(),
    Manifest,
  };
}

/** The copy CDK writes the assembly with: aws-cdk-lib's. */
export function writerSchema(): SchemaCopy {
  return schemaCopy(["aws-cdk-lib"]);
}

/** The copies SST's deploy path reads the assembly with, each reached from `sst` as SST's own imports reach it. */
export function sstReaderSchemas(): SchemaCopy[] {
  return [
    schemaCopy(["sst", "cdk-assets"]),
    schemaCopy(["sst", "@aws-cdk/toolkit-lib"]),
    schemaCopy(["sst", "aws-cdk-lib"]),
    schemaCopy(["sst", "@aws-cdk/cx-api"]),
  ];
}

/** `cdk-assets` as SST imports it (`sst/stacks/deploy.js`), and the version it is. */
export function sstCdkAssets(): {
  version: string;
  AssetManifest: { fromFile(path: string): { entries: { id: { assetId: string } }[] } };
} {
  const dir = resolveChain(["sst", "cdk-assets"]);
  return {
    version: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version,
    AssetManifest: createRequire(join(dir, "package.json"))(dir).AssetManifest,
  };
}

const major = (version: string) => Number(version.split(".")[0]);

/**
 * Where the copies disagree: any reader at another schema revision than the writer. Empty when they agree. (The
 * schema refuses a newer major outright and validates fields strictly, so an older reader of the same major can
 * still fail on a field it does not know: the test also loads every manifest with every reader.)
 */
export function schemaDrift(writer: SchemaCopy, readers: SchemaCopy[]): string[] {
  return readers
    .filter((r) => major(r.schemaVersion) !== major(writer.schemaVersion))
    .map(
      (r) =>
        `${r.via} (${r.packageVersion}) reads schema ${r.schemaVersion}, but ${writer.via} (${writer.packageVersion}) ` +
        `writes ${writer.schemaVersion}`,
    );
}
