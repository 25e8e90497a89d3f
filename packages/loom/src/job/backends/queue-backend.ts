/**
 * The seam between loom's JobService (job declarations, outbox, callbacks) and the queue engines (BullMQ
 * on Redis, the in-process default, the eager test backend). A backend only moves opaque messages and runs
 * a handler with at-least-once semantics; it knows nothing about jobs, use cases or callbacks.
 *
 * Refinements over the first sketch, each kept because something above this layer needs it:
 * - `JobRunInfo.signal`: a timeout (or a consumer closed past its grace period) cannot stop a running
 *   promise; the signal lets a cooperative handler (fetch, pg, child work) stop early.
 * - `ConsumerOptions.onSettled`: the one place that sees every attempt's outcome, including attempts failed
 *   by the backend itself (timeouts) that the handler never observes as a throw. JobService needs that for
 *   failure callbacks and metrics; tests use it to read results.
 * - `QueueBackend.health()`: readiness probes (`/health`, `loom worker`) without reaching into Redis.
 *
 * @example
 * ```ts
 * const backend: QueueBackend = createInProcessBackend();
 * const consumer = backend.consume({
 *   queues: ['notifications'],
 *   concurrency: 4,
 *   handler: async ({ message, attempt, isFinalAttempt }) => sendEmail(message.payload),
 * });
 * await backend.publish({ id: randomUUID(), name: 'SendRestockEmail', queue: 'notifications',
 *   payload: { productId: 7 }, attempts: 3, backoffMs: 1000 });
 * await consumer.close({ timeoutMs: 10_000 });
 * await backend.close();
 * ```
 */
export interface QueueBackend {
  readonly kind: 'bullmq' | 'inprocess' | 'eager';
  /**
   * True when a message the engine accepted outlives this process (the engine keeps it, not this
   * process's memory). A dispatch whose unit of work writes nothing else is then published straight to
   * the engine, without an outbox row: there is no transaction to tie it to, and the engine's
   * acceptance is what the row would have bought (docs/decisions/0067-straight-publish-without-writes.md).
   * Absent or false: every dispatch goes through the outbox.
   */
  readonly durable?: boolean;
  /**
   * Whether a publish now would go out at once (BullMQ: its producer connection is up). Straight
   * publishing (see `durable`) is only tried then, so a queue that is down or not yet connected costs a
   * dispatch no wait: it takes the outbox. Absent: assumed true.
   */
  readonly isConnected?: () => boolean;
  /**
   * Enqueues a message. Publishing an id that is already known (waiting, running, or finished and still
   * retained) is a no-op, so an outbox relay may publish the same row again after a crash.
   *
   * Rejects with `ServiceUnavailable` when the engine cannot be reached within a bounded time (retry
   * later), and with `TypeError` when the message itself is invalid (retrying will not help).
   */
  publish(message: JobMessage): Promise<void>;
  /** Starts taking messages of `options.queues`. Several consumers may share a queue (they compete). */
  consume(options: ConsumerOptions): Consumer;
  /** Counts by state for a queue, for metrics and tests. */
  stats(queue: string): Promise<QueueStats>;
  /**
   * Where message `id` stands, looked up in `queues` (BullMQ keeps jobs per queue); `undefined` when the
   * backend does not know it (never published, or finished and no longer retained). Finished messages
   * are retained with bounds: BullMQ's `keepCompleted`/`keepFailed`, the in-memory backends' own.
   */
  status(id: string, queues: readonly string[]): Promise<MessageStatus | undefined>;
  /** Whether the engine is reachable now. Never throws. */
  health(): Promise<QueueHealth>;
  /** Closes every consumer (graceful, default grace period) and releases connections. Idempotent. */
  close(): Promise<void>;
}

/** One unit of work on the wire. JSON-serialisable; backends deliver a JSON round-tripped copy. */
export interface JobMessage {
  /**
   * Loom job id; publishing the same id twice enqueues it once. Must be non-empty, must not be an integer
   * string nor contain `:` (BullMQ's custom-id rules, enforced by every backend so tests catch it early).
   */
  readonly id: string;
  /** Job (or callback) name, used by the handler to find what to run. */
  readonly name: string;
  /** Queue name (no `:`). */
  readonly queue: string;
  /** JSON-serialisable. */
  readonly payload: unknown;
  /** Maximum number of attempts, `1 + retries`. Integer ≥ 1. */
  readonly attempts: number;
  /** Base delay of exponential backoff: attempt n+1 starts `backoffMs · 2^(n-1)` after attempt n failed. */
  readonly backoffMs: number;
  /** Delay before the first attempt. */
  readonly delayMs?: number;
  /**
   * Epoch ms before which the first attempt does not start; wins over `delayMs`. Absolute, so a message
   * published late (the queue was down) does not wait its delay again.
   */
  readonly runAt?: number;
  /**
   * BullMQ semantics: 0 or absent = no priority, taken before prioritized messages; otherwise lower runs
   * first, integer 1..2 097 151. Ties run in publish order.
   */
  readonly priority?: number;
  /** A run longer than this fails the attempt with `JobTimeoutError` (and aborts `signal`). */
  readonly timeoutMs?: number;
  /** Opaque string metadata carried along, e.g. trace context. */
  readonly meta?: Readonly<Record<string, string>>;
  /**
   * Makes this message the parent of a group (decision 0062): the children are published with it, in
   * one step (all or none), and it runs once, after every child finished (completed, or failed after its
   * last attempt), its handler told each child's outcome (`JobRunInfo.children`). Children carry no
   * children of their own. Until then the parent reads `waiting`. BullMQ: a flow (the parent waits for
   * its children; a child failing for good is an ignored dependency); in memory: the same bookkeeping.
   */
  readonly children?: readonly JobMessage[];
}

