import type { FlowProducer, Job, JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ServiceUnavailable } from '../../errors/index.ts';
import { requirePeerSync } from '../../errors/require-peer.ts';
import { encodedQueueClass } from './bullmq-encoded-job.ts';
import { checkConsumerOptions } from './consumer-options.ts';
import {
  checkMessage,
  checkQueueName,
  encodeMessage,
  initialDelay,
  normaliseMessage,
  splitGroup,
} from './job-message.ts';
import {
  type ChildOutcome,
  type Consumer,
  DEFAULT_CLOSE_TIMEOUT_MS,
  type JobMessage,
  type MessageStatus,
  type QueueBackend,
  type QueueStats,
} from './queue-backend.ts';
import { ConsumerClosedError } from './queue-errors.ts';
import { defaultOnError, runAttempt, settlesWithin, toError } from './run-attempt.ts';

/** The prefix of every Redis key when `prefix` is not given; the job dashboard reads the same keys. */
export const DEFAULT_BULLMQ_PREFIX = 'loom';

/** How long finished jobs are kept in Redis (BullMQ evicts on a best-effort basis as later jobs finish). */
export interface Retention {
  readonly ageSeconds: number;
  readonly count: number;
}

export interface BullmqBackendOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379/0`. */
  readonly url: string;
  /** Prefix of every Redis key. Default `loom`. */
  readonly prefix?: string;
  /** Upper bound of a `publish`, `stats` or `health` call while Redis is slow or down. Default 2 000 ms. */
  readonly operationTimeoutMs?: number;
  /** How often workers look for stalled jobs (their worker died). Default 30 000 ms (BullMQ's). */
  readonly stalledIntervalMs?: number;
  /** Lock a worker holds (and renews) on a running job; a dead worker's lock expires after it. Default 30 000 ms. */
  readonly lockDurationMs?: number;
  /** Times a job may stall and be handed to another worker before it fails. Default 1. */
  readonly maxStalledCount?: number;
  /** Default 1 day, 1 000 jobs per queue. Publishing a completed id again is a no-op while it is kept. */
  readonly keepCompleted?: Retention;
  /** Default 7 days, 10 000 jobs per queue. */
  readonly keepFailed?: Retention;
  /** Worker errors (lost connections, …) and errors of `onSettled` hooks. Default `console.error`. */
  readonly onError?: (error: Error) => void;
}

/**
 * BullMQ 6 on Redis. One `Queue` per queue name (created on first use) on one producer connection; one
 * `Worker` per consumed queue. The message is the job's data, its id the BullMQ `jobId` (so publishing an
 * id twice adds it once), retries use BullMQ's exponential backoff, and a worker that dies mid-job loses
 * its lock: the stalled-job check of any live worker puts the job back (same attempt number).
 *
 * The producer connection does not queue commands while Redis is away (`enableOfflineQueue: false`,
 * `maxRetriesPerRequest: 1`) and every call is bounded by `operationTimeoutMs`: `publish` rejects with
 * `ServiceUnavailable` instead of hanging, and the outbox relay retries later. An add that was already
 * sent may still land after the timeout; the next publish of the same id is then a no-op.
 *
 * @example
 * ```ts
 * const backend = createBullmqBackend({ url: 'redis://127.0.0.1:6379', prefix: 'store' });
 * const consumer = backend.consume({ queues: ['notifications'], concurrency: 8, handler: (info) => runJob(info) });
 * await backend.publish({ id: randomUUID(), name: 'SendRestockEmail', queue: 'notifications',
 *   payload: { productId: 7 }, attempts: 4, backoffMs: 1000, timeoutMs: 30_000 });
 * ```
 */
export function createBullmqBackend(options: BullmqBackendOptions): QueueBackend {
  const prefix = options.prefix ?? DEFAULT_BULLMQ_PREFIX;
  const timeoutMs = options.operationTimeoutMs ?? 2_000;
  const onError = options.onError ?? defaultOnError;
  const keepCompleted = toKeepJobs(options.keepCompleted ?? { ageSeconds: 86_400, count: 1_000 });
  const keepFailed = toKeepJobs(options.keepFailed ?? { ageSeconds: 7 * 86_400, count: 10_000 });
  // Optional peers: an app on in-process jobs runs without them installed.
  const bullmq = requirePeerSync<typeof import('bullmq')>('bullmq', 'jobs.backend is bullmq');
  const { FlowProducer, Worker } = bullmq;
  // A Queue whose jobs store the message's JSON as encoded at dispatch (no second serialization).
  const Queue = encodedQueueClass(bullmq);
  const { Redis } = requirePeerSync<typeof import('ioredis')>('ioredis', 'jobs.backend is bullmq');

  // Fail fast: no offline queue, one retry per command, a bounded connect. Reconnects in the background.
  const producer = new Redis(options.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: timeoutMs,
    retryStrategy: (times) => Math.min(times * 100, 2_000),
  });
  let lastProducerError: Error | undefined;
  producer.on('error', (error: Error) => {
    lastProducerError = error;
  });
  producer.on('ready', () => {
    lastProducerError = undefined;
  });

  const queues = new Map<string, Queue<JobMessage>>();
  let flows: FlowProducer | undefined;
  const consumers = new Set<Consumer>();
  let closed = false;

  const unavailable = (what: string, error: unknown): ServiceUnavailable => {
    const cause = toError(error);
    // While disconnected, the connection error says more than "not connected after 2000 ms".
    const why = producer.status === 'ready' ? cause.message : (lastProducerError?.message ?? cause.message);
    return new ServiceUnavailable(`${what}: Redis at ${redact(options.url)} unavailable (${why})`, { cause });
  };

  // Callers waiting for the connection share one wait (one 'ready' listener, not one per publish: the
  // relay publishes a whole batch at once).
  let connecting: Promise<void> | undefined;
  const ready = (): Promise<void> => {
    if (producer.status === 'ready') return Promise.resolve();
    connecting ??= producerReady(producer, timeoutMs).finally(() => {
      connecting = undefined;
    });
    return connecting;
  };

  /** Runs `op` once the producer is connected; the whole call is bounded by `timeoutMs`. */
  const withProducer = async <T>(what: string, op: () => Promise<T>): Promise<T> => {
    if (closed) throw new ServiceUnavailable(`${what}: the BullMQ queue backend is closed`);
    const deadline = Date.now() + timeoutMs;
    try {
      await ready();
      const result = op();
      if (!(await settlesWithin(result, deadline - Date.now())))
        throw new Error(`timed out after ${timeoutMs} ms`);
      return await result;
    } catch (error) {
      throw unavailable(what, error);
    }
  };

  const queueFor = (name: string): Queue<JobMessage> => {
    let queue = queues.get(name);
    if (queue === undefined) {
      queue = new Queue<JobMessage>(name, { connection: producer, prefix });
      queue.on('error', onError);
      queues.set(name, queue);
    }
    return queue;
  };

  /**
   * Forgets a queue (or the flow producer) whose connection set-up failed: BullMQ keeps that rejection
   * (what `waitUntilReady()` returns), so every later call on the instance would fail with it even once
   * Redis is back. Seen when the connection drops while the instance checks the server's version. The
   * next use creates a fresh one on the same producer connection. Called after a failed publish.
   */
  const forgetIfBroken = (instance: Queue<JobMessage> | FlowProducer, forget: () => void): void => {
    instance.waitUntilReady().then(
      () => {},
      () => {
        forget();
        instance.close().catch(() => {});
      },
    );
  };
  const forgetQueueIfBroken = (name: string): void => {
    const queue = queues.get(name);
    if (queue === undefined) return;
    forgetIfBroken(queue, () => {
      if (queues.get(name) === queue) queues.delete(name);
    });
  };
  const forgetFlowsIfBroken = (): void => {
    const current = flows;
    if (current === undefined) return;
    forgetIfBroken(current, () => {
      if (flows === current) flows = undefined;
    });
  };

  const flowProducer = (): FlowProducer => {
    if (flows === undefined) {
      flows = new FlowProducer({ connection: producer, prefix });
      flows.on('error', onError);
    }
    return flows;
  };

  /**
   * A group as a flow: the parent waits for its children; a child that fails for good is an ignored
   * dependency, so the parent still runs once every child finished. The parent's data lists the
   * children's ids (`loomChildren`), which its processor reads the outcomes of. A parent already known
   * is left alone: adding the flow again would make it wait for a child that already failed.
   */
  const publishGroup = async (parent: JobMessage, children: readonly JobMessage[]): Promise<void> => {
    if ((await queueFor(parent.queue).getJobState(parent.id)) !== 'unknown') return;
    const data: GroupParentData = { ...parent, loomChildren: children.map((c) => c.id) };
    await flowProducer().add({
      name: parent.name,
      queueName: parent.queue,
      data,
      opts: jobOptions(parent, initialDelay(parent)),
      children: children.map((child) => ({
        name: child.name,
        queueName: child.queue,
        data: child,
        opts: { ...jobOptions(child, initialDelay(child)), ignoreDependencyOnFailure: true },
      })),
    });
  };

  const jobOptions = (m: JobMessage, delay: number): JobsOptions => ({
    jobId: m.id,
    attempts: m.attempts,
    ...(m.attempts > 1 ? { backoff: { type: 'exponential', delay: m.backoffMs } } : {}),
    ...(delay > 0 ? { delay } : {}),
    ...(m.priority ? { priority: m.priority } : {}),
    removeOnComplete: keepCompleted,
    removeOnFail: keepFailed,
  });

  // Publishes of one turn of the event loop go out together: one `addBulk` per queue, i.e. one
  // pipelined write to Redis and one round trip, instead of one of each per message (the relay
  // publishes what a group commit committed, all at about the same time).
  let pending: Map<string, PendingPublish[]> | undefined;
  const flush = (): void => {
    const byQueue = pending;
    pending = undefined;
    for (const [name, batch] of byQueue ?? []) void publishBatch(name, batch);
  };
  const publishBatch = async (name: string, batch: readonly PendingPublish[]): Promise<void> => {
    const first = batch[0]?.message;
    const what =
      batch.length === 1 && first !== undefined
        ? `cannot publish job ${first.name} (${first.id}) to queue ${name}`
        : `cannot publish ${batch.length} jobs to queue ${name}`;
    try {
      await withProducer(what, async () => {
        const now = Date.now();
        const queue = queueFor(name);
        // One message: a plain add (a pipeline costs more to build than it saves for one command).
        if (batch.length === 1 && first !== undefined)
          await queue.add(first.name, first, jobOptions(first, initialDelay(first, now)));
        else
          await queue.addBulk(
            batch.map(({ message: m }) => ({
              name: m.name,
              data: m,
              opts: jobOptions(m, initialDelay(m, now)),
            })),
          );
      });
      for (const p of batch) p.resolve();
    } catch (error) {
      // A pipeline: some may have been added; publishing them again is a no-op by id.
      for (const p of batch) p.reject(error);
      forgetQueueIfBroken(name);
    }
  };

  return {
    kind: 'bullmq',
    // Redis keeps what it accepted across this process's crash (and its own restarts, as persistent as
    // it is configured to be: the same as for a row the outbox relay has already published).
    durable: true,
    isConnected: () => !closed && producer.status === 'ready',

    publish(message) {
      try {
        checkMessage(message);
        // JSON-serialisable (or throws here, for this message alone), and its text kept: the queue
        // stores that text (see encodedQueueClass), so the message itself is handed on, not a copy.
        encodeMessage(message);
      } catch (error) {
        return Promise.reject(error);
      }
      if (message.children !== undefined) {
        // A group is one flow (parent and children in one call); it does not join a batch of plain adds.
        let copy: JobMessage;
        try {
          copy = normaliseMessage(message);
        } catch (error) {
          return Promise.reject(error);
        }
        const { parent, children } = splitGroup(copy);
        return withProducer(`cannot publish job ${copy.name} (${copy.id}) to queue ${copy.queue}`, () =>
          publishGroup(parent, children),
        ).catch((error: unknown) => {
          forgetQueueIfBroken(parent.queue);
          forgetFlowsIfBroken();
          throw error;
        });
      }
      return new Promise<void>((resolve, reject) => {
        if (pending === undefined) {
          pending = new Map();
          setImmediate(flush);
        }
        let batch = pending.get(message.queue);
        if (batch === undefined) {
          batch = [];
          pending.set(message.queue, batch);
        }
        batch.push({ message, resolve, reject });
      });
    },

    consume(consumerOptions) {
      if (closed) throw new ServiceUnavailable('the BullMQ queue backend is closed');
      checkConsumerOptions(consumerOptions);
      const { handler, onSettled, concurrency } = consumerOptions;
      const inFlight = new Set<AbortController>();
      let abandoned = false;

      const processor = async (job: Job<GroupParentData>): Promise<unknown> => {
        const controller = new AbortController();
        inFlight.add(controller);
        try {
          // attemptsMade counts failed attempts only, so a run interrupted by a dead worker keeps its number.
          const attempt = job.attemptsMade + 1;
          const { loomChildren, ...message } = job.data;
          // A group's parent: its children's outcomes. Redis failing to answer fails the attempt like
          // a handler error would (reported to onSettled, retried).
          let readError: unknown;
          const children =
            loomChildren === undefined
              ? undefined
              : await childOutcomes(job, loomChildren).catch((error: unknown) => {
                  readError = error;
                  return undefined;
                });
          const settlement = await runAttempt({
            handler: readError === undefined ? handler : () => Promise.reject(readError),
            onSettled,
            onError,
            message,
            attempt,
            children,
            controller,
          });
          if (settlement.status === 'failed') throw settlement.error;
          return settlement.result;
        } finally {
          inFlight.delete(controller);
        }
      };

      // One connection per worker, owned here: BullMQ uses a passed instance as the worker's main
      // connection (it only duplicates it for the blocking one), and `worker.disconnect()` ends it, so a
      // shared instance would break every later worker. It retries forever (`maxRetriesPerRequest: null`):
      // a worker outlives Redis restarts.
      const connections: Redis[] = [];
      const workers = [...new Set(consumerOptions.queues)].map((name) => {
        const connection = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: null });
        connections.push(connection);
        const worker = new Worker<GroupParentData>(name, processor, {
          connection,
          prefix,
          concurrency,
          ...(options.stalledIntervalMs === undefined ? {} : { stalledInterval: options.stalledIntervalMs }),
          ...(options.lockDurationMs === undefined ? {} : { lockDuration: options.lockDurationMs }),
          ...(options.maxStalledCount === undefined ? {} : { maxStalledCount: options.maxStalledCount }),
        });
        worker.on('error', (error: Error) => {
          if (!abandoned) onError(error);
        });
        return worker;
      });

      let closing: Promise<void> | undefined;
      const consumer: Consumer = {
        close(opts) {
          closing ??= (async () => {
            consumers.delete(consumer);
            const graceful = Promise.all(workers.map((w) => w.close()));
            if (!(await settlesWithin(graceful, opts?.timeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS))) {
              // Past the grace period: drop the connections first, so nothing can acknowledge the jobs still
              // running (their locks expire and another worker's stalled check takes them), then tell them.
              abandoned = true;
              await settlesWithin(Promise.all(workers.map((w) => w.disconnect())), timeoutMs);
              for (const controller of inFlight) controller.abort(new ConsumerClosedError());
            }
            for (const connection of connections) connection.disconnect();
          })();
          return closing;
        },
      };
      consumers.add(consumer);
      return consumer;
    },

    async stats(queue): Promise<QueueStats> {
      checkQueueName(queue);
      const counts = await withProducer(`cannot read stats of queue ${queue}`, () =>
        queueFor(queue).getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'),
      );
      const n = (key: string): number => counts[key] ?? 0;
      return {
        waiting: n('waiting') + n('prioritized'),
        active: n('active'),
        delayed: n('delayed'),
        completed: n('completed'),
        failed: n('failed'),
      };
    },

    async status(id, names) {
      const found = await withProducer(`cannot read the status of job ${id}`, async () => {
        // A job lives in one queue: ask each (the few queues of an app), in parallel.
        // The state first, then the job: finishing a job sets its state and its result in one script,
        // so a job read after a terminal state carries that state's result and attempt count (read the
        // other way round, a job that finished in between reads "completed" with no result).
        const found = await Promise.all(
          [...new Set(names)].map(async (name) => {
            const queue = queueFor(name);
            const state = await queue.getJobState(id);
            if (state === 'unknown') return undefined;
            const job = (await queue.getJob(id)) as unknown as Job<JobMessage> | undefined;
            return job === undefined ? undefined : { job, state };
          }),
        );
        return found.find((f) => f !== undefined);
      });
      return found === undefined ? undefined : statusOf(found.job, found.state);
    },

    async health() {
      try {
        await withProducer('health check', () => producer.ping());
        return { ok: true };
      } catch (error) {
        return { ok: false, detail: toError(error).message };
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...consumers].map((c) => c.close()));
      await Promise.all([...queues.values()].map((q) => settlesWithin(q.close(), timeoutMs)));
      if (flows !== undefined) await settlesWithin(flows.close(), timeoutMs);
      if (producer.status === 'ready') await settlesWithin(producer.quit(), timeoutMs);
      producer.disconnect();
    },
  };
}

/** The data of a group's parent job: its message, and the ids of its children, in order. */
type GroupParentData = JobMessage & { readonly loomChildren?: readonly string[] };

/**
 * How each child of a parent ended: completed ones from the parent's processed values, the others
 * from its ignored failures (keys are `<prefix>:<queue>:<id>`; ids hold no `:`).
 */
async function childOutcomes(job: Job<GroupParentData>, ids: readonly string[]): Promise<ChildOutcome[]> {
  const [values, failures] = await Promise.all([job.getChildrenValues(), job.getIgnoredChildrenFailures()]);
  const byId = <T>(record: Record<string, T>): Map<string, T> =>
    new Map(Object.entries(record).map(([key, value]) => [key.slice(key.lastIndexOf(':') + 1), value]));
  const completed = byId(values as Record<string, unknown>);
  const failed = byId(failures);
  return ids.map((id): ChildOutcome => {
    if (completed.has(id)) return { id, state: 'completed', result: completed.get(id) ?? null };
    return { id, state: 'failed', error: failed.get(id) ?? 'no outcome recorded' };
  });
}

/** A message waiting for the next `addBulk` of its queue. */
interface PendingPublish {
  readonly message: JobMessage;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** A BullMQ job and its state as loom reports it. */
function statusOf(job: Job<JobMessage>, state: string): MessageStatus | undefined {
  const base = { id: String(job.id), name: job.data.name, queue: job.data.queue, attempts: job.attemptsMade };
  switch (state) {
    case 'completed':
      return { ...base, state: 'completed', result: job.returnvalue ?? null };
    case 'failed':
      return { ...base, state: 'failed', error: job.failedReason };
    case 'active':
      return { ...base, state: 'running' };
    case 'delayed':
      return { ...base, state: 'delayed' };
    case 'unknown':
      return undefined; // removed between the read and the state check
    default:
      return { ...base, state: 'waiting' }; // waiting, prioritized, waiting-children
  }
}

/** Resolves once `client` is connected; rejects after `ms`. Connects a lazy client on first use. */
async function producerReady(client: Redis, ms: number): Promise<void> {
  if (client.status === 'ready') return;
  if (client.status === 'end') throw new Error('connection closed'); // other states reconnect by themselves
  if (client.status === 'wait') client.connect().catch(() => undefined); // failures arrive as 'error' events
  await new Promise<void>((resolve, reject) => {
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`not connected after ${ms} ms`));
    }, ms);
    client.once('ready', onReady);
  });
}

function toKeepJobs(r: Retention): { age: number; count: number } {
  return { age: r.ageSeconds, count: r.count };
}

/** The URL without its password, for error messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the configured URL';
  }
}
