import { parentPort } from "node:worker_threads";
import * as Poster from "@market40/core/poster/poster";

/** The worker thread's side of {@link ./posterRenderer}: renders one batch at a time, answers with the bytes. */
interface Job {
  id: number;
  title: string;
  contents: Poster.PosterContent[];
  options: Poster.RenderOptions;
}

parentPort!.on("message", async (job: Job) => {
  try {
    const pdf = await Poster.renderMany(job.title, job.contents, job.options);
    parentPort!.postMessage({ id: job.id, pdf }, [pdf.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ id: job.id, error: (err as Error).message });
  }
});
