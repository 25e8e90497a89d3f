import type { Database } from '../db/database.ts';
import type { Logger } from '../use-case/services.ts';
import type { QueueBackend } from './backends/index.ts';
import { deleteOutbox, pendingOutbox, recordPublishFailure } from './outbox.ts';

export interface OutboxRelayOptions {
  /** Safety poll for rows left by a crash or a failed publish. Default 1000 ms. */
  readonly pollMs?: number;
  /** Rows per batch. Default 100. */
  readonly batch?: number;
  /** Longest wait between retries while the queue is unavailable. Default 5000 ms. */
  readonly maxRetryMs?: number;
}

/**
 * Publishes outbox rows to the queue backend after commit, in order, and keeps retrying (with backoff)
 * while the backend is unavailable. A row is deleted only once the backend has accepted it; publishing
 * is idempotent by job id, so a crash between publish and delete cannot duplicate a job.
 *
 * @example
 * ```ts
 * const relay = new OutboxRelay(db, backend, logger);
 * relay.start();              // polls
 * db.afterCommit(() => relay.kick());
 * ```
 */
export class OutboxRelay {
  readonly #db: Database;
  readonly #backend: QueueBackend;
  readonly #logger: Logger;
  readonly #pollMs: number;
  readonly #batch: number;
  readonly #maxRetryMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #failures = 0;
  #retryAt = 0;
  #stopped = false;

  constructor(db: Database, backend: QueueBackend, logger: Logger, options: OutboxRelayOptions = {}) {
    this.#db = db;
    this.#backend = backend;
    this.#logger = logger;
    this.#pollMs = options.pollMs ?? 1000;
    this.#batch = options.batch ?? 100;
    this.#maxRetryMs = options.maxRetryMs ?? 5000;
  }

  /** Starts the safety poll. */
  start(): void {
    this.#stopped = false;
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      if (Date.now() >= this.#retryAt) void this.kick();
    }, this.#pollMs);
    this.#timer.unref();
    void this.kick();
  }

  /** Publishes pending rows now (coalesced with a drain already running). Resolves when drained. */
  kick(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#drain().finally(() => {
      this.#running = undefined;
      if (this.#again && !this.#stopped) {
        this.#again = false;
        void this.kick();
      }
    });
    return this.#running;
  }

  async #drain(): Promise<void> {
    for (;;) {
      let rows: Awaited<ReturnType<typeof pendingOutbox>>;
      try {
        rows = await pendingOutbox(this.#db, this.#batch);
      } catch (error) {
        this.#logger.warn({ err: error }, 'outbox: cannot read pending rows');
        return;
      }
      if (rows.length === 0) return;
      for (const row of rows) {
        try {
          await this.#backend.publish(row.message);
        } catch (error) {
          this.#failures++;
          const wait = Math.min(this.#maxRetryMs, 100 * 2 ** Math.min(this.#failures, 10));
          this.#retryAt = Date.now() + wait;
          this.#logger.warn({ err: error, jobId: row.id, retryInMs: wait }, 'outbox: publish failed; will retry');
          await recordPublishFailure(this.#db, row.id, String((error as Error)?.message ?? error)).catch(() => {});
          return;
        }
        this.#failures = 0;
        this.#retryAt = 0;
        await deleteOutbox(this.#db, row.id);
      }
      if (rows.length < this.#batch) return;
    }
  }

  /** Stops polling; waits for a drain in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
