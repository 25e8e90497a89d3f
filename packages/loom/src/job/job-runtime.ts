import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomUUID } from 'node:crypto';
import {
  type CallContext,
  callContextObject,
  currentCallContext,
  type DispatchCaller,
  withCallContext,
} from '../context/call-context.ts';
import { type Identity, identityOf } from '../context/identity.ts';
import { disposeCallServices } from '../context/service-runtime.ts';
import { DeclarationError } from '../errors/index.ts';
import type { Kernel } from '../kernel/kernel.ts';
import { traceCarrier } from '../observability/trace-propagation.ts';
import { bindParams } from '../use-case/bind-params.ts';
import type {
  AnyJobLike,
  DispatchArgs,
  DispatchGroupOptions,
  DispatchOptions,
  DispatchReceipt,
  FinishedJobStatus,
  GroupMember,
  GroupMemberOutcome,
  GroupReceipt,
  JobService,
  JobStatus,
} from '../use-case/job-service-types.ts';
import type { InvokeArgs, RawInvokeArgs, ResultOf } from '../use-case/use-case.ts';
import {
  type ChildOutcome,
  type Consumer,
  checkMessage,
  encodeMessage,
  type JobMessage,
  type JobRunInfo,
  type JobSettlement,
  type MessageStatus,
  type QueueBackend,
} from './backends/index.ts';
import type { AnyCallbacks } from './callbacks.ts';
import { checkDispatch } from './dispatch-check.ts';
import type { AnyGroupCallback } from './group-callback.ts';
import { JobGroupReceipt } from './group-receipt.ts';
import type { AnyJob, JobSettings } from './job.ts';
import { JobReceipt, JobWaitTimeout } from './job-receipt.ts';
import { insertOutbox, insertOutboxRows, outboxEntry } from './outbox.ts';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.ts';
import { OutboxWriter } from './outbox-writer.ts';

/** Per-job overrides from config: `jobs.overrides.<JobName>`. */
export type JobOverrides = Readonly<Record<string, Partial<Omit<JobSettings, 'name' | 'delayMs'>>>>;

export interface JobRuntimeOptions {
  readonly kernel: Kernel;
  readonly backend: QueueBackend;
  readonly jobs: readonly AnyJob[];
  readonly callbacks?: readonly AnyCallbacks[];
  /** Group completion callbacks (`groupCallback()`), what `dispatchGroup`'s `onComplete` may name. */
  readonly groupCallbacks?: readonly AnyGroupCallback[];
  readonly overrides?: JobOverrides;
  readonly relay?: OutboxRelayOptions;
}

interface JobPayload {
  readonly params: Record<string, unknown>;
  readonly payload: unknown;
  /** The callbacks bundle given as `callbacks`: both handlers unless overridden below. */
  readonly callbacks?: string;
  /** The callbacks declaration whose `onSuccess` runs (the dispatch's `onSuccess`). */
  readonly onSuccess?: string;
  /** The callbacks declaration whose `onFailure` runs (the dispatch's `onFailure`). */
  readonly onFailure?: string;
  readonly traceId?: string;
  /** Who dispatched it: the identity as data (never a token), the job's `ctx.identity`. */
  readonly identity?: Identity;
}

interface CallbackPayload {
  readonly jobId: string;
  readonly jobName: string;
  readonly context: { params: Record<string, unknown>; payload: unknown };
  readonly traceId?: string;
  readonly identity?: Identity;
  readonly result?: unknown;
  readonly error?: { type: string; message: string };
  readonly attempts?: number;
}

/** The payload of a group's `onComplete` run (the parent of the group's members on the queue). */
interface GroupPayload {
  readonly groupId: string;
  readonly members: readonly { readonly jobId: string; readonly name: string }[];
  readonly payload: unknown;
  readonly traceId?: string;
  readonly identity?: Identity;
}

/** Observes job lifecycle events (metrics, logs). */
export type JobEvent =
  | { readonly type: 'dispatched'; readonly name: string; readonly queue: string }
  | { readonly type: 'started'; readonly name: string; readonly queue: string }
  | {
      readonly type: 'succeeded' | 'failed' | 'retried';
      readonly name: string;
      readonly queue: string;
      readonly durationMs: number;
    };

/**
 * The error's type as `onFailure` reports it: its `name`, or its class name when a subclass of `Error`
 * left `name` alone (`class PaymentDeclined extends Error {}`, loom's own `NotFound`, …).
 */
function errorType(error: Error): string {
  const className = (error.constructor as { name?: unknown } | undefined)?.name;
  if (error.name && error.name !== 'Error') return error.name;
  return typeof className === 'string' && className !== '' ? className : 'Error';
}

const SUCCESS = '.onSuccess';
const withMeta = (meta: Record<string, string>) => (Object.keys(meta).length > 0 ? { meta } : {});
const FAILURE = '.onFailure';
const COMPLETE = '.onComplete';
/** After the queue refused a straight publish, dispatches use the outbox for this long. */
const STRAIGHT_PUBLISH_PAUSE_MS = 5_000;
/** Callback messages (not jobs): a failure of theirs is logged, no callback follows. */
const isCallbackName = (name: string): boolean =>
  name.endsWith(SUCCESS) || name.endsWith(FAILURE) || name.endsWith(COMPLETE);