/** How a child of a group ended, as its parent's handler is told (`JobRunInfo.children`). */
export type ChildOutcome =
  | { readonly id: string; readonly state: 'completed'; readonly result: unknown }
  | { readonly id: string; readonly state: 'failed'; readonly error: string };

/** What a handler is told about the attempt it runs. */
export interface JobRunInfo {
  /** The message (without `children`). */
  readonly message: JobMessage;
  /** A group's parent: how each child ended, in the order of `message.children` at publish. */
  readonly children?: readonly ChildOutcome[];
  /** 1-based. An attempt interrupted by a crashed worker is run again with the same number. */
  readonly attempt: number;
  /** True when a failure of this attempt is final (no retry follows). */
  readonly isFinalAttempt: boolean;
  /** Aborted when the attempt times out or its consumer is closed past its grace period. */
  readonly signal: AbortSignal;
  /**
   * Runs `message`'s first attempt now, in this attempt's consumer slot, through the consumer's handler
   * and `onSettled`, as if the engine had delivered it; called from `onSettled` of this attempt, so the
   * engine acknowledges this attempt only after it. Nothing is enqueued: the caller publishes the
   * message itself when that attempt fails and a retry should follow. Used for a job's success callback
   * when the job wrote nothing (see docs/decisions/0063-inline-success-callbacks.md). Backends built on
   * `runAttempt` provide it.
   */
  readonly follow?: (message: JobMessage) => Promise<JobSettlement>;
}

/** Resolve = success with a (JSON-serialisable) result; throw = failed attempt. */
export type JobHandler = (info: JobRunInfo) => Promise<unknown>;

/** The outcome of one attempt, as reported to `onSettled`. */
export type JobSettlement =
  | {
      readonly status: 'completed';
      readonly info: JobRunInfo;
      readonly result: unknown;
      readonly durationMs: number;
    }
  | {
      readonly status: 'failed';
      readonly info: JobRunInfo;
      /** The handler's error, or a `JobTimeoutError`. A retry follows unless `info.isFinalAttempt`. */
      readonly error: Error;
      readonly durationMs: number;
    };

export interface ConsumerOptions {
  readonly queues: readonly string[];
  /** Maximum handlers in flight for this consumer (per queue for BullMQ, which runs one worker per queue). */
  readonly concurrency: number;
  readonly handler: JobHandler;
  /**
   * Called after every attempt, awaited before the attempt is acknowledged to the engine (so a crash in
   * between re-runs the job). Errors it throws go to the backend's `onError`; the outcome stands.
   */
  readonly onSettled?: (settlement: JobSettlement) => void | Promise<void>;
}

export interface Consumer {
  /**
   * Graceful: stops taking messages and waits for in-flight attempts, at most `timeoutMs` (default 30 s).
   * Past that, their signals are aborted and the consumer lets go of them: BullMQ's stalled-job check
   * hands them to another worker; the in-process backend records them whenever they settle.
   */
  close(opts?: { readonly timeoutMs?: number }): Promise<void>;
}

export interface QueueStats {
  /** Ready to run (including prioritized), not yet taken. */
  readonly waiting: number;
  readonly active: number;
  /** Waiting for `delayMs` or for a retry's backoff. */
  readonly delayed: number;
  /** Succeeded (BullMQ: those still retained). */
  readonly completed: number;
  /** Failed for good, all attempts used (BullMQ: those still retained). */
  readonly failed: number;
}

/** What a backend knows about one message (see {@link QueueBackend.status}). */
export interface MessageStatus {
  readonly id: string;
  readonly name: string;
  readonly queue: string;
  /** `delayed` covers both `delayMs` and a retry's backoff. */
  readonly state: 'waiting' | 'delayed' | 'running' | 'completed' | 'failed';
  /** Attempts finished so far (failed ones, plus the one that succeeded). */
  readonly attempts: number;
  /** The handler's result (JSON round-tripped), when completed. */
  readonly result?: unknown;
  /** The last failed attempt's error message, when failed. */
  readonly error?: string;
}

export interface QueueHealth {
  readonly ok: boolean;
  /** Why not, when `ok` is false. */
  readonly detail?: string;
}

/** Default grace period of `Consumer.close()` and `QueueBackend.close()`. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 30_000;
