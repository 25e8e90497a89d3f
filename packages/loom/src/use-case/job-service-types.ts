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

/**
 * A callbacks declaration for `J` that declares `onSuccess` (what `dispatch`'s `onSuccess` takes).
 *
 * @example
 * ```ts
 * const Ping = job({ name: 'Ping', queue: 'default', execute: () => true });
 * const Logged: SuccessCallbackRef<typeof Ping> = callbacks(Ping, { name: 'Logged', onSuccess: () => {} });
 * ```
 */
export type SuccessCallbackRef<J = AnyJobLike> = CallbacksRef<J> & {
  readonly onSuccess: (ctx: never) => unknown;
};

/**
 * A callbacks declaration for `J` that declares `onFailure` (what `dispatch`'s `onFailure` takes).
 *
 * @example
 * ```ts
 * const Ping = job({ name: 'Ping', queue: 'default', execute: () => true });
 * const Alert: FailureCallbackRef<typeof Ping> = callbacks(Ping, { name: 'Alert', onFailure: () => {} });
 * ```
 */
export type FailureCallbackRef<J = AnyJobLike> = CallbacksRef<J> & {
  readonly onFailure: (ctx: never) => unknown;
};

/**
 * Per-dispatch options: where and when the job runs, how often it is tried, which callbacks follow.
 * Unset options take the job's declared settings (then its config overrides).
 */
