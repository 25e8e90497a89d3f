import type { InvokeArgs, RawInvokeArgs } from './call-args.ts';
import type { AnyUseCase, ResultOf } from './use-case.ts';

/** A job as the use-case layer sees it (declared in `job/`): a use case with queue settings. */
export type AnyJobLike = AnyUseCase & { readonly jobOptions: unknown };

/**
 * Callbacks declared for job `J` (`callbacks(J, {...})`). Typed by their job, so callbacks declared for
 * another job do not compile where `J` is dispatched.
 */
export interface CallbacksRef<J = AnyJobLike> {
  readonly kind: 'callbacks';
  readonly name: string;
  readonly job: J;
}

/** What the job layer plugs into use cases: declared in `job/`, typed from the job's declaration. */
export interface DispatchOptions<J = AnyJobLike> {
  /** Callbacks declaration (`callbacks(J, {...})`) whose onSuccess/onFailure run as durable jobs. */
  readonly callbacks?: CallbacksRef<J>;
  readonly delayMs?: number;
  readonly priority?: number;
}

/**
 * What `jobs.dispatch(job, args)` takes: the job's typed call arguments ({@link InvokeArgs}) plus queue
 * options and callbacks declared for that job.
 *
 * @example
 * ```ts
 * const args: DispatchArgs<typeof SendMail> = { params: { userId: 7 }, payload: { subject: 'Hi' } };
 * ```
 */
export type DispatchArgs<J> = InvokeArgs<J> & DispatchOptions<J>;

export interface DispatchReceipt {
  readonly jobId: string;
  readonly queue: string;
}

/** `ctx.jobs`: dispatch after commit, or run inline. */
export interface JobService {
  /**
   * Enqueues a job. Inside a transaction it is written to the outbox and published after commit;
   * dropped on rollback. The payload is validated here, not in the worker.
   *
   * @example
   * ```ts
   * await jobs.dispatch(SendRestockEmail, { params: { productId: 7 }, payload: { forceFail: false } });
   * ```
   */
  dispatch<J extends AnyJobLike>(job: J, args: DispatchArgs<NoInfer<J>>): Promise<DispatchReceipt>;
  /**
   * Like {@link JobService.dispatch} with arguments only validated at run time (JSON forwarded from
   * elsewhere): string params converted by their declared type, snake_case payload keys accepted,
   * callbacks checked against the job when dispatched.
   *
   * @example
   * ```ts
   * await jobs.dispatchRaw(SendRestockEmail, { params: { productId: '7' }, payload: body });
   * ```
   */
  dispatchRaw(job: AnyJobLike, args: RawInvokeArgs & DispatchOptions): Promise<DispatchReceipt>;
  /**
   * Runs a job inline and returns its result (joins the current transaction).
   *
   * @example
   * ```ts
   * const sent = await jobs.run(SendRestockEmail, { params: { productId: 7 }, payload: {} });
   * ```
   */
  run<J extends AnyJobLike>(job: J, args: InvokeArgs<NoInfer<J>>): Promise<ResultOf<J>>;
}
