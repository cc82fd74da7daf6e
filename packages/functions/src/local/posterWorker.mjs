// The poster worker's entry: registers tsx's loader in this thread, then runs the TypeScript worker.
// (Only the local runtime, started with tsx, uses it; Lambda bundles render in-process.)
import { register } from "tsx/esm/api";

register();
await import("./posterWorker.ts");