/** Untyped dispatch arguments: what `dispatchRaw` takes and what every dispatch comes down to. */
type RawDispatchArgs = RawInvokeArgs & DispatchOptions;

/** A job id derived from an idempotency key: the same job and key give the same id (a queue-safe one). */
function idempotentId(jobName: string, key: string): string {
  return `key-${createHash('sha256').update(`${jobName}\n${key}`).digest('hex').slice(0, 40)}`;
}

/** The job-level status of what the backend reports. */
function jobStatusOf(m: MessageStatus): JobStatus {
  const base = { jobId: m.id, name: m.name, queue: m.queue, attempts: m.attempts };
  if (m.state === 'completed') return { ...base, state: 'completed', result: m.result ?? null };
  if (m.state === 'failed') return { ...base, state: 'failed', error: { message: m.error ?? '' } };
  return { ...base, state: m.state };
}

const isFinished = (s: JobStatus | undefined): s is FinishedJobStatus =>
  s?.state === 'completed' || s?.state === 'failed';

/**
 * The job service of an application (`ctx.jobs`) and its worker side.
 *
 * - `dispatch` validates params, payload, callbacks and queue settings (errors surface in the dispatcher:
 *   400/422), writes the message to the outbox in the current transaction, and the relay publishes it
 *   after commit (dropped on rollback, kept while the queue is down; the committing caller never waits
 *   for the queue). A call that wrote nothing has no transaction to join: on a durable queue (BullMQ)
 *   its message is published straight away, on the others it is one autocommitted outbox row (decision
 *   0067). With the eager backend the job and its callbacks have run when the dispatching transaction
 *   returns to its caller.
 * - `run` executes the job inline, joining the current transaction.
 * - `consume` runs jobs and callbacks from the queues: each job in its own transaction together with the
 *   outbox row of its success callback (so the callback exists iff the job's writes committed); the
 *   failure callback is written once, after the last attempt. Callbacks are jobs of their own: each
 *   attempt in its own transaction, retried like the job.
 * - `onEvent` reports `dispatched` (after commit), `started`, `retried`, `succeeded` and `failed`, for jobs
 *   and (under `<Callbacks>.onSuccess|onFailure`) for callbacks.
 *
 * @example
 * ```ts
 * const jobs = new JobRuntime({ kernel, backend: createInProcessBackend(), jobs: [SendRestockEmail], callbacks: [RestockCallbacks] });
 * kernel.setJobService(jobs);
 * await jobs.start();
 * const consumer = jobs.consume({ queues: ['notifications'], concurrency: 4 });
 * ```
 */
export class JobRuntime implements JobService {
  readonly kernel: Kernel;
  readonly backend: QueueBackend;
  readonly relay: OutboxRelay;
  readonly #jobs = new Map<string, AnyJob>();
  readonly #jobNames = new Map<AnyJob, string>();
  readonly #callbacks = new Map<string, AnyCallbacks>();
  readonly #groupCallbacks = new Map<string, AnyGroupCallback>();
  readonly #overrides: JobOverrides;
  readonly #listeners: ((e: JobEvent) => void)[] = [];
  /** The outbox batch of each open unit of work (keyed by its executor). */
  readonly #writer: OutboxWriter;
  /** Set while a job or callback handler runs (see {@link JobRuntime.#eager}). */
  readonly #handlerScope = new AsyncLocalStorage<true>();
  readonly #followUps = new Set<Promise<void>>();
  readonly #batches = new WeakMap<object, { message: JobMessage; onPublished: () => void }[]>();
  /** Success callbacks to run right after the attempt they belong to settles (see #runFollowUp). */
  readonly #followUpsOf = new WeakMap<JobRunInfo, JobMessage>();
  /** Until when dispatches skip {@link JobRuntime.#publishStraight} (the queue refused one). */
  #straightPausedUntil = 0;
  /** `receipt.wait()` calls of this process, woken when a consumer of this process finishes the job. */
  readonly #waiters = new Map<string, Set<() => void>>();

