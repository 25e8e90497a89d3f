import type { AnyUseCase, InvokeArgs, ResultOf } from './use-case.ts';

/** What the job layer plugs into use cases: declared in `job/`, typed from the job's declaration. */
export interface DispatchOptions {
  /** Callbacks declaration (`callbacks({...})`) whose onSuccess/onFailure run as durable jobs. */
  readonly callbacks?: { readonly kind: 'callbacks'; readonly name: string };
  readonly delayMs?: number;
  readonly priority?: number;
}

export interface DispatchReceipt {
  readonly jobId: string;
  readonly queue: string;
}

/** `ctx.jobs`: dispatch after commit, or run inline. */
export interface JobService {
  /**
   * Enqueues a job. Inside a transaction it is written to the outbox and published after commit;
   * dropped on rollback. The payload is validated here, not in the worker.
   */
  dispatch<J extends AnyUseCase & { readonly jobOptions: unknown }>(
    job: J,
    args: InvokeArgs<J> & DispatchOptions,
  ): Promise<DispatchReceipt>;
  /** Runs a job inline and returns its result (joins the current transaction). */
  run<J extends AnyUseCase & { readonly jobOptions: unknown }>(
    job: J,
    args: InvokeArgs<J>,
  ): Promise<ResultOf<J>>;
}
