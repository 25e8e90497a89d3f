import { normaliseMessage } from './job-message.ts';
import type { ChildOutcome, JobHandler, JobMessage, JobRunInfo, JobSettlement } from './queue-backend.ts';
import { JobTimeoutError } from './queue-errors.ts';

/** Everything one attempt needs; shared by the three backends so they time out and report alike. */
export interface AttemptInput {
  readonly handler: JobHandler;
  readonly onSettled: ((settlement: JobSettlement) => void | Promise<void>) | undefined;
  readonly onError: (error: Error) => void;
  readonly message: JobMessage;
  readonly attempt: number;
  /** A group's parent: its children's outcomes. */
  readonly children?: readonly ChildOutcome[] | undefined;
  /** Aborted by the timeout here, or by the consumer when it closes past its grace period. */
  readonly controller: AbortController;
}

/**
 * Runs one attempt: calls the handler, fails it with {@link JobTimeoutError} (aborting the signal) when it
 * outlives `message.timeoutMs`, then awaits `onSettled`. Never throws; the settlement says what happened.
 *
 * @example
 * ```ts
 * const s = await runAttempt({ handler, onSettled, onError, message, attempt: 1, controller: new AbortController() });
 * if (s.status === 'failed' && !s.info.isFinalAttempt) scheduleRetry();
 * ```
 */
export async function runAttempt(input: AttemptInput): Promise<JobSettlement> {
  const { message, attempt, controller } = input;
  const info: JobRunInfo = {
    message,
    attempt,
    isFinalAttempt: attempt >= message.attempts,
    signal: controller.signal,
    ...(input.children === undefined ? {} : { children: input.children }),
    // The follow-up's first attempt, in this slot, through the same handler and onSettled (so whatever
    // wraps them, logging and tracing, sees it too); it shares this attempt's signal (a consumer closed
    // past its grace period aborts both). The message is what a publish would deliver: a JSON copy.
    // A group's outcomes belong to its parent's attempt, not to the follow-up.
    follow: (next) => {
      const { children: _outcomes, ...rest } = input;
      return runAttempt({ ...rest, message: normaliseMessage(next), attempt: 1 });
    },
  };
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let settlement: JobSettlement;
  try {
    const run = Promise.resolve().then(() => input.handler(info));
    const result =
      message.timeoutMs === undefined
        ? await run
        : await Promise.race([
            run,
            new Promise<never>((_, reject) => {
              const ms = message.timeoutMs ?? 0;
              timer = setTimeout(() => {
                const error = new JobTimeoutError(message.name, message.id, ms);
                controller.abort(error);
                reject(error);
              }, ms);
            }),
          ]);
    settlement = { status: 'completed', info, result, durationMs: performance.now() - started };
  } catch (error) {
    settlement = { status: 'failed', info, error: toError(error), durationMs: performance.now() - started };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
  if (input.onSettled !== undefined) {
    try {
      await input.onSettled(settlement);
    } catch (error) {
      input.onError(toError(error));
    }
  }
  return settlement;
}

/**
 * Makes an `Error` of anything thrown.
 *
 * @example
 * ```ts
 * toError('boom').message; // 'boom'
 * ```
 */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  const error = new Error(typeof thrown === 'string' ? thrown : `non-error thrown: ${safeString(thrown)}`);
  return Object.assign(error, { thrown });
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Resolves `true` when `promise` settles within `ms`, `false` otherwise (the promise keeps running).
 *
 * @example
 * ```ts
 * if (!(await settlesWithin(worker.close(), 5000))) await worker.disconnect();
 * ```
 */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The default `onError` of the backends: loud, since a lost error here is a lost job outcome. */
export function defaultOnError(error: Error): void {
  console.error('[loom queue]', error);
}
