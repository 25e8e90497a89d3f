import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database } from '../db/database.ts';
import type { Logger } from '../use-case/services.ts';
import type { JobMessage, QueueBackend } from './backends/index.ts';
import { deleteOutboxRows, type OutboxRow, pendingOutbox, recordPublishFailure } from './outbox.ts';

/** Most ids in one DELETE; that many waiting are deleted at once. */
const DELETE_BATCH = 1000;

export interface OutboxRelayOptions {
  /** Safety poll for rows left by a crash or a failed publish. Default 1000 ms. */
  readonly pollMs?: number;
  /** Rows per batch. Default 100. */
  readonly batch?: number;
  /** Longest wait between retries while the queue is unavailable. Default 5000 ms. */
  readonly maxRetryMs?: number;
  /**
   * Longest wait of a row published from memory for its batched DELETE (a row waiting is skipped by
   * the poll). Default 50 ms.
   */
  readonly deleteDelayMs?: number;
}

/**
 * Publishes outbox rows to the queue backend after commit and keeps retrying (with backoff) while the
 * backend is unavailable. A row is deleted only once the backend has accepted it; publishing is
 * idempotent by job id, so a crash between publish and delete cannot duplicate a job.
 *
 * A batch is published pipelined, in outbox order (oldest first), and its published rows are deleted in
 * one statement. While the backend is failing, kicks return at once and the poll retries after the
 * backoff: a commit never waits for an unreachable queue.
 *
 * `kick()` resolves once a drain that started after the call has finished, so awaiting it means "the
 * rows committed before this call were offered to the backend". Work the drain itself causes (the eager
 * backend runs jobs inside `publish`, and they write callback rows) is drained by the same drain.
 *
 * The fast path is {@link OutboxRelay.publishNow}: the process that committed rows publishes them from
 * memory right after its commit (no SELECT), and their deletions are batched: one `DELETE` at most
 * every 50 ms, shared by every commit of that time. The poll only finds what that path left behind (a crash,
 * a failed publish, another process's rows).
 *
 * @example
 * ```ts
 * const relay = new OutboxRelay(db, backend, logger);
 * relay.start();              // polls
 * db.afterCommit(() => void relay.kick());
 * ```
 */
export class OutboxRelay {
  readonly #db: Database;
  readonly #backend: QueueBackend;
  readonly #logger: Logger;
  readonly #pollMs: number;
  readonly #batch: number;
  readonly #maxRetryMs: number;
  readonly #deleteDelayMs: number;
  /** Marks the async work a drain started, so a kick from inside it does not wait for itself. */
  readonly #scope = new AsyncLocalStorage<object>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #drainToken: object | undefined;
  #followUp: Promise<void> | undefined;
  #again = false;
  #failures = 0;
  #retryAt = 0;
  #stopped = false;
  /** Ids being published from memory: the poll leaves them alone. */
  readonly #inFlight = new Set<string>();
  /** Published ids whose rows are not deleted yet (waiting for, or in, a batched DELETE): the poll leaves them alone. */
  readonly #published = new Set<string>();
  /** Published ids waiting for the next batched DELETE. */
  #toDelete: string[] = [];
  #deleteTimer: NodeJS.Timeout | undefined;
  /** Messages of {@link OutboxRelay.publishMessages} calls waiting for the microtask that publishes them. */
  #soon: OutboxRow[] = [];
  #soonPublished: Promise<void> | undefined;
  #deleting: Promise<void> | undefined;

  constructor(db: Database, backend: QueueBackend, logger: Logger, options: OutboxRelayOptions = {}) {
    this.#db = db;
    this.#backend = backend;
    this.#logger = logger;
    this.#pollMs = options.pollMs ?? 1000;
    this.#batch = options.batch ?? 100;
    this.#maxRetryMs = options.maxRetryMs ?? 5000;
    this.#deleteDelayMs = options.deleteDelayMs ?? 50;
  }

  /** Starts the safety poll. */
  start(): void {
    this.#stopped = false;
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.kick(), this.#pollMs);
    this.#timer.unref();
    void this.kick();
  }

  /**
   * Publishes pending rows now (coalesced with a drain already running). Resolves when a drain started
   * after this call is done; never rejects. While the backend is failing, resolves at once (the poll
   * retries after the backoff).
   */
  kick(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    const token = this.#scope.getStore();
    if (token !== undefined && token === this.#drainToken) {
      // Called from work this drain is doing: it reads the outbox again before it ends.
      this.#again = true;
      return Promise.resolve();
    }
    if (Date.now() < this.#retryAt) return Promise.resolve();
    if (this.#running) {
      // The running drain may have read the outbox before the caller's rows committed: run another.
      this.#followUp ??= this.#running.then(() => {
        this.#followUp = undefined;
        return this.kick();
      });
      return this.#followUp;
    }
    const drainToken = {};
    this.#drainToken = drainToken;
    this.#running = this.#scope
      .run(drainToken, () => this.#drain())
      .finally(() => {
        this.#running = undefined;
      });
    return this.#running;
  }

