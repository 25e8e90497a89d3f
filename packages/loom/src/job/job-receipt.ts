import type { DispatchReceipt, FinishedJobStatus } from '../use-case/job-service-types.ts';

/**
 * Default bound of `receipt.wait()`, in ms.
 *
 * @example
 * ```ts
 * declare const receipt: DispatchReceipt;
 * await receipt.wait({ timeoutMs: DEFAULT_WAIT_TIMEOUT_MS * 2 });
 * ```
 */
export const DEFAULT_WAIT_TIMEOUT_MS = 30_000;

/**
 * `receipt.wait()` gave up: the job had not finished within `timeoutMs`. It may still run; ask
 * `jobs.status(jobId)` later.
 *
 * @example
 * ```ts
 * declare const receipt: DispatchReceipt;
 * try {
 *   await receipt.wait({ timeoutMs: 1_000 });
 * } catch (e) {
 *   if (e instanceof JobWaitTimeout) console.log('still running; ask jobs.status later');
 * }
 * ```
 */
export class JobWaitTimeout extends Error {
  readonly code = 'LOOM_JOB_WAIT_TIMEOUT';
  readonly jobId: string;
  readonly timeoutMs: number;
  constructor(jobId: string, timeoutMs: number) {
    super(`job ${jobId} did not finish within ${timeoutMs} ms`);
    this.name = 'JobWaitTimeout';
    this.jobId = jobId;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * What `jobs.dispatch` returns: the job's id and queue (its JSON form, `{ jobId, queue }`) and `wait()`.
 * The waiting itself belongs to the job runtime, which hands it in.
 *
 * @example
 * ```ts
 * const receipt = new JobReceipt('3f…', 'mail', (ms) => runtime.waitFor('3f…', ms));
 * JSON.stringify(receipt); // {"jobId":"3f…","queue":"mail"}
 * ```
 */
export class JobReceipt<R = unknown> implements DispatchReceipt<R> {
  readonly jobId: string;
  readonly queue: string;
  readonly #wait: (timeoutMs: number) => Promise<FinishedJobStatus<R>>;

  constructor(jobId: string, queue: string, wait: (timeoutMs: number) => Promise<FinishedJobStatus<R>>) {
    this.jobId = jobId;
    this.queue = queue;
    this.#wait = wait;
  }

  wait(options?: { readonly timeoutMs?: number }): Promise<FinishedJobStatus<R>> {
    const timeoutMs = options?.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
    if (!(Number.isFinite(timeoutMs) && timeoutMs >= 0)) {
      return Promise.reject(new TypeError('wait: timeoutMs must be a finite number ≥ 0'));
    }
    return this.#wait(timeoutMs);
  }
}