  constructor(options: JobRuntimeOptions) {
    this.kernel = options.kernel;
    this.backend = options.backend;
    this.#overrides = options.overrides ?? {};
    this.#writer = new OutboxWriter(options.kernel.db);
    this.relay = new OutboxRelay(options.kernel.db, options.backend, options.kernel.logger, options.relay);
    for (const j of options.jobs) this.#register(j);
    for (const c of options.callbacks ?? []) {
      if (this.#callbacks.has(c.name) && this.#callbacks.get(c.name) !== c) {
        throw new DeclarationError(c.name, 'two callbacks declarations share this name');
      }
      this.#callbacks.set(c.name, c);
      this.#register(c.job);
    }
    for (const g of options.groupCallbacks ?? []) {
      if (this.#groupCallbacks.has(g.name) && this.#groupCallbacks.get(g.name) !== g) {
        throw new DeclarationError(g.name, 'two group callbacks share this name');
      }
      this.#groupCallbacks.set(g.name, g);
    }
    for (const name of Object.keys(this.#overrides)) {
      if (!this.#jobs.has(name))
        throw new DeclarationError(name, 'config overrides settings of a job that is not declared');
    }
    options.kernel.setJobService(this);
  }

  #register(job: AnyJob): void {
    if (this.#jobNames.has(job)) return;
    const name = job.jobOptions.name ?? job.decl.name ?? this.kernel.nameOf(job);
    if (name.includes(':') || name === 'anonymous use case') {
      throw new DeclarationError(name, 'a job needs a name (declare `name`, or let discovery name it)');
    }
    if (this.#jobs.has(name)) throw new DeclarationError(name, 'two jobs share this name');
    this.kernel.name(job, name);
    this.kernel.plan(job);
    this.#jobs.set(name, job);
    this.#jobNames.set(job, name);
  }

  /** Listen to job events (metrics). */
  onEvent(listener: (e: JobEvent) => void): void {
    this.#listeners.push(listener);
  }

  #emit(e: JobEvent): void {
    for (const l of this.#listeners) l(e);
  }

  /** The effective settings of a job: declaration, then config overrides. */
  settingsOf(
    job: AnyJob,
  ): Required<Omit<JobSettings, 'timeoutMs' | 'priority' | 'name' | 'delayMs'>> &
    JobSettings & { name: string } {
    const name = this.#nameOf(job);
    const o = this.#overrides[name] ?? {};
    const base = job.jobOptions;
    const merged = { ...base, ...o };
    return {
      ...merged,
      name,
      queue: merged.queue,
      retries: merged.retries ?? 0,
      backoffMs: merged.backoffMs ?? 1000,
    };
  }

  /** Every queue some registered job (or its callbacks) uses. */
  queues(): string[] {
    return [...new Set([...this.#jobs.values()].map((j) => this.settingsOf(j).queue))];
  }

  #nameOf(job: AnyJob): string {
    const name = this.#jobNames.get(job);
    if (name === undefined) {
      throw new DeclarationError(
        job.jobOptions.name ?? job.decl.name ?? 'job',
        'this job is not registered with the application',
      );
    }
    return name;
  }

  dispatch<J extends AnyJobLike>(
    job: J,
    args: DispatchArgs<NoInfer<J>>,
  ): Promise<DispatchReceipt<ResultOf<J>>> {
    return this.#dispatch(job, args as RawDispatchArgs, currentCallContext()) as Promise<
      DispatchReceipt<ResultOf<J>>
    >;
  }

  dispatchRaw(job: AnyJobLike, args: RawDispatchArgs): Promise<DispatchReceipt> {
    return this.#dispatch(job, args, currentCallContext());
  }

  dispatchGroup<const T extends readonly AnyJobLike[], P>(
    members: { readonly [K in keyof T]: GroupMember<T[K]> },
    options: DispatchGroupOptions<P>,
  ): Promise<GroupReceipt<T>> {
    return this.#dispatchGroup(
      members as unknown as readonly GroupMember<AnyJobLike>[],
      options as DispatchGroupOptions,
      currentCallContext(),
    ) as Promise<unknown> as Promise<GroupReceipt<T>>;
  }

  /**
   * The job service as a use case sees it (`ctx.jobs`): dispatched messages carry `context`'s trace id,
   * and jobs run inline get it as their call context.
   *
   * @example
   * ```ts
   * await jobs.withContext({ traceId: request.id }).dispatch(SendMail, { params: { orderId } });
   * ```
   */
  withContext(context: CallContext | undefined, caller?: DispatchCaller): JobService {
    const ctx = () => context ?? currentCallContext();
    return {
      dispatch: <J extends AnyJobLike>(job: J, args: DispatchArgs<NoInfer<J>>) =>
        this.#dispatch(job, args as RawDispatchArgs, ctx(), caller) as Promise<DispatchReceipt<ResultOf<J>>>,
      dispatchRaw: (job, args) => this.#dispatch(job, args, ctx(), caller),
      dispatchGroup: (members, options) =>
        this.#dispatchGroup(members as readonly GroupMember<AnyJobLike>[], options, ctx(), caller) as never,
      run: (job, args) => {
        const c = ctx();
        return (c === undefined ? this.kernel : this.kernel.withContext(c)).invoke(job, args);
      },
      status: this.status.bind(this),
    };
  }

  async #dispatch(
    job: AnyJobLike,
    a: RawDispatchArgs,
    context: CallContext | undefined,
    caller?: DispatchCaller,
  ): Promise<DispatchReceipt> {
    const message = this.#message(job, a, context, caller);
    const { id, name, queue } = message;
    let committed = false;
    await this.#enqueue(message, () => {
      committed = true;
      this.#emit({ type: 'dispatched', name, queue });
    });
    return new JobReceipt(id, queue, (timeoutMs) => this.#waitFor(id, timeoutMs, () => committed));
  }

  /**
   * Dispatches the group's members and its `onComplete` as one message: the callback's, with the
   * members as its children (decision 0062). One outbox row, so the whole group is dispatched iff the
   * caller's transaction commits; the queue runs the callback once every member finished.
   */
  async #dispatchGroup(
    members: readonly GroupMember<AnyJobLike>[],
    options: DispatchGroupOptions,
    context: CallContext | undefined,
    caller?: DispatchCaller,
  ): Promise<GroupReceipt> {
    if (!Array.isArray(members) || members.length === 0) {
      throw new TypeError('dispatchGroup: give at least one member ([Job, args])');
    }
    const given = options?.onComplete as { name?: unknown } | undefined;
    const cb = typeof given?.name === 'string' ? this.#groupCallbacks.get(given.name) : undefined;
    if (cb === undefined || cb !== (given as unknown)) {
      const label = typeof given?.name === 'string' ? given.name : 'onComplete';
      throw new DeclarationError(
        label,
        'dispatchGroup: onComplete must be a groupCallback() registered with the application',
      );
    }
    const groupId = randomUUID();
    const children = members.map((member, i) => {
      if (!Array.isArray(member) || member.length < 1) {
        throw new TypeError(`dispatchGroup: member ${i} must be [Job, args]`);
      }
      const [job, args] = member;
      return this.#message(job, (args ?? {}) as RawDispatchArgs, context, caller, `${groupId}-m${i + 1}`);
    });
    const first = children[0] as JobMessage;
    const queue = options.queue ?? first.queue;
    if (options.queue !== undefined && !this.queues().includes(queue)) {
      throw new TypeError(
        `dispatchGroup ${cb.name}: queue ${JSON.stringify(queue)} is not a queue of any registered job (${this.queues().join(', ')})`,
      );
    }
    const traceId = context?.traceId;
    const identity = identityOf(context?.identity);
    const payload: GroupPayload = {
      groupId,
      members: children.map((c) => ({ jobId: c.id, name: c.name })),
      payload: options.payload ?? null,
      ...(traceId ? { traceId } : {}),
      ...(identity ? { identity } : {}),
    };
    const parent: JobMessage = {
      id: groupId,
      name: `${cb.name}${COMPLETE}`,
      queue,
      payload,
      attempts: (cb.retries ?? 2) + 1,
      backoffMs: cb.backoffMs ?? 1000,
      children,
      ...(first.meta ? { meta: first.meta } : {}),
    };
    checkMessage(parent);
    encodeMessage(parent);
    let committed = false;
    await this.#enqueue(parent, () => {
      committed = true;
      for (const c of children) this.#emit({ type: 'dispatched', name: c.name, queue: c.queue });
    });
    const waitFor = (id: string, timeoutMs: number) => this.#waitFor(id, timeoutMs, () => committed);
    const receipts = children.map((c) => new JobReceipt(c.id, c.queue, (ms) => waitFor(c.id, ms)));
    return new JobGroupReceipt(groupId, receipts, waitFor);
  }

  /**
   * Checks a dispatch (declared by the caller, registered, params, payload, callbacks, options) and
   * builds its message; `id` is a group member's (no idempotency key there).
   */
  #message(
    job: AnyJobLike,
    a: RawDispatchArgs,
    context: CallContext | undefined,
    caller: DispatchCaller | undefined,
    memberId?: string,
  ): JobMessage {
    checkDispatch(caller, job, this.#jobNames.has(job as unknown as AnyJob));
    const s = this.settingsOf(job as unknown as AnyJob);
    const plan = this.kernel.plan(job);
    // Validate here, not in the worker: a bad payload is the dispatcher's error.
    const params = bindParams(plan, a.params);
    if (plan.input) plan.input.parse(a.payload ?? null);
    const handlers = {
      callbacks: this.#checkCallbacks(job, s.name, a.callbacks, undefined),
      onSuccess: this.#checkCallbacks(job, s.name, a.onSuccess, 'onSuccess'),
      onFailure: this.#checkCallbacks(job, s.name, a.onFailure, 'onFailure'),
    };
    const queue = a.queue ?? s.queue;
    if (a.queue !== undefined && !this.queues().includes(queue)) {
      // A queue no registered job uses is a queue no worker consumes: the job would wait forever.
      throw new TypeError(
        `dispatch ${s.name}: queue ${JSON.stringify(queue)} is not a queue of any registered job (${this.queues().join(', ')})`,
      );
    }
    const timing = dispatchTiming(s.name, a, s.delayMs);
    if (a.idempotencyKey !== undefined && (typeof a.idempotencyKey !== 'string' || a.idempotencyKey === '')) {
      throw new TypeError(`dispatch ${s.name}: idempotencyKey must be a non-empty string`);
    }
    if (memberId !== undefined && a.idempotencyKey !== undefined) {
      throw new TypeError(
        `dispatchGroup ${s.name}: a member takes no idempotencyKey (its id is the group's)`,
      );
    }
    const id =
      memberId ?? (a.idempotencyKey === undefined ? randomUUID() : idempotentId(s.name, a.idempotencyKey));
    const traceId = context?.traceId;
    const identity = identityOf(context?.identity);
    const payload: JobPayload = {
      params,
      payload: a.payload ?? null,
      ...(handlers.callbacks ? { callbacks: handlers.callbacks } : {}),
      ...(handlers.onSuccess ? { onSuccess: handlers.onSuccess } : {}),
      ...(handlers.onFailure ? { onFailure: handlers.onFailure } : {}),
      ...(traceId ? { traceId } : {}),
      ...(identity ? { identity } : {}),
    };
    const priority = a.priority ?? s.priority;
    const timeoutMs = a.timeoutMs ?? s.timeoutMs;
    const message: JobMessage = {
      id,
      name: s.name,
      queue,
      payload,
      attempts: a.attempts ?? s.retries + 1,
      backoffMs: s.backoffMs,
      ...timing,
      ...(priority === undefined ? {} : { priority }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      // The trace id and the W3C trace context travel with the job: its span joins the dispatcher's trace.
      ...withMeta({ ...(traceId ? { traceId } : {}), ...traceCarrier() }),
    };
    // What the queue would reject (priority, attempts or delay out of range, a payload JSON cannot
    // carry) fails here, in the dispatcher, not later in the relay where no caller sees it. The JSON
    // text is kept: the outbox row and the queue get it as it is (one encoding per message).
    checkMessage(message);
    encodeMessage(message);
    return message;
  }

  /**
   * Checks a callbacks declaration given at dispatch (registered, declared for this job, declaring the
   * handler it is given for) and returns its name.
   */
  #checkCallbacks(
    job: AnyJobLike,
    jobName: string,
    given: { readonly name: string } | undefined,
    handler: 'onSuccess' | 'onFailure' | undefined,
  ): string | undefined {
    if (given === undefined) return undefined;
    const cb = this.#callbacks.get(given.name);
    if (!cb) throw new DeclarationError(given.name, 'callbacks are not registered with the application');
    // Another job's callbacks would get a result (and context) of the wrong shape.
    if (cb.job !== job) {
      throw new DeclarationError(
        cb.name,
        `these callbacks are declared for job ${this.#nameOf(cb.job)}, not ${jobName}`,
      );
    }
    if (handler !== undefined && typeof cb[handler] !== 'function') {
      throw new DeclarationError(cb.name, `given as ${handler} of ${jobName}, but declares no ${handler}`);
    }
    return cb.name;
  }

  /**
   * The status of a dispatched job: what the queue knows, else `pending` while its outbox row waits.
   * When neither knows it, the queue is asked once more: a row is deleted only after the queue took
   * it, so a job published between the first two reads is found by the third. Given a job, an id of
   * another job is unknown.
   */
  async #status(jobOrId: AnyJobLike | string, maybeId?: string): Promise<JobStatus | undefined> {
    const job = typeof jobOrId === 'string' ? undefined : jobOrId;
    const id = typeof jobOrId === 'string' ? jobOrId : maybeId;
    if (typeof id !== 'string' || id === '') return undefined;
    const name = job === undefined ? undefined : this.#nameOf(job as unknown as AnyJob);
    // The queue unreachable: the outbox may still answer (pending); if not, its error is the answer.
    let queueError: unknown;
    const fromQueue = async (): Promise<JobStatus | undefined> => {
      try {
        const m = await this.backend.status(id, this.queues());
        return m === undefined ? undefined : jobStatusOf(m);
      } catch (error) {
        queueError = error;
        return undefined;
      }
    };
    let status = await fromQueue();
    if (status === undefined) {
      const row = await outboxEntry(this.kernel.db, id);
      if (row !== undefined) {
        status = { jobId: id, name: row.name, queue: row.queue, state: 'pending', attempts: 0 };
      } else if (queueError === undefined) {
        status = await fromQueue();
      }
      if (status === undefined && queueError !== undefined) throw queueError;
    }
    return name === undefined || status?.name === name ? status : undefined;
  }

  status(jobId: string): Promise<JobStatus | undefined>;
  status<J extends AnyJobLike>(job: J, jobId: string): Promise<JobStatus<ResultOf<J>> | undefined>;
  status(jobOrId: AnyJobLike | string, jobId?: string): Promise<JobStatus | undefined> {
    return this.#status(jobOrId, jobId);
  }

  /**
   * Waits for job `id` to finish, reading what the queue reports (so `status()` afterwards agrees): by
   * polling, every 10 ms at first, then up to every 250 ms (another process's worker may run it), and at
   * once again when a consumer of this process settles it (the queue records the outcome just after).
   */
  async #waitFor(id: string, timeoutMs: number, committed: () => boolean): Promise<FinishedJobStatus> {
    if (!committed() && this.kernel.db.inTransaction()) {
      throw new Error(
        `wait() for job ${id} inside the transaction that dispatched it: the job is published only once it commits`,
      );
    }
    const deadline = Date.now() + timeoutMs;
    let waiters = this.#waiters.get(id);
    if (waiters === undefined) {
      waiters = new Set();
      this.#waiters.set(id, waiters);
    }
    let kick = (): void => {};
    const waiter = (): void => kick();
    waiters.add(waiter);
    try {
      for (let interval = 10; ; interval = Math.min(interval * 2, 250)) {
        // A queue that cannot answer now (Redis blip) is asked again at the next round.
        const m = await this.backend.status(id, this.queues()).catch(() => undefined);
        const status = m === undefined ? undefined : jobStatusOf(m);
        if (isFinished(status)) return status;
        const left = deadline - Date.now();
        if (left <= 0) throw new JobWaitTimeout(id, timeoutMs);
        const kicked = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), Math.min(interval, left));
          kick = () => {
            clearTimeout(timer);
            setImmediate(() => resolve(true));
          };
        });
        kick = () => {};
        // Settled here: the queue records it within a round trip or two; look again soon.
        if (kicked) interval = 2;
      }
    } finally {
      waiters.delete(waiter);
      if (waiters.size === 0) this.#waiters.delete(id);
    }
  }

  /** Tells the `wait()` calls of a job this process's consumer just finished to look again. */
  #wake(id: string): void {
    for (const waiter of this.#waiters.get(id) ?? []) waiter();
  }

  /**
   * Makes `message` durable and publishes it. Inside a unit of work it joins the unit's outbox batch:
   * one multi-row insert just before COMMIT (autocommitted when it is the unit's only write), published
   * from memory once the unit commits, dropped on rollback. Outside one: insert, then publish. A unit
   * that wrote nothing, or a dispatch outside one, goes straight to a durable queue instead (falling
   * back to the outbox when the queue refuses). With the eager backend the publish (which runs the job)
   * is awaited: by the committing caller, or here.
   */
  async #enqueue(message: JobMessage, onPublished: () => void): Promise<void> {
    const db = this.kernel.db;
    // Batches are keyed by the unit itself (`db.executor()` would build the unit's Kysely executor just
    // for a key).
    const key = db.currentUnit();
    if (key === undefined) {
      if (await this.#publishStraight([message])) {
        onPublished();
        return;
      }
      await this.#writer.write([message]);
      onPublished();
      const publishing = this.relay.publishMessages([message]);
      await this.#eager(publishing);
      return;
    }
    let batch = this.#batches.get(key);
    if (batch === undefined) {
      const messages: { message: JobMessage; onPublished: () => void }[] = [];
      batch = messages;
      this.#batches.set(key, messages);
      db.beforeCommit(async () => {
        this.#batches.delete(key);
        const rows = messages.map((m) => m.message);
        // The unit wrote nothing (and this is its last hook): nothing to commit the rows with, so a
        // durable queue takes them straight away.
        if (!db.transactionOpen() && (await this.#publishStraight(rows))) {
          db.afterCommit(() => {
            for (const m of messages) m.onPublished();
          });
          return;
        }
        // The unit's only write: one autocommitted statement instead of BEGIN, INSERT, COMMIT.
        if (db.transactionOpen()) await insertOutboxRows(db, db.executor(), rows);
        else await this.#writer.write(rows);
        db.afterCommit(() => {
          for (const m of messages) m.onPublished();
          const publishing = this.relay.publishMessages(rows);
          return this.#eager(publishing);
        });
      });
    }
    // The same id twice in one unit (an idempotency key dispatched again): one row, one publish.
    if (batch.some((m) => m.message.id === message.id)) {
      db.afterCommit(onPublished);
      return;
    }
    batch.push({ message, onPublished });
  }

  /**
   * Publishes the messages of a dispatch that commits with no write straight to a durable queue (see
   * `QueueBackend.durable`); false when the backend is not durable, not connected, or refused them,
   * and then for a short while after a refusal (the queue is likely still down: the caller writes the
   * outbox at once instead of waiting for a timeout per dispatch). Messages the queue took before a
   * refusal are published again from the outbox: a no-op by id.
   */
  async #publishStraight(messages: readonly JobMessage[]): Promise<boolean> {
    const backend = this.backend;
    if (backend.durable !== true || backend.isConnected?.() === false) return false;
    if (Date.now() < this.#straightPausedUntil) return false;
    try {
      await Promise.all(messages.map((m) => backend.publish(m)));
      return true;
    } catch (error) {
      this.#straightPausedUntil = Date.now() + STRAIGHT_PUBLISH_PAUSE_MS;
      this.kernel.logger.warn(
        { err: error, jobIds: messages.map((m) => m.id) },
        'cannot publish to the queue; the dispatch goes through the outbox',
      );
      return false;
    }
  }

  /**
   * Publishes a message straight to the queue (no outbox): for messages whose loss a retry repairs
   * (a callback of a job that wrote nothing: the job is not acknowledged until this returns, so a crash
   * re-runs it and publishes again, a no-op by id). Falls back to the outbox when the queue refuses.
   */
  async #publishDirect(message: JobMessage): Promise<void> {
    const publishing = this.backend.publish(message).catch(async () => {
      await insertOutbox(this.kernel.db, message);
      void this.relay.kick();
    });
    if (this.backend.kind !== 'eager') return publishing;
    // Eager: publishing runs the callback, which must wait for the job's consumer slot: not awaited here.
    await this.#eager(
      publishing.catch((error: unknown) => {
        this.kernel.logger.error({ err: error, jobId: message.id }, 'cannot schedule a callback');
      }),
    );
  }

  /**
   * With the eager backend, what a publish runs (jobs, callbacks and what they publish in turn) has run
   * when the outermost caller's await returns; inside a job handler nothing is awaited (the work it
   * publishes needs the slot the handler holds), the outer caller waits for it. Other backends: nothing.
   */
  #eager(publishing: Promise<void>): Promise<void> | undefined {
    if (this.backend.kind !== 'eager') return undefined;
    this.#followUps.add(publishing);
    void publishing.finally(() => this.#followUps.delete(publishing));
    if (this.#handlerScope.getStore() === true) return undefined;
    return (async () => {
      while (this.#followUps.size > 0) await Promise.allSettled([...this.#followUps]);
    })();
  }

  run<J extends AnyJobLike>(job: J, args: InvokeArgs<NoInfer<J>>): Promise<ResultOf<J>> {
    return this.kernel.invoke(job, args);
  }

  /** Starts the outbox relay (publishes rows left from before, then polls). */
  start(): void {
    this.relay.start();
  }

  /** Runs jobs and callbacks of the given queues (default: every queue of the registered jobs). */
  consume(options: { queues?: readonly string[]; concurrency: number }): Consumer {
    // Only the eager backend asks whether a handler is running (see #eager): elsewhere the scope would
    // cost two async-context switches per attempt for nothing.
    const eager = this.backend.kind === 'eager';
    return this.backend.consume({
      queues: options.queues ?? this.queues(),
      concurrency: options.concurrency,
      handler: eager
        ? (info) => this.#handlerScope.run(true, () => this.#handle(info))
        : (info) => this.#handle(info),
      onSettled: eager
        ? (s) => this.#handlerScope.run(true, () => this.#settled(s))
        : (s) => this.#settled(s),
    });
  }

  async #handle(info: JobRunInfo): Promise<unknown> {
    const { message } = info;
    const db = this.kernel.db;
    if (message.name.endsWith(SUCCESS) || message.name.endsWith(FAILURE)) {
      return this.#runCallback(message);
    }
    if (message.name.endsWith(COMPLETE)) return this.#runGroupCallback(message, info.children);
    const job = this.#jobs.get(message.name);
    if (!job) throw new Error(`no job named "${message.name}" is registered in this worker`);
    const p = message.payload as JobPayload;
    const cb = this.#registeredCallbacks(p.onSuccess ?? p.callbacks);
    // Running the job without its failure callback would lose it silently too.
    this.#registeredCallbacks(p.onFailure);
    this.#emit({ type: 'started', name: message.name, queue: message.queue });
    const identity = identityOf(p.identity);
    const context = { traceId: p.traceId ?? message.id, ...(identity ? { identity } : {}) };
    let direct: JobMessage | undefined;
    const result = await withCallContext(context, () =>
      db.unitOfWork(async () => {
        const result = await this.kernel.call(job, {
          params: p.params,
          payload: p.payload ?? undefined,
          context,
        });
        if (cb?.onSuccess) {
          const callback = this.#callbackMessage(message, cb, SUCCESS, { result: result ?? null });
          // A job that wrote: the callback's row commits with its writes (it exists iff they do). A job
          // that wrote nothing: its callback's first attempt runs right after this attempt settles, in
          // this slot, before the attempt is acknowledged (see #settled); published below when the
          // backend cannot do that.
          if (db.transactionOpen()) await this.#enqueue(callback, () => {});
          else direct = callback;
        }
        return result;
      }),
    );
    if (direct !== undefined) {
      if (info.follow === undefined) await this.#publishDirect(direct);
      else this.#followUpsOf.set(info, direct);
    }
    return result;
  }

  /**
   * Runs the success callback of a job that wrote nothing, right after the job's attempt succeeded and
   * before it is acknowledged: its first attempt in the job's slot (no second queue job, no round trip
   * to the queue). A crash before the acknowledgement re-runs the job, and with it the callback: the
   * window a callback job has between its commit and its own acknowledgement. When that attempt fails
   * and attempts remain, the callback is published as a job of its own with the remaining attempts,
   * after the first retry's backoff (the callback's own settlement already reported `retried`).
   */
  async #runFollowUp(info: JobRunInfo, callback: JobMessage): Promise<void> {
    const follow = info.follow;
    if (follow === undefined) return this.#publishDirect(callback);
    let settlement: JobSettlement;
    try {
      settlement = await follow(callback);
    } catch (error) {
      // Not run (the message could not be copied): the queue gets it as before.
      this.kernel.logger.warn(
        { err: error, jobId: callback.id },
        'cannot run a callback inline; publishing it',
      );
      return this.#publishDirect(callback);
    }
    if (settlement.status === 'completed' || settlement.info.isFinalAttempt) return;
    await this.#publishDirect({
      ...callback,
      attempts: callback.attempts - 1,
      delayMs: callback.backoffMs,
      backoffMs: callback.backoffMs * 2,
    });
  }

  /** The callbacks declaration a message names; throws when this worker does not know it. */
  #registeredCallbacks(name: string | undefined): AnyCallbacks | undefined {
    if (name === undefined) return undefined;
    const cb = this.#callbacks.get(name);
    // Running the job without its callbacks would lose them silently.
    if (!cb) throw new Error(`no callbacks named "${name}" are registered in this worker`);
    return cb;
  }

  #callbackMessage(
    message: JobMessage,
    cb: AnyCallbacks,
    kind: typeof SUCCESS | typeof FAILURE,
    extra: Partial<CallbackPayload>,
  ): JobMessage {
    const p = message.payload as JobPayload;
    const payload: CallbackPayload = {
      jobId: message.id,
      jobName: message.name,
      context: { params: p.params, payload: p.payload },
      ...(p.traceId ? { traceId: p.traceId } : {}),
      ...(p.identity ? { identity: p.identity } : {}),
      ...extra,
    };
    return {
      // Deterministic: a job re-run after a crash cannot schedule its callback twice.
      id: `${message.id}${kind === SUCCESS ? '-success' : '-failure'}`,
      name: `${cb.name}${kind}`,
      queue: message.queue,
      payload,
      attempts: message.attempts,
      backoffMs: message.backoffMs,
      ...(message.meta ? { meta: message.meta } : {}),
    };
  }

  async #runCallback(message: JobMessage): Promise<unknown> {
    const success = message.name.endsWith(SUCCESS);
    const cbName = message.name.slice(0, -(success ? SUCCESS.length : FAILURE.length));
    const cb = this.#callbacks.get(cbName);
    if (!cb) throw new Error(`no callbacks named "${cbName}" are registered in this worker`);
    const p = message.payload as CallbackPayload;
    const fn = success ? cb.onSuccess : cb.onFailure;
    if (!fn) return null;
    const identity = identityOf(p.identity);
    const callContext = { traceId: p.traceId ?? message.id, ...(identity ? { identity } : {}) };
    const extra = success ? { result: p.result } : { error: p.error, attempts: p.attempts };
    const fields = { jobId: p.jobId, jobName: p.jobName, context: p.context, ...extra };
    const ctx = callContextObject(this.kernel.services, fields, callContext);
    this.#emit({ type: 'started', name: message.name, queue: message.queue });
    await withCallContext(callContext, () =>
      this.kernel.db.unitOfWork(async () => {
        try {
          await (fn as (c: object) => unknown)(ctx);
        } finally {
          await disposeCallServices(ctx);
        }
      }),
    );
    return null;
  }

  /** Runs a group's `onComplete` (its own transaction), told each member's outcome by the queue. */
  async #runGroupCallback(
    message: JobMessage,
    children: readonly ChildOutcome[] | undefined,
  ): Promise<unknown> {
    const name = message.name.slice(0, -COMPLETE.length);
    const cb = this.#groupCallbacks.get(name);
    if (!cb) throw new Error(`no group callback named "${name}" is registered in this worker`);
    if (children === undefined) throw new Error(`group callback ${name} ran without its members' outcomes`);
    const p = message.payload as GroupPayload;
    const outcomes = new Map(children.map((c) => [c.id, c]));
    const members = p.members.map(({ jobId, name: jobName }): GroupMemberOutcome => {
      const o = outcomes.get(jobId);
      if (o?.state === 'completed') return { jobId, name: jobName, state: 'completed', result: o.result };
      return { jobId, name: jobName, state: 'failed', error: { message: o?.error ?? 'no outcome recorded' } };
    });
    const identity = identityOf(p.identity);
    const callContext = { traceId: p.traceId ?? message.id, ...(identity ? { identity } : {}) };
    const fields = {
      groupId: p.groupId,
      members,
      allCompleted: members.every((m) => m.state === 'completed'),
      payload: p.payload,
    };
    const ctx = callContextObject(this.kernel.services, fields, callContext);
    this.#emit({ type: 'started', name: message.name, queue: message.queue });
    await withCallContext(callContext, () =>
      this.kernel.db.unitOfWork(async () => {
        try {
          await (cb.onComplete as (c: object) => unknown)(ctx);
        } finally {
          await disposeCallServices(ctx);
        }
      }),
    );
    return null;
  }

  async #settled(s: JobSettlement): Promise<void> {
    const { message } = s.info;
    const isCallback = isCallbackName(message.name);
    // Callbacks are jobs of their own: same events, under their own name (`<Callbacks>.onSuccess`).
    const event = { name: message.name, queue: message.queue, durationMs: s.durationMs };
    if (s.status === 'completed') {
      this.#emit({ type: 'succeeded', ...event });
      this.#wake(message.id);
      const followUp = this.#followUpsOf.get(s.info);
      if (followUp !== undefined) {
        this.#followUpsOf.delete(s.info);
        await this.#runFollowUp(s.info, followUp);
      }
      return;
    }
    if (!s.info.isFinalAttempt) {
      this.#emit({ type: 'retried', ...event });
      return;
    }
    this.#emit({ type: 'failed', ...event });
    this.#wake(message.id);
    if (isCallback) {
      this.kernel.logger.error(
        { err: s.error, callback: message.name },
        'callback failed after its last attempt',
      );
      return;
    }
    const p = message.payload as JobPayload;
    const name = p.onFailure ?? p.callbacks;
    const cb = name === undefined ? undefined : this.#callbacks.get(name);
    if (!cb?.onFailure) return;
    const error = { type: errorType(s.error), message: s.error.message };
    // Awaited before the attempt is acknowledged: a crash before it re-runs the job, which fails again.
    await this.#publishDirect(
      this.#callbackMessage(message, cb, FAILURE, { error, attempts: s.info.attempt }),
    );
  }

  /** Stops the relay (the backend is closed by its owner). */
  async close(): Promise<void> {
    await this.relay.stop();
  }
}

/**
 * When the first attempt may start: `at` (absolute, so a publish delayed by a queue outage does not add
 * the delay again), else `delayMs`, else the job's default delay.
 */
function dispatchTiming(
  jobName: string,
  a: DispatchOptions,
  defaultDelayMs: number | undefined,
): { delayMs?: number; runAt?: number } {
  if (a.at !== undefined) {
    if (a.delayMs !== undefined)
      throw new TypeError(`dispatch ${jobName}: give either at or delayMs, not both`);
    const runAt = a.at instanceof Date ? a.at.getTime() : Number.NaN;
    if (!Number.isFinite(runAt)) throw new TypeError(`dispatch ${jobName}: at must be a valid Date`);
    return { runAt };
  }
  const delayMs = a.delayMs ?? defaultDelayMs;
  return delayMs === undefined ? {} : { delayMs };
}
