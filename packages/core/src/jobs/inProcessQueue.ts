/**
 * A queue in the process, with the semantics the platform relies on from SQS and a Lambda event source: at most
 * `concurrency` jobs run at once, a job that throws is received again (up to `maxReceives` times, after a growing
 * delay, as a message reappears after its visibility timeout), and a job that fails every time is moved to the
 * dead letters, from where `redrive()` sends it again. Used by `npm start` and tests, where there is no SQS; the
 * handler is the same function the AWS consumer calls.
 *
 * Nothing here is durable: a process that dies loses what it held. The jobs put on it (evaluations) are
 * recomputed by the next run, and are idempotent, so that is the right trade for a local runtime.
 */
export interface QueueOptions<T, R> {
  concurrency: number;
  maxReceives: number;
  handle(job: T, receive: number): Promise<R>;
  /** Delay before receive n + 1 after receive n failed; 100 ms, 200 ms, 400 ms... by default. */
  retryDelayMs?(receive: number): number;
  onDeadLetter?(letter: DeadLetter<T>): void;
}

export interface DeadLetter<T> {
  job: T;
  receives: number;
  error: Error;
}

export interface Drained<T, R> {
  results: R[];
  deadLetters: DeadLetter<T>[];
}

export class InProcessQueue<T, R> {
  private readonly waiting: { job: T; receive: number }[] = [];
  private running = 0;
  private delayed = 0;
  private results: R[] = [];
  private dead: DeadLetter<T>[] = [];
  private idle: (() => void)[] = [];
  private peak = 0;

  constructor(private readonly options: QueueOptions<T, R>) {
    if (!(options.concurrency >= 1 && options.maxReceives >= 1))
      throw new Error("concurrency and maxReceives ≥ 1");
  }

  send(jobs: readonly T[]): void {
    for (const job of jobs) this.waiting.push({ job, receive: 1 });
    this.pump();
  }

  /** Moves every dead letter back onto the queue (SQS: start a message move task from the dead-letter queue). */
  redrive(): number {
    const letters = this.dead;
    this.dead = [];
    for (const l of letters) this.waiting.push({ job: l.job, receive: 1 });
    this.pump();
    return letters.length;
  }

  /** The most jobs that ran at the same moment, so far. */
  get peakConcurrency(): number {
    return this.peak;
  }

  /**
   * Waits until nothing is waiting, running or about to be retried; returns the results that finished since the last
   * drain, and the dead letters (which stay, as on a dead-letter queue, until `redrive()`).
   */
  async drain(): Promise<Drained<T, R>> {
    if (!this.settled()) await new Promise<void>((resolve) => this.idle.push(resolve));
    const out = { results: this.results, deadLetters: [...this.dead] };
    this.results = [];
    return out;
  }

  private settled() {
    return this.waiting.length === 0 && this.running === 0 && this.delayed === 0;
  }

  private pump() {
    while (this.running < this.options.concurrency && this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      this.running++;
      this.peak = Math.max(this.peak, this.running);
      void this.receive(next.job, next.receive);
    }
    if (this.settled()) for (const resolve of this.idle.splice(0)) resolve();
  }

  private async receive(job: T, receive: number) {
    try {
      this.results.push(await this.options.handle(job, receive));
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      if (receive >= this.options.maxReceives) {
        const letter = { job, receives: receive, error };
        this.dead.push(letter);
        this.options.onDeadLetter?.(letter);
      } else {
        this.delayed++;
        const delay = this.options.retryDelayMs?.(receive) ?? 100 * 2 ** (receive - 1);
        setTimeout(() => {
          this.delayed--;
          this.waiting.push({ job, receive: receive + 1 });
          this.pump();
        }, delay);
      }
    } finally {
      this.running--;
      this.pump();
    }
  }
}
