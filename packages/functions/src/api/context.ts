import type { Principal } from "@market40/core/auth/keys";
import type { SignInSession } from "@market40/core/auth/signInSessions";
import type { Clock } from "@market40/core/clock";
import type { AppConfig } from "@market40/core/config";
import type { EvaluationJob } from "@market40/core/evaluation/scheduled";
import type { PaymentAnnouncer } from "@market40/core/realtime/announcement";
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
  /** Tells a stall's open sockets of each new payment (§14): the local server's hub, or API Gateway in AWS. */
  announcer?: PaymentAnnouncer;
  /**
   * Where the daily job sends one evaluation job per market: SQS in AWS (lambda/evaluationQueue.ts). Absent locally
   * and in tests, where the jobs run through core's in-process queue with the same concurrency limit.
   */
  evaluationQueue?: EvaluationQueue;
}

/** The producer side of the evaluation queue. */
export interface EvaluationQueue {
  send(jobs: readonly EvaluationJob[]): Promise<void>;
}

/** Hono's per-request variables. */
export interface AppEnv {
  Variables: {
    principal: Principal;
    /** The session a person's request came with (docs/contract.md §19): absent for a machine's key. */
    signInSession?: { held: SignInSession; token: string; cookie: boolean };
    requestId: string;
  };
}
