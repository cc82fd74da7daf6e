import { Worker } from "node:worker_threads";
import { DomainError } from "@market40/core/errors";
import type { PosterContent, RenderOptions } from "@market40/core/poster/poster";
import type { PosterRenderer } from "@market40/core/vietqr/issuance";

/** A worker's heap ceiling: one part (≤ 200 posters) needs well under this (docs/benchmarks.md). */
export const POSTER_WORKER_HEAP_MB = 192;

interface Pending {
  resolve: (pdf: Uint8Array) => void;
  reject: (err: Error) => void;
}

/**
 * Batch posters rendered on one worker thread, one part at a time (docs/contract.md §12): the server's event loop
 * never runs PDF code, so `/api/health` and callbacks keep answering; parts asked for together wait their turn, so
 * memory is one part's, not four. A worker that dies (out of its heap) fails its job with a 503 and is replaced.
 */
export function workerPosterRenderer(): PosterRenderer & { close(): Promise<void> } {
  let worker: Worker | undefined;
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let queue: Promise<unknown> = Promise.resolve();

  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const spawn = (): Worker => {
    // A plain-JS entry that registers tsx in the worker's own thread, then loads the TypeScript worker.
    const url = new URL("./posterWorker.mjs", import.meta.url);
    const w = new Worker(url, { resourceLimits: { maxOldGenerationSizeMb: POSTER_WORKER_HEAP_MB } });
    w.unref();
    w.on("message", (m: { id: number; pdf?: Uint8Array; error?: string }) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (!p) return;
      if (m.pdf) p.resolve(new Uint8Array(m.pdf));
      else p.reject(new Error(m.error ?? "poster rendering failed"));
    });
    const gone = (why: string) => {
      if (worker === w) worker = undefined;
      failAll(new DomainError("unavailable", `Poster rendering stopped (${why}); retry`));
    };
    w.on("error", (err) => gone(err.message));
    w.on("exit", (code) => gone(`exit ${code}`));
    return w;
  };

  const renderOne = (title: string, contents: PosterContent[], options: RenderOptions) =>
    new Promise<Uint8Array>((resolve, reject) => {
      worker ??= spawn();
      const id = ++nextId;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, title, contents, options });
    });

  const render = ((title: string, contents: PosterContent[], options: RenderOptions) => {
    const run = queue.then(() => renderOne(title, contents, options));
    queue = run.catch(() => {});
    return run;
  }) as PosterRenderer & { close(): Promise<void> };
  render.close = async () => {
    const w = worker;
    worker = undefined;
    if (w) await w.terminate();
  };
  return render;
}
