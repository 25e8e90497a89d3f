/**
 * An attempt ran longer than its message's `timeoutMs`. The backend fails the attempt with this error (it
 * is retried like any failure) and aborts the attempt's `signal` with it.
 *
 * @example
 * ```ts
 * if (settlement.status === 'failed' && settlement.error instanceof JobTimeoutError) metrics.timeouts.inc();
 * ```
 */
export class JobTimeoutError extends Error {
  readonly code = 'LOOM_JOB_TIMEOUT';
  readonly jobId: string;
  readonly timeoutMs: number;
  constructor(jobName: string, jobId: string, timeoutMs: number) {
    super(`job ${jobName} (${jobId}) timed out after ${timeoutMs} ms`);
    this.name = 'JobTimeoutError';
    this.jobId = jobId;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The reason a handler's `signal` is aborted when its consumer closes before the attempt finished.
 *
 * @example
 * ```ts
 * info.signal.addEventListener('abort', () => {
 *   if (info.signal.reason instanceof ConsumerClosedError) stopEarly();
 * });
 * ```
 */
export class ConsumerClosedError extends Error {
  readonly code = 'LOOM_CONSUMER_CLOSED';
  constructor(message = 'the consumer closed before the attempt finished') {
    super(message);
    this.name = 'ConsumerClosedError';
  }
}