  /**
   * Publishes rows this process has just committed, from memory (no SELECT); their deletion joins the
   * next batched DELETE. Rows it cannot publish stay in the outbox for the poll. Never rejects; resolves
   * once the backend took them (with the eager backend: once they ran).
   *
   * @example
   * ```ts
   * db.afterCommit(() => relay.publishNow([{ id: message.id, message }]));
   * ```
   */
  async publishNow(rows: readonly OutboxRow[]): Promise<void> {
    if (this.#stopped || Date.now() < this.#retryAt) return;
    for (const row of rows) this.#inFlight.add(row.id);
    try {
      await this.#publish(rows, false);
    } catch (error) {
      this.#logger.warn({ err: error }, 'outbox: cannot publish rows; the poll will retry');
    } finally {
      for (const row of rows) this.#inFlight.delete(row.id);
    }
  }

  /**
   * {@link OutboxRelay.publishNow} of messages, together with the messages of every other call made
   * before the next microtask: the commits of one group-commit INSERT resolve together, and each would
   * otherwise go through the publish path (its promises, its `allSettled`, its delete bookkeeping) on
   * its own. Resolves once the backend took the whole batch; never rejects.
   */
  publishMessages(messages: readonly JobMessage[]): Promise<void> {
    for (const message of messages) this.#soon.push({ id: message.id, message });
    this.#soonPublished ??= Promise.resolve().then(() => {
      const rows = this.#soon;
      this.#soon = [];
      this.#soonPublished = undefined;
      return this.publishNow(rows);
    });
    return this.#soonPublished;
  }

  /**
   * Deletes published rows in batches. Rows published from memory wait up to `deleteDelayMs` (or
   * until {@link DELETE_BATCH} of them wait) and go in one DELETE: one statement, and one commit to
   * flush, for every commit of that time instead of one per round. A row waiting for its DELETE is
   * only a published row not yet removed: the poll skips it, a crash leaves it to be published again
   * (a no-op by id). `now` deletes at once (the poll, `stop()`) and resolves when done.
   */
  #deleteLater(ids: readonly string[], now: boolean): Promise<void> {
    for (const id of ids) {
      this.#published.add(id);
      this.#toDelete.push(id);
    }
    if (now || this.#toDelete.length >= DELETE_BATCH) return this.#flushDeletes();
    if (this.#deleteTimer === undefined) {
      this.#deleteTimer = setTimeout(() => void this.#flushDeletes(), this.#deleteDelayMs);
      this.#deleteTimer.unref();
    }
    return Promise.resolve();
  }

  /** Runs the waiting DELETEs now (after the one in progress); resolves when none waits. */
  #flushDeletes(): Promise<void> {
    if (this.#deleteTimer !== undefined) clearTimeout(this.#deleteTimer);
    this.#deleteTimer = undefined;
    // Started from a then: `#deleting` is set before the loop can end and clear it.
    if (this.#deleting === undefined && this.#toDelete.length > 0)
      this.#deleting = Promise.resolve().then(() => this.#runDeletes());
    return this.#deleting ?? Promise.resolve();
  }

  async #runDeletes(): Promise<void> {
    try {
      while (this.#toDelete.length > 0) {
        const batch = this.#toDelete.splice(0, DELETE_BATCH);
        await deleteOutboxRows(this.#db, batch).catch((error: unknown) => {
          // The rows stay; the poll publishes them again (a no-op by id) and deletes them then.
          this.#logger.warn({ err: error }, 'outbox: cannot delete published rows; will retry');
        });
        for (const id of batch) this.#published.delete(id);
      }
    } finally {
      this.#deleting = undefined;
    }
  }

  async #drain(): Promise<void> {
    try {
      for (;;) {
        this.#again = false;
        await this.#deleting;
        const rows = (await pendingOutbox(this.#db, this.#batch)).filter(
          (r) => !this.#inFlight.has(r.id) && !this.#published.has(r.id),
        );
        if (rows.length === 0 && !this.#again) return;
        if (!(await this.#publish(rows, true))) return;
        if (rows.length < this.#batch && !this.#again) return;
      }
    } catch (error) {
      // The database is unreachable: the poll tries again.
      this.#logger.warn({ err: error }, 'outbox: cannot read or delete rows; will retry');
    } finally {
      // Synchronously with the last check above: a kick from now on starts (or waits for) a new drain.
      this.#drainToken = undefined;
    }
  }

  /**
   * Publishes `rows` (pipelined), deletes the published ones (`deleteNow`: before returning, else in
   * the next batched DELETE); false when the backend failed.
   */
  async #publish(rows: readonly OutboxRow[], deleteNow: boolean): Promise<boolean> {
    const outcomes = await Promise.allSettled(rows.map((row) => this.#backend.publish(row.message)));
    const published = rows.filter((_, i) => outcomes[i]?.status === 'fulfilled').map((r) => r.id);
    if (published.length > 0) await this.#deleteLater(published, deleteNow);
    const failed = outcomes.findIndex((o) => o.status === 'rejected');
    if (failed === -1) {
      this.#failures = 0;
      this.#retryAt = 0;
      return true;
    }
    const reason = (outcomes[failed] as PromiseRejectedResult).reason as unknown;
    const row = rows[failed] as OutboxRow;
    this.#failures++;
    const wait = Math.min(this.#maxRetryMs, 100 * 2 ** Math.min(this.#failures, 10));
    this.#retryAt = Date.now() + wait;
    this.#logger.warn({ err: reason, jobId: row.id, retryInMs: wait }, 'outbox: publish failed; will retry');
    const message = reason instanceof Error ? reason.message : String(reason);
    await recordPublishFailure(this.#db, row.id, message).catch(() => {});
    return false;
  }

  /** Stops polling; waits for a drain in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
    await this.#flushDeletes();
  }
}
