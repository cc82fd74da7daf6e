import { chmodSync } from "node:fs";
import { join } from "node:path";
import * as ApiKeys from "@market40/core/auth/keys";
import { systemClock } from "@market40/core/clock";
import type { AppConfig } from "@market40/core/config";
import { createStore } from "@market40/core/store/client";
import { ensureTable } from "@market40/core/store/table";
import {
  CHECKPOINT_ENTRIES,
  compactJournal,
  openWriteJournal,
  replayWrites,
  WRITE_JOURNAL_FILE,
  type WriteJournal,
} from "@market40/core/store/writeJournal";
import {
  assertWritable,
  type DynamoDbLocal,
  LocalStartError,
  ownerOnly,
  startDynamoDbLocal,
} from "@market40/devkit/dynamodbLocal";
import type { Deps } from "../api/context";
import { createLogger } from "../log";
import { ENV_NAMES, loadSecrets, readSettings } from "./config";
import { LEGACY_JOURNAL_FILE, removeLegacyJournal, replayLegacyJournal } from "./journal";
import { workerPosterRenderer } from "./posterRenderer";
import { startScheduler } from "./scheduler";
import { listen } from "./server";

/**
 * DATA_DIR itself 0700 and what this runtime keeps in it owner-only (0600 files, 0700 folders), whatever made them —
 * only our own files: a DATA_DIR pointed at a shared folder is not rewritten wholesale. DynamoDB Local's folder is
 * tightened when it starts (devkit `ownerOnly`).
 */
function tightenDataDir(dataDir: string): void {
  try {
    chmodSync(dataDir, 0o700);
  } catch {
    // not ours to change (e.g. a shared folder): our files below are still tightened
  }
  for (const name of ["secrets.json", WRITE_JOURNAL_FILE, LEGACY_JOURNAL_FILE, "dynamodb"])
    ownerOnly(join(dataDir, name));
}

/**
 * `npm start`: DynamoDB Local, the table, the API + web UI, the scheduler — and, on Ctrl-C or SIGTERM,
 * the same things stopped in reverse order, DynamoDB Local's Java process included.
 */
