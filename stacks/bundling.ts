import { sep } from "node:path";

/**
 * What a cold start of each handler reads, in minified KiB: its entry and the chunks it imports statically (chunks
 * behind a dynamic `import()` are read only when a request needs them). It may grow to this and no further
 * (test/infra/bundles.test.ts): a cold start compiles all of it, so size is import time (`npm run bench -- lambda`).
 * Raising one is a decision to write down in docs/benchmarks.md, with what the bytes buy.
 */
export const BUNDLE_BUDGET_KIB = { api: 1800, callbacks: 950, daily: 900, evaluate: 900, sync: 900 } as const;

/**
 * zod's `z` namespace re-exports every one of its 50-odd locales (`z.locales`), so each handler carried them all:
 * 261 KiB minified of a 1.2 MiB callbacks bundle, parsed at every cold start. market40 never loads a zod locale
 * (core/messages.ts sets its own error map; zod's English default comes from `locales/en.js` directly), so the
 * bundles get an empty `locales` namespace instead. test/infra/bundles.test.ts checks none is left.
 */
export const withoutZodLocales: BundlePlugin = {
  name: "without-zod-locales",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${sep}zod${sep}`)
        ? { path: "zod-locales", namespace: "market40-empty" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "market40-empty" }, () => ({
      contents: "export {};",
      loader: "js",
    }));
  },
};

/**
 * The part of esbuild's plugin API used here. SST bundles with its own esbuild (0.18) and the bench and tests with
 * the project's; both accept this.
 */
interface BundlePlugin {
  name: string;
  setup(build: {
    onResolve(
      options: { filter: RegExp },
      callback: (args: { path: string; importer: string }) => { path: string; namespace: string } | undefined,
    ): void;
    onLoad(
      options: { filter: RegExp; namespace: string },
      callback: () => { contents: string; loader: "js" },
    ): void;
  }): void;
}
