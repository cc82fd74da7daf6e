import type { Principal } from "@market40/core/auth/keys";
import type { Clock } from "@market40/core/clock";
import type { AppConfig } from "@market40/core/config";
import type { Store } from "@market40/core/store/client";
import type { PosterRenderer } from "@market40/core/vietqr/issuance";
import type { AppLogger } from "../log";

/** What the HTTP app needs from its host (local server or Lambda); injected, so tests control it. */
export interface Deps {
  store: Store;
  clock: Clock;
  config: AppConfig;
  logger: AppLogger;
  /** Renders batch posters; in-process when absent (Lambda), a worker thread on the local server. */
  renderPosters?: PosterRenderer;
}

/** Hono's per-request variables. */
export interface AppEnv {
  Variables: {
    principal: Principal;
    requestId: string;
  };
}