async function main(): Promise<void> {
  // The lock file pins an SDK that supports Node 20; its notice about future releases is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const started = performance.now();
  const settings = readSettings();
  const stops: (() => Promise<void> | void)[] = [];
  const shutdown = async (code: number) => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch {
        // keep stopping the rest
      }
    }
    process.exit(code);
  };
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log(`\nmarket40: ${signal} received, stopping…`);
      void shutdown(0);
    });
  }

  // Everything this runtime and its DynamoDB Local create under DATA_DIR is the owner's alone (docs/security.md).
  process.umask(0o077);
  try {
    assertWritable(settings.dataDir);
    tightenDataDir(settings.dataDir);
    const secrets = loadSecrets(settings.dataDir);
    const ddbDir = join(settings.dataDir, "dynamodb");
    let ddb: DynamoDbLocal = await startDynamoDbLocal({ dataDir: ddbDir, port: settings.dynamodbPort });
    // Stopped in reverse: the journal is compacted last, and only if DynamoDB Local exited cleanly (all on disk).
    let journal: WriteJournal | undefined;
    let ddbClean = false;
    stops.push(async () => {
      await journal?.close();
      if (journal && ddbClean) compactJournal(journal.file);
    });
    stops.push(async () => {
      ddbClean = await ddb.stop();
    });

    const config: AppConfig = {
      tableName: "market40",
      endpoint: ddb.endpoint,
      stage: "local",
      logLevel: settings.logLevel,
      // Where invitation cards point (§13): configured, never taken from a request's headers.
      publicUrl: settings.publicUrl ?? localUrl(settings.host, settings.port),
      ...secrets.config,
    };
    const journalFile = join(settings.dataDir, WRITE_JOURNAL_FILE);
    // Writes DynamoDB Local acknowledged and may have lost in a crash are sent again, each exactly once. A journal
    // grown past CHECKPOINT_ENTRIES (crash after crash, no clean stop between) is then checkpointed: DynamoDB Local
    // stopped cleanly (everything on disk), the journal emptied, DynamoDB Local started again — so a start replays
    // a bounded journal. Otherwise the journal is emptied at the next clean stop.
    {
      const recovering = createStore(config);
      await ensureTable(recovering);
      const replayed = await replayWrites(recovering, journalFile);
      const legacy = await replayLegacyJournal(
        { store: recovering, config },
        join(settings.dataDir, LEGACY_JOURNAL_FILE),
      );
      if (replayed.restored + legacy.restored > 0)
        console.log(
          `market40: ${replayed.restored + legacy.restored} acknowledged writes restored from the journal`,
        );
      if (replayed.lostAcknowledged.length > 0)
        console.error(
          `market40: ${replayed.lostAcknowledged.length} acknowledged writes could not be applied again: ${replayed.lostAcknowledged.join(", ")}`,
        );
      if (replayed.entries >= CHECKPOINT_ENTRIES || legacy.entries > 0) {
        recovering.doc.destroy();
        if (await ddb.stop()) {
          compactJournal(journalFile);
          removeLegacyJournal(join(settings.dataDir, LEGACY_JOURNAL_FILE));
        }
        ddb = await startDynamoDbLocal({ dataDir: ddbDir, port: ddb.port });
      }
    }
    journal = openWriteJournal(journalFile);
    // Every write of this session — routes, jobs, the seed — is journalled before it is sent (core/store/writeJournal.ts).
    const store = journal.wrap(createStore(config));
    await ensureTable(store);
    const logger = createLogger(settings.logLevel);
    void journal
      .collectGarbage(createStore(config))
      .catch((err) => logger.warn("journal markers not collected", { error: (err as Error).message }));
    const renderPosters = workerPosterRenderer();
    stops.push(() => renderPosters.close());
    const deps: Deps = { store, clock: systemClock, config, logger, renderPosters };
    await ApiKeys.ensure(store, systemClock, config.adminToken!, {
      role: "admin",
      label: "local admin (ADMIN_TOKEN)",
    });

    let backgroundSeed: (() => Promise<void>) | undefined;
    let inviteDemoPerson: (() => Promise<{ name: string; url: string }>) | undefined;
    if (settings.seed) {
      const { demoInvitation, demoKeys, seedIfEmpty } = await import("./seed");
      const seeded = await seedIfEmpty(deps);
      if (seeded) {
        console.log(
          `market40: demo data loaded (${seeded.markets} markets, ${seeded.stalls} stalls); demo keys (shown once):`,
        );
        for (const k of await demoKeys(deps)) console.log(`  ${k.role.padEnd(8)} ${k.token}  ${k.label}`);
        // Made once the server is listening, so its link names the address actually bound.
        inviteDemoPerson = () => demoInvitation(deps, config.publicUrl!);
        // A month of past payments and its evaluations, loaded after start-up so the server is ready at once.
        const { seedHistory } = await import("./seed");
        const { evaluateAll } = await import("@market40/core/evaluation/scheduled");
        backgroundSeed = async () => {
          const { payments } = await seedHistory(deps);
          await evaluateAll(deps);
          // And last month's final figures, whatever the day, so the liaison has a month to compare.
          const { run } = await import("@market40/core/evaluation/evaluations");
          const { localDateOf, addDays } = await import("@market40/core/calendar/localDate");
          const lastMonth = addDays(`${localDateOf(deps.clock.now()).slice(0, 7)}-01`, -1).slice(0, 7);
          const Market = await import("@market40/core/market/market");
          for (const m of await Market.all(deps.store))
            await run(deps.store, deps.clock, m, { period: lastMonth });
          console.log(`market40: demo history loaded (${payments} past payments, evaluations computed)`);
        };
      }
    }

    let server: Awaited<ReturnType<typeof listen>>;
    try {
      server = await listen(deps, settings.port, settings.host);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new LocalStartError(
        e.code === "EADDRINUSE"
          ? `Port ${settings.port} is already in use: stop what uses it or set PORT.`
          : `Cannot listen: ${e.message}`,
      );
    }
    stops.push(() => new Promise<void>((r) => server.close(() => r())));
    const url = `http://${settings.host}:${settings.port}`;
    // PORT=0 picks a free port: the default public address names the one picked.
    const bound = server.address();
    if (!settings.publicUrl && settings.port === 0 && bound && typeof bound === "object")
      config.publicUrl = localUrl(settings.host, bound.port);
    if (inviteDemoPerson) {
      const person = await inviteDemoPerson();
      console.log(
        `market40: ${person.name}, the demo market's manager, signs in as a person: open ${person.url} ` +
          "within 24 hours and make a passkey (docs/contract.md §19)",
      );
    }

    const scheduler = startScheduler(deps);
    stops.push(() => scheduler.stop());

    if (settings.simulate) {
      const { startSimulator } = await import("./simulator");
      const simulator = startSimulator(deps, url);
      stops.push(() => simulator.stop());
    }

    void backgroundSeed?.().catch((err) =>
      console.error(`market40: demo history not loaded: ${(err as Error).message}`),
    );
    console.log(
      `market40 is ready on ${config.publicUrl} (API ${url}/api, DynamoDB Local ${ddb.endpoint}, data in ${settings.dataDir})`,
    );
    console.log(`market40: started in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    if (secrets.generated.includes("adminToken"))
      console.log(`market40: admin token (shown once, kept in ${secrets.file}): ${config.adminToken}`);
    const providerSecrets = secrets.generated.filter((g) => g !== "adminToken");
    for (const name of providerSecrets) {
      const key = name as keyof typeof config.secrets;
      console.log(
        `market40: generated ${ENV_NAMES[key]} (shown once, kept in ${secrets.file}): ${config.secrets[key]}`,
      );
    }
  } catch (err) {
    if (err instanceof LocalStartError) console.error(`market40: ${err.message}`);
    else console.error(`market40: could not start: ${(err as Error).message}`);
    await shutdown(1);
  }
}

void main();

/**
 * The web app's address when none is configured. A loopback listener is named `localhost`: passkeys need a domain as
 * their relying party id, never an IP address, and browsers treat `http://localhost` as a secure context.
 */
function localUrl(host: string, port: number): string {
  const loopback = host === "127.0.0.1" || host === "::1" || host === "localhost";
  return `http://${loopback ? "localhost" : host}:${port}`;
}
