import type { AnyCommand, PayloadOfCommand } from '../command/command.ts';
import type { JobMessage } from '../job/backends/queue-backend.ts';
import type { AnyCallbacks } from '../job/callbacks.ts';
import type { AnyGroupCallback } from '../job/group-callback.ts';
import type { AnyJob } from '../job/job.ts';
import type { JobRuntime } from '../job/job-runtime.ts';
import type { ParamsOf, UseCase } from '../use-case/use-case.ts';
import type { CapturingBackend, SettledAttempt, TestJobMode } from './capturing-backend.ts';
import { systemError } from './faults.ts';

type ParamsOfJob<J> =
  J extends UseCase<infer _T, infer P, infer _C, infer _L, infer _Q, infer _R> ? ParamsOf<P> : never;
type PayloadOfJob<J> =
  J extends UseCase<infer _T, infer _P, infer C, infer _L, infer _Q, infer _R>
    ? C extends AnyCommand
      ? PayloadOfCommand<C>
      : null
    : never;

/**
 * A job dispatched by the app (after its transaction committed), as it went to the queue.
 *
 * @example
 * ```ts
 * const [sent] = app.jobs.dispatched(SendRestockEmail);
 * sent?.params.productId; // number
 * ```
 */
export interface DispatchedJob<J = AnyJob> {
  readonly id: string;
  readonly name: string;
  readonly queue: string;
  /** The params, bound to their declared types. */
  readonly params: ParamsOfJob<J>;
  /** The payload as the dispatcher gave it (null without an input command). */
  readonly payload: PayloadOfJob<J>;
  /** The callbacks declaration's name, when dispatched with callbacks. */
  readonly callbacks: string | undefined;
  /** The declaration whose `onSuccess` follows the job (the dispatch's `onSuccess`, else `callbacks`). */
  readonly onSuccess: string | undefined;
  /** The declaration whose `onFailure` follows the job (the dispatch's `onFailure`, else `callbacks`). */
  readonly onFailure: string | undefined;
  readonly traceId: string | undefined;
}

/**
 * `app.jobs`: what was dispatched, how it ran, and control over when and whether it runs.
 *
 * @example
 * ```ts
 * app.jobs.mode = 'manual';
 * await app.post('/products/1/jobs/restock-email', { recipientEmail: 'qa@example.com' });
 * await app.jobs.runAll();
 * app.jobs.callbackRuns(RestockEmailCallbacks, 'onSuccess').length; // 1
 * ```
 */
export interface TestJobs {
  /** `eager` (default): a job runs when its dispatching transaction commits. `manual`: held until {@link TestJobs.runAll}. */
  mode: TestJobMode;
  /**
   * Every job dispatched (callbacks excluded, the members of a group included), in order; of one job,
   * typed by its declaration.
   */
  dispatched(): readonly DispatchedJob[];
  dispatched<J extends AnyJob>(job: J): readonly DispatchedJob<J>[];
  /** Runs every held job and the callbacks they schedule, until nothing is held; resolves with how many ran. */
  runAll(): Promise<number>;
  /** Every settled attempt, of one job when given. */
  attempts(job?: AnyJob): readonly SettledAttempt[];
  /** The settled attempts of a callbacks declaration's `onSuccess` or `onFailure`. */
  callbackRuns(callbacks: AnyCallbacks, kind: 'onSuccess' | 'onFailure'): readonly SettledAttempt[];
  /** The settled attempts of a group callback's `onComplete`. */
  callbackRuns(callbacks: AnyGroupCallback, kind: 'onComplete'): readonly SettledAttempt[];
  /** Makes every attempt of `job` fail with `error` (before it runs) until the returned function is called. */
  fail(job: AnyJob, error?: Error): () => void;
  /** Forgets what was recorded and drops held jobs. */
  clear(): void;
}

const isCallbackName = (name: string) =>
  name.endsWith('.onSuccess') || name.endsWith('.onFailure') || name.endsWith('.onComplete');

/** Published messages as dispatched jobs: a group's members in place of the group's message. */
const withMembers = (messages: readonly JobMessage[]): JobMessage[] =>
  messages.flatMap((m) => [m, ...(m.children ?? [])]);

/**
 * The `app.jobs` of a test app over its capturing backend and job runtime.
 *
 * @example
 * ```ts
 * const jobs = testJobs(createCapturingBackend(), assembly.jobs);
 * jobs.dispatched(SendRestockEmail)[0]?.params.productId;
 * ```
 */
export function testJobs(backend: CapturingBackend, runtime: JobRuntime): TestJobs {
  const nameOf = (job: AnyJob) => runtime.settingsOf(job).name;
  const dispatched = (job?: AnyJob): readonly DispatchedJob[] =>
    withMembers(backend.published)
      .filter((m) => !isCallbackName(m.name) && (job === undefined || m.name === nameOf(job)))
      .map((m) => {
        const p = m.payload as {
          params: Record<string, unknown>;
          payload: unknown;
          callbacks?: string;
          onSuccess?: string;
          onFailure?: string;
          traceId?: string;
        };
        return {
          id: m.id,
          name: m.name,
          queue: m.queue,
          params: p.params as never,
          payload: (p.payload ?? null) as never,
          callbacks: p.callbacks,
          onSuccess: p.onSuccess ?? p.callbacks,
          onFailure: p.onFailure ?? p.callbacks,
          traceId: p.traceId,
        };
      });
  return {
    get mode() {
      return backend.mode;
    },
    set mode(mode: TestJobMode) {
      backend.mode = mode;
    },
    dispatched: dispatched as TestJobs['dispatched'],
    async runAll() {
      const from = backend.settled.length;
      // Callbacks are scheduled through the outbox after each job: flush it, run what it held, again.
      do {
        await backend.release();
        await runtime.relay.kick();
      } while (backend.held.length > 0);
      // Jobs and callbacks that ran, each once whatever its attempts (the success callback of a job that
      // wrote nothing runs in the job's slot, never held: decision 0063).
      return new Set(backend.settled.slice(from).map((s) => s.id)).size;
    },
    attempts(job) {
      return job === undefined
        ? backend.settled.filter((s) => !isCallbackName(s.name))
        : backend.settled.filter((s) => s.name === nameOf(job));
    },
    callbackRuns(callbacks: { readonly name: string }, kind: string) {
      return backend.settled.filter((s) => s.name === `${callbacks.name}.${kind}`);
    },
    fail(job, error = systemError(`simulated failure of job ${nameOf(job)}`)) {
      return backend.failing(nameOf(job), error);
    },
    clear() {
      backend.clear();
    },
  };
}
