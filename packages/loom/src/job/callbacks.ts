import type { UseCaseServices } from '../use-case/services.ts';
import type { ResultOf } from '../use-case/use-case.ts';
import type { AnyJob } from './job.ts';

/** The params a job was dispatched with, as bound and validated at dispatch (`{ productId: number }`). */
export type JobParamsOf<J> = J extends { readonly $types?: { readonly params: infer P } }
  ? P
  : Readonly<Record<string, unknown>>;

/**
 * The dispatch arguments a callback receives: the job's params, typed from its declaration (validated
 * at dispatch), and the payload as the dispatcher sent it.
 */
export interface DispatchContext<P = Readonly<Record<string, unknown>>> {
  readonly params: P;
  readonly payload: unknown;
}

/** What `onSuccess` receives. */
export interface SuccessContext<R, P = Readonly<Record<string, unknown>>> extends UseCaseServices {
  readonly jobId: string;
  readonly jobName: string;
  readonly result: R;
  /** The dispatch arguments: `{ params, payload }`. */
  readonly context: DispatchContext<P>;
}

/** What `onFailure` receives, once, after the last attempt failed. */
export interface FailureContext<P = Readonly<Record<string, unknown>>> extends UseCaseServices {
  readonly jobId: string;
  readonly jobName: string;
  readonly error: { readonly type: string; readonly message: string };
  readonly attempts: number;
  readonly context: DispatchContext<P>;
}

/** A callbacks declaration: what to do when a dispatched job succeeds or fails for good. */
export interface Callbacks<J extends AnyJob = AnyJob> {
  readonly kind: 'callbacks';
  readonly name: string;
  readonly job: J;
  readonly onSuccess?: (ctx: SuccessContext<ResultOf<J>, JobParamsOf<J>>) => unknown;
  readonly onFailure?: (ctx: FailureContext<JobParamsOf<J>>) => unknown;
}

/**
 * What {@link callbacks} takes: a name and either handler, or both.
 *
 * @example
 * ```ts
 * const Ping = job({ name: 'Ping', queue: 'default', execute: () => true });
 * const decl: CallbacksDecl<typeof Ping> = { name: 'PingLog', onSuccess: ({ result }) => console.log(result) };
 * ```
 */
export interface CallbacksDecl<J extends AnyJob> {
  readonly name: string;
  readonly onSuccess?: (ctx: SuccessContext<ResultOf<J>, JobParamsOf<J>>) => unknown;
  readonly onFailure?: (ctx: FailureContext<JobParamsOf<J>>) => unknown;
}

/**
 * Declares callbacks for a job. They run as durable jobs of their own (retried like jobs, each in its
 * own transaction, so their writes commit): `onSuccess` once when the job succeeded, `onFailure` once
 * after its last retry failed. Attach them at dispatch, as a bundle (`jobs.dispatch(Job, { ...,
 * callbacks })`) or each on its own (`{ onSuccess: NotifyBuyer, onFailure: AlertOps }`, where each is a
 * declaration with that handler; the declared handlers are part of the returned type).
 *
 * @example
 * ```ts
 * export const RestockCallbacks = callbacks(SendRestockEmail, {
 *   name: 'RestockEmailCallbacks',
 *   onSuccess: async ({ result, context, app }) => { if (result) await app.entity(Product).update(...) },
 *   onFailure: async ({ error, context, app }) => { ... },
 * });
 * export const AlertOps = callbacks(SendRestockEmail, { name: 'AlertOps', onFailure: ({ error }) => page(error) });
 * await jobs.dispatch(SendRestockEmail, { params, onFailure: AlertOps });
 * ```
 */
export function callbacks<J extends AnyJob, const D extends CallbacksDecl<J>>(
  job: J,
  decl: D,
): Callbacks<J> & DeclaredHandlers<J, D> {
  if (!decl.name || decl.name.includes(':')) throw new Error('callbacks: a name without ":" is required');
  return Object.freeze({ kind: 'callbacks' as const, job, ...decl }) as Callbacks<J> & DeclaredHandlers<J, D>;
}

/** The handlers a callbacks declaration declared, as required members (what `onSuccess:` checks). */
type DeclaredHandlers<J extends AnyJob, D> = Required<
  Pick<Callbacks<J>, ('onSuccess' | 'onFailure') & keyof D>
>;

/**
 * The widest callbacks type, used only as a constraint: any declaration, whichever handlers it declares
 * (handlers take `never`, so a declaration typed by its job, with required handlers, fits).
 *
 * @example
 * ```ts
 * const all: readonly AnyCallbacks[] = [];
 * ```
 */
export interface AnyCallbacks {
  readonly kind: 'callbacks';
  readonly name: string;
  readonly job: AnyJob;
  readonly onSuccess?: (ctx: never) => unknown;
  readonly onFailure?: (ctx: never) => unknown;
}

export function isCallbacks(value: unknown): value is AnyCallbacks {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'callbacks';
}
