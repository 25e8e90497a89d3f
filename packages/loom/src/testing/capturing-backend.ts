import { createEagerBackend } from '../job/backends/eager-backend.ts';
import type { JobMessage, JobSettlement, QueueBackend } from '../job/backends/queue-backend.ts';

/**
 * How a test app runs the jobs its use cases dispatch.
 *
 * @example
 * ```ts
 * await createTestApp(manifest, { jobs: 'manual' });
 * ```
 */
export type TestJobMode = 'eager' | 'manual';

/**
 * One attempt of a job or callback, as the queue saw it settle.
 *
 * @example
 * ```ts
 * app.jobs.attempts(SendRestockEmail)[0]?.status; // 'completed'
 * ```
 */
export interface SettledAttempt {
  readonly id: string;
  /** The job's name, or `<Callbacks>.onSuccess` / `<Callbacks>.onFailure`. */
  readonly name: string;
  readonly attempt: number;
  readonly status: 'completed' | 'failed';
  readonly result?: unknown;
  readonly error?: Error;
}

/**
 * A queue backend that records what it is given and settles, and holds messages in `manual` mode.
 *
 * @example
 * ```ts
 * const backend: CapturingBackend = createCapturingBackend('manual');
 * ```
 */
export interface CapturingBackend extends QueueBackend {
  mode: TestJobMode;
  /**
   * Every message published, in order: jobs, and callbacks run as queue jobs (the success callback of
   * a job that wrote nothing runs in the job's slot unless its first attempt fails: decision 0063).
   */
  readonly published: readonly JobMessage[];
  /** Every attempt that settled, in order. */
  readonly settled: readonly SettledAttempt[];
  /** Messages held in `manual` mode, not run yet. */
  readonly held: readonly JobMessage[];
  /** Runs the held messages (each with all its attempts); resolves once they settled. */
  release(): Promise<number>;
  /** Makes every attempt of messages named `name` fail with `error` until the returned function is called. */
  failing(name: string, error: Error): () => void;
  /** Forgets what was recorded. */
  clear(): void;
}

/**
 * The testing kit's queue: the eager backend (each job, with all its attempts back to back, runs inside
 * `publish`), plus a record of what was published and how each attempt settled, a `manual` mode that
 * holds messages until `release()`, and failure injection before the handler runs (so the job runtime
 * sees a failed attempt and schedules `onFailure`, as with a real failure).
 *
 * @example
 * ```ts
 * const backend = createCapturingBackend('manual');
 * // … createApp with { backend } …
 * backend.held.length; // 1 after a dispatch
 * await backend.release();
 * ```
 */
export function createCapturingBackend(mode: TestJobMode = 'eager'): CapturingBackend {
  const inner = createEagerBackend({ onError: () => {} });
  const published: JobMessage[] = [];
  const settled: SettledAttempt[] = [];
  let held: JobMessage[] = [];
  const failures = new Map<string, Error>();

  const record = (s: JobSettlement) => {
    const { message, attempt } = s.info;
    settled.push(
      s.status === 'completed'
        ? { id: message.id, name: message.name, attempt, status: 'completed', result: s.result }
        : { id: message.id, name: message.name, attempt, status: 'failed', error: s.error },
    );
  };

  const backend: CapturingBackend = {
    kind: 'eager',
    mode,
    published,
    settled,
    get held() {
      return held;
    },
    async publish(message) {
      published.push(message);
      if (backend.mode === 'manual') {
        held.push(message);
        return;
      }
      await inner.publish(message);
    },
    consume(options) {
      return inner.consume({
        ...options,
        handler: (info) => {
          const error = failures.get(info.message.name);
          return error === undefined ? options.handler(info) : Promise.reject(error);
        },
        onSettled: async (s) => {
          record(s);
          await options.onSettled?.(s);
        },
      });
    },
    async release() {
      const batch = held;
      held = [];
      for (const message of batch) await inner.publish(message);
      return batch.length;
    },
    failing(name, error) {
      failures.set(name, error);
      return () => {
        if (failures.get(name) === error) failures.delete(name);
      };
    },
    clear() {
      published.length = 0;
      settled.length = 0;
      held = [];
    },
    stats: (queue) => inner.stats(queue),
    // Held messages (manual mode) are not on the queue yet: unknown, like an unpublished message.
    status: (id, queues) => inner.status(id, queues),
    health: () => inner.health(),
    close: () => inner.close(),
  };
  return backend;
}