export interface DispatchOptions<J = AnyJobLike> {
  /** Callbacks declaration (`callbacks(J, {...})`) whose onSuccess/onFailure run as durable jobs. */
  readonly callbacks?: CallbacksRef<J>;
  /**
   * The `onSuccess` of this declaration runs when the job succeeded (wins over `callbacks`' own). Chosen
   * independently of `onFailure`: `{ onSuccess: NotifyBuyer, onFailure: AlertOps }`.
   */
  readonly onSuccess?: SuccessCallbackRef<J>;
  /** The `onFailure` of this declaration runs once after the last attempt failed (wins over `callbacks`'). */
  readonly onFailure?: FailureCallbackRef<J>;
  /** Another queue than the job's; must be a queue of some registered job (so a worker consumes it). */
  readonly queue?: string;
  /** Run no earlier than this instant (exclusive with `delayMs`). */
  readonly at?: Date;
  /** Run no earlier than this many ms after the dispatch is published. Default: the job's `delayMs`. */
  readonly delayMs?: number;
  /** Lower runs first (BullMQ semantics, 1..2 097 151). Default: the job's `priority`. */
  readonly priority?: number;
  /** Attempts in all (1 = no retry). Default: the job's `retries` + 1. */
  readonly attempts?: number;
  /** An attempt running longer fails. Default: the job's `timeoutMs`. */
  readonly timeoutMs?: number;
  /**
   * A second dispatch of the same job with the same key is the same job (same id, run once) while the
   * first is pending, queued, running, or finished and still retained by the queue.
   */
  readonly idempotencyKey?: string;
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

/**
 * Where a dispatched job stands (`JobStatus.state`):
 * - `pending`: committed to the outbox, not yet on the queue (the queue was unreachable, or a moment);
 * - `waiting`: on the queue; `delayed`: waiting for its delay or a retry's backoff; `running`;
 * - `completed` / `failed` (final; kept as long as the queue retains finished jobs).
 *
 * @example
 * ```ts
 * const finished = (state: JobState) => state === 'completed' || state === 'failed';
 * ```
 */
export type JobState = 'pending' | 'waiting' | 'delayed' | 'running' | 'completed' | 'failed';

interface JobStatusBase {
  readonly jobId: string;
  /** The job's name. */
  readonly name: string;
  readonly queue: string;
  /** Attempts finished so far (failed ones, plus the one that succeeded). */
  readonly attempts: number;
}

/**
 * A job's status (`jobs.status`, `receipt.wait`). `result` is what `execute` returned, as JSON carried it
 * (dates become strings); `error` is the last attempt's error message.
 *
 * @example
 * ```ts
 * declare const jobs: JobService;
 * declare const jobId: string;
 * const Ping = job({ name: 'Ping', queue: 'default', execute: () => true });
 * const s: JobStatus<boolean> | undefined = await jobs.status(Ping, jobId);
 * if (s?.state === 'completed') console.log(s.result);
 * ```
 */
export type JobStatus<R = unknown> =
  | (JobStatusBase & { readonly state: 'pending' | 'waiting' | 'delayed' | 'running' })
  | (JobStatusBase & { readonly state: 'completed'; readonly result: R })
  | (JobStatusBase & { readonly state: 'failed'; readonly error: { readonly message: string } });

/**
 * A finished job's status: what `receipt.wait()` resolves with.
 *
 * @example
 * ```ts
 * declare const done: FinishedJobStatus<number>;
 * const value = done.state === 'completed' ? done.result : done.error.message;
 * ```
 */
export type FinishedJobStatus<R = unknown> = Extract<
  JobStatus<R>,
  { readonly state: 'completed' | 'failed' }
>;

/**
 * What `dispatch` returns. Serialises as `{ jobId, queue }`.
 *
 * @example
 * ```ts
 * declare const jobs: JobService;
 * const Ping = job({ name: 'Ping', queue: 'default', execute: () => true });
 * const receipt = await jobs.dispatch(Ping, {});
 * const done = await receipt.wait({ timeoutMs: 5_000 });
 * if (done.state === 'completed') console.log(done.result); // boolean, from Ping's execute
 * ```
 */
export interface DispatchReceipt<R = unknown> {
  readonly jobId: string;
  readonly queue: string;
  /**
   * Resolves once the job finished (completed, or failed for good) with its status; rejects with
   * `JobWaitTimeout` after `timeoutMs` (default 30 000). Not inside the transaction that dispatched it:
   * the job is only published once that commits.
   */
  wait(options?: { readonly timeoutMs?: number }): Promise<FinishedJobStatus<R>>;
}

/**
 * A group completion callback as the use-case layer sees it (declared with `groupCallback()` in `job/`);
 * `P` is the type of the payload a group dispatch attaches for it.
 *
 * @example
 * ```ts
 * const Done: GroupCallbackRef<{ orderId: number }> = groupCallback<{ orderId: number }>({ name: 'Done', onComplete: () => {} });
 * ```
 */
export interface GroupCallbackRef<P = unknown> {
  readonly kind: 'groupCallback';
  readonly name: string;
  readonly $payload?: P;
}

/**
 * One member of a group: the job and its dispatch arguments, typed as `dispatch` types them (a payload
 * of the wrong shape does not compile). No `idempotencyKey`: members' ids derive from the group's.
 *
 * @example
 * ```ts
 * const SendReceipt = job({ name: 'SendReceipt', queue: 'mail', params: { orderId: t.Integer() }, execute: () => true });
 * const member: GroupMember<typeof SendReceipt> = [SendReceipt, { params: { orderId: 7 }, attempts: 5 }];
 * ```
 */
export type GroupMember<J> = readonly [job: J, args: Omit<DispatchArgs<J>, 'idempotencyKey'>];

/**
 * The options of `dispatchGroup`: the callback that runs once every member finished, the payload it
 * receives (required when its declaration types one), and the queue it runs on.
 *
 * @example
 * ```ts
 * const ReceiptsSent = groupCallback<{ orderId: number }>({ name: 'ReceiptsSent', onComplete: () => {} });
 * const options: DispatchGroupOptions<{ orderId: number }> = { onComplete: ReceiptsSent, payload: { orderId: 7 } };
 * ```
 */
export type DispatchGroupOptions<P = unknown> = {
  readonly onComplete: GroupCallbackRef<P>;
  /** Where `onComplete` runs; a queue of some registered job. Default: the first member's queue. */
  readonly queue?: string;
} & (unknown extends P ? { readonly payload?: P } : { readonly payload: P });

/**
 * How a member of a group ended, as `onComplete` is told: its result (JSON) or its last error.
 *
 * @example
 * ```ts
 * declare const m: GroupMemberOutcome;
 * const text = m.state === 'completed' ? JSON.stringify(m.result) : m.error.message;
 * ```
 */
export type GroupMemberOutcome =
  | {
      readonly jobId: string;
      readonly name: string;
      readonly state: 'completed';
      readonly result: unknown;
    }
  | {
      readonly jobId: string;
      readonly name: string;
      readonly state: 'failed';
      readonly error: { readonly message: string };
    };

/**
 * What a group's `wait()` resolves with: each member's final status (typed by its job) and the status of
 * the `onComplete` run.
 *
 * @example
 * ```ts
 * const SendReceipt = job({ name: 'SendReceipt', queue: 'mail', execute: () => true });
 * declare const done: FinishedGroupStatus<readonly [typeof SendReceipt]>;
 * const [receipt] = done.members; // FinishedJobStatus<boolean>
 * if (receipt.state === 'completed') console.log(receipt.result);
 * ```
 */
export interface FinishedGroupStatus<T extends readonly AnyJobLike[] = readonly AnyJobLike[]> {
  readonly groupId: string;
  readonly members: { readonly [K in keyof T]: FinishedJobStatus<ResultOf<T[K]>> };
  readonly onComplete: FinishedJobStatus<null>;
}

/**
 * What `dispatchGroup` returns. Serialises as `{ groupId, members: [{ jobId, queue }, …] }`.
 *
 * @example
 * ```ts
 * declare const jobs: JobService;
 * const Ping = job({ name: 'Ping', queue: 'default', execute: () => true });
 * const PingsDone = groupCallback({ name: 'PingsDone', onComplete: () => {} });
 * const group = await jobs.dispatchGroup([[Ping, {}], [Ping, {}]], { onComplete: PingsDone });
 * const done = await group.wait({ timeoutMs: 10_000 });
 * done.onComplete.state; // 'completed' once the callback ran
 * ```
 */
export interface GroupReceipt<T extends readonly AnyJobLike[] = readonly AnyJobLike[]> {
  /** The group's id: also the id of its `onComplete` run, so `jobs.status(groupId)` tells where it is. */
  readonly groupId: string;
  /** One receipt per member, in order; each can `wait()`. */
  readonly members: { readonly [K in keyof T]: DispatchReceipt<ResultOf<T[K]>> };
  /**
   * Resolves once every member finished and `onComplete` ran (completed, or failed for good); rejects
   * with `JobWaitTimeout` after `timeoutMs` (default 30 000) in all. Not inside the dispatching transaction.
   */
  wait(options?: { readonly timeoutMs?: number }): Promise<FinishedGroupStatus<T>>;
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
  dispatch<J extends AnyJobLike>(
    job: J,
    args: DispatchArgs<NoInfer<J>>,
  ): Promise<DispatchReceipt<ResultOf<J>>>;
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
   * Dispatches a group of jobs that run in parallel, and a callback (`groupCallback()`) that runs once
   * after every member finished, completed or failed after its last attempt, told each one's outcome.
   * Like `dispatch`: validated here, written to the outbox with the call's transaction (all members and
   * the callback in one row: dispatched iff it commits), published after commit.
   *
   * @example
   * ```ts
   * declare const jobs: JobService;
   * const SendReceipt = job({ name: 'SendReceipt', queue: 'mail', params: { orderId: t.Integer() }, execute: () => true });
   * const OrderNotified = groupCallback<{ orderId: number }>({ name: 'OrderNotified', onComplete: () => {} });
   * const orderId = 7;
   * const group = await jobs.dispatchGroup(
   *   [
   *     [SendReceipt, { params: { orderId } }],
   *     [SendReceipt, { params: { orderId }, queue: 'mail', attempts: 5 }],
   *   ],
   *   { onComplete: OrderNotified, payload: { orderId } },
   * );
   * await jobs.status(group.groupId); // the callback's status: waiting while members run
   * ```
   */
  dispatchGroup<const T extends readonly AnyJobLike[], P>(
    members: { readonly [K in keyof T]: GroupMember<T[K]> },
    options: DispatchGroupOptions<P>,
  ): Promise<GroupReceipt<T>>;
  /**
   * Runs a job inline and returns its result (joins the current transaction).
   *
   * @example
   * ```ts
   * const sent = await jobs.run(SendRestockEmail, { params: { productId: 7 }, payload: {} });
   * ```
   */
  run<J extends AnyJobLike>(job: J, args: InvokeArgs<NoInfer<J>>): Promise<ResultOf<J>>;
  /**
   * The status of a dispatched job, `undefined` when unknown (never dispatched, not committed yet, or
   * finished and no longer retained). Given the job, its result is typed and an id of another job is
   * unknown.
   *
   * @example
   * ```ts
   * declare const jobs: JobService;
   * const Ping = job({ name: 'Ping', queue: 'default', execute: () => true });
   * const s = await jobs.status(Ping, 'job-id'); // JobStatus<boolean> | undefined
   * ```
   */
  status(jobId: string): Promise<JobStatus | undefined>;
  status<J extends AnyJobLike>(job: J, jobId: string): Promise<JobStatus<ResultOf<J>> | undefined>;
}
