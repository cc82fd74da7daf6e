import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** The files that take longest, started first so that they are not the run's tail (clean clones have no timings). */
const LONGEST_FIRST = ["test/kill.test.ts", "test/durability.test.ts", "test/web-speaker.test.ts"];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]) {
    const rank = (f: TestSpecification) => {
      const i = LONGEST_FIRST.findIndex((name) => f.moduleId.endsWith(name));
      return i < 0 ? LONGEST_FIRST.length : i;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    // At least two workers, even on two cores (vitest's default is the cores less one): the kill runs spend half
    // their time waiting for processes to start, and the other worker fills it (docs/contract.md §22).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    sequence: { sequencer: LongestFirst },
    reporters: ["default", "./test/support/summaryReporter.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts"],
          environment: "node",
          // Pure functions and mocked clients: the files share a worker and its imports instead of each importing the
          // SDK and the domain afresh (a mocked client is restored after its file).
          isolate: false,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/support/globalSetup.ts"],
          // A worker imports the app once for all its files, not once per file (1.2–1.5 s each, about 90 s of a
          // run): each file still has its own table, store and server, and leaves the process as it found it
          // (test/support/sharedWorker.ts). docs/contract.md §22.
          isolate: false,
          setupFiles: ["test/support/sharedWorker.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          env: { NODE_ENV: "test", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
        },
      },
    ],
  },
});
