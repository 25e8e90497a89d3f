import type { AnyCommand } from '../command/command.ts';
import type { MarkersFor, ParamsDecl, UseCase, UseCaseDecl } from '../use-case/use-case.ts';
import { useCase } from '../use-case/use-case.ts';

/** Queue settings of a job; each can be overridden from config (`jobs.overrides.<JobName>`). */
export interface JobSettings {
  /** Stable job name (handler lookup, metrics, config overrides). Default: the discovery name. */
  readonly name?: string;
  readonly queue: string;
  /** Retries after the first attempt. Default 0. */
  readonly retries?: number;
  /** Base delay of exponential backoff between attempts. Default 1000 ms. */
  readonly backoffMs?: number;
  /** An attempt running longer fails. Default: none. A dispatch may set its own (`timeoutMs`). */
  readonly timeoutMs?: number;
  /** Delay before the first attempt of every dispatch that sets neither `delayMs` nor `at`. Default 0. */
  readonly delayMs?: number;
  /** Lower runs first (BullMQ semantics). */
  readonly priority?: number;
}

/** A job: a use case with no main model that runs on a queue. */
export type Job<
  P extends ParamsDecl = ParamsDecl,
  C = AnyCommand | undefined,
  L = unknown,
  R = unknown,
> = UseCase<null, P, C, L, false, R> & { readonly jobOptions: JobSettings };

// biome-ignore lint/suspicious/noExplicitAny: the widest job type, used only as a constraint.
export type AnyJob = Job<any, any, any, any>;

/**
 * Declares a background job. Same declaration and injection pipeline as a use case — params, input,
 * `loadById`/`exists`, computes and rules — plus queue settings. Run it with `ctx.jobs.dispatch(...)`
 * (after commit, on a worker) or `ctx.jobs.run(...)` (inline).
 *
 * @example
 * ```ts
 * export const SendRestockEmail = job({
 *   name: 'SendRestockEmail',
 *   queue: 'notifications',
 *   retries: 2,
 *   params: { productId: t.Integer() },
 *   input: SendRestockEmailCommand,
 *   load: { product: loadById(Product, { by: 'productId' }) },
 *   execute: ({ input, load }) => {
 *     if (input.forceFail) throw new Error('forced restock email failure');
 *     return load.product.stock === 0;
 *   },
 * });
 * ```
 */
export function job<
  const P extends ParamsDecl = {},
  C extends AnyCommand | undefined = undefined,
  const L extends MarkersFor<P, C> = {},
  R = unknown,
>(
  decl: Omit<UseCaseDecl<null, P, C, L, false, R>, 'query' | 'singleStatement'> & JobSettings,
): Job<P, C, L, R> {
  const { queue, retries, backoffMs, timeoutMs, delayMs, priority, ...rest } = decl;
  if (typeof queue !== 'string' || queue === '' || queue.includes(':')) {
    throw new Error(`job ${decl.name ?? ''}: queue must be a non-empty name without ":"`);
  }
  const settings: JobSettings = {
    queue,
    ...(decl.name === undefined ? {} : { name: decl.name }),
    ...(retries === undefined ? {} : { retries }),
    ...(backoffMs === undefined ? {} : { backoffMs }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(delayMs === undefined ? {} : { delayMs }),
    ...(priority === undefined ? {} : { priority }),
  };
  const base = useCase(null, rest as UseCaseDecl<null, P, C, L, false, R>);
  return Object.freeze({ ...base, jobOptions: Object.freeze(settings) });
}

/** True when `value` was built by {@link job}. */
export function isJob(value: unknown): value is AnyJob {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'useCase' &&
    'jobOptions' in value
  );
}
