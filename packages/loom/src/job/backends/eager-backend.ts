import { ServiceUnavailable } from '../../errors/index.ts';
import { checkConsumerOptions } from './consumer-options.ts';
import { checkQueueName, jsonCopy, normaliseMessage, splitGroup } from './job-message.ts';
import {
  type ChildOutcome,
  type Consumer,
  type ConsumerOptions,
  DEFAULT_CLOSE_TIMEOUT_MS,
  type JobMessage,
  type MessageStatus,
  type QueueBackend,
  type QueueStats,
} from './queue-backend.ts';
import { ConsumerClosedError } from './queue-errors.ts';
import { defaultOnError, runAttempt, settlesWithin } from './run-attempt.ts';
import { Semaphore } from './semaphore.ts';

export interface EagerBackendOptions {
  /** How many finished messages `status` remembers (oldest forgotten first). Default 10 000. */
  readonly keepFinished?: number;
  /** Errors thrown by `onSettled` hooks. Default: `console.error`. */
  readonly onError?: (error: Error) => void;
}

interface EagerConsumer {
  readonly options: ConsumerOptions;
  readonly gate: Semaphore;
  readonly inFlight: Map<Promise<void>, Set<AbortController>>;
}

interface Counts {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
}

/**
 * For tests: `publish` runs the handler registered by `consume` for the message's queue inline, all its
 * attempts back to back (no sleeping for backoff, `delayMs` and `runAt` ignored), and resolves once the message
 * finished, whether it completed or failed for good (read the outcome through `onSettled` or `stats`).
 * The consumer's concurrency and each attempt's timeout still apply; publishing an id again resolves with
 * the first run. A publish for a queue that no consumer took throws.
 *
 * @example
 * ```ts
 * const backend = createEagerBackend();
 * const results: unknown[] = [];
 * backend.consume({ queues: ['default'], concurrency: 1, handler: async ({ message }) => message.payload,
 *   onSettled: (s) => { if (s.status === 'completed') results.push(s.result); } });
 * await backend.publish({ id: 'j1', name: 'Echo', queue: 'default', payload: 42, attempts: 1, backoffMs: 0 });
 * results; // [42]
 * ```
 */
export function createEagerBackend(options: EagerBackendOptions = {}): QueueBackend {
  const onError = options.onError ?? defaultOnError;
  const consumers = new Map<string, EagerConsumer>();
  const runs = new Map<string, Promise<void>>();
  const keepFinished = options.keepFinished ?? 10_000;
  /** Where each message stands (bounded: finished ones are forgotten oldest first). */
  const statuses = new Map<string, MessageStatus>();
  const finishedIds: string[] = [];
  const record = (status: MessageStatus): void => {
    statuses.set(status.id, status);
    if (status.state !== 'completed' && status.state !== 'failed') return;
    finishedIds.push(status.id);
    if (finishedIds.length > keepFinished) statuses.delete(finishedIds.shift() as string);
  };
  const counts = new Map<string, Counts>();
  const handles = new Set<Consumer>();
  let closed = false;

  const countsOf = (queue: string): Counts => {
    let c = counts.get(queue);
    if (c === undefined) {
      c = { waiting: 0, active: 0, completed: 0, failed: 0 };
      counts.set(queue, c);
    }
    return c;
  };

  const execute = async (
    consumer: EagerConsumer,
    message: JobMessage,
    children?: readonly ChildOutcome[],
  ): Promise<void> => {
    const c = countsOf(message.queue);
    const controllers = new Set<AbortController>();
    const { id, name, queue } = message;
    const run = (async () => {
      c.waiting++;
      record({ id, name, queue, state: 'waiting', attempts: 0 });
      const release = await consumer.gate.acquire();
      c.waiting--;
      c.active++;
      try {
        const { handler, onSettled } = consumer.options;
        let error = '';
        for (let attempt = 1; attempt <= message.attempts; attempt++) {
          const controller = new AbortController();
          controllers.add(controller);
          record({ id, name, queue, state: 'running', attempts: attempt - 1 });
          const settlement = await runAttempt({
            handler,
            onSettled,
            onError,
            message,
            attempt,
            children,
            controller,
          });
          controllers.delete(controller);
          if (settlement.status === 'completed') {
            c.completed++;
            record({
              id,
              name,
              queue,
              state: 'completed',
              attempts: attempt,
              result: jsonCopy(settlement.result),
            });
            return;
          }
          error = settlement.error.message;
        }
        c.failed++;
        record({ id, name, queue, state: 'failed', attempts: message.attempts, error });
      } finally {
        c.active--;
        release();
      }
    })();
    consumer.inFlight.set(run, controllers);
    try {
      await run;
    } finally {
      consumer.inFlight.delete(run);
    }
  };

  const consumerOf = (message: JobMessage): EagerConsumer => {
    const consumer = consumers.get(message.queue);
    if (consumer === undefined) {
      throw new Error(
        `eager queue backend: no consumer for queue "${message.queue}" (job ${message.name}, id ${message.id}); ` +
          `call backend.consume({ queues: ['${message.queue}'], … }) before publishing`,
      );
    }
    return consumer;
  };

  const publishOne = (message: JobMessage): Promise<void> => {
    const previous = runs.get(message.id);
    if (previous !== undefined) return previous;
    const run = execute(consumerOf(message), message);
    runs.set(message.id, run);
    return run;
  };

  /** A group: every child runs (concurrently, within their consumers' limits), then the parent. */
  const publishGroup = (parent: JobMessage, children: readonly JobMessage[]): Promise<void> => {
    const consumer = consumerOf(parent);
    for (const child of children) if (!runs.has(child.id)) consumerOf(child);
    record({ id: parent.id, name: parent.name, queue: parent.queue, state: 'waiting', attempts: 0 });
    const run = (async () => {
      await Promise.all(children.map(publishOne));
      const outcomes = children.map((child): ChildOutcome => {
        const s = statuses.get(child.id);
        return s?.state === 'completed'
          ? { id: child.id, state: 'completed', result: s.result ?? null }
          : { id: child.id, state: 'failed', error: s?.error ?? 'no longer known' };
      });
      await execute(consumer, parent, outcomes);
    })();
    runs.set(parent.id, run);
    return run;
  };

  return {
    kind: 'eager',

    async publish(message) {
      const copy = normaliseMessage(message);
      if (closed) throw new ServiceUnavailable('the eager queue backend is closed');
      const previous = runs.get(copy.id);
      if (previous !== undefined) return previous;
      const { parent, children } = splitGroup(copy);
      if (children.length > 0) return publishGroup(parent, children);
      return publishOne(copy);
    },

    consume(consumerOptions): Consumer {
      if (closed) throw new ServiceUnavailable('the eager queue backend is closed');
      checkConsumerOptions(consumerOptions);
      const queues = [...new Set(consumerOptions.queues)];
      for (const queue of queues) {
        if (consumers.has(queue))
          throw new Error(`eager queue backend: queue "${queue}" already has a consumer`);
      }
      const consumer: EagerConsumer = {
        options: consumerOptions,
        gate: new Semaphore(consumerOptions.concurrency),
        inFlight: new Map(),
      };
      for (const queue of queues) consumers.set(queue, consumer);
      let closing: Promise<void> | undefined;
      const close = async (timeoutMs: number): Promise<void> => {
        for (const queue of queues) if (consumers.get(queue) === consumer) consumers.delete(queue);
        if (!(await settlesWithin(Promise.all(consumer.inFlight.keys()), timeoutMs))) {
          for (const set of consumer.inFlight.values()) {
            for (const controller of set) controller.abort(new ConsumerClosedError());
          }
        }
      };
      const handle: Consumer = {
        close(opts) {
          closing ??= close(opts?.timeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
          return closing;
        },
      };
      handles.add(handle);
      return handle;
    },

    async stats(queue): Promise<QueueStats> {
      checkQueueName(queue);
      const c = countsOf(queue);
      return { waiting: c.waiting, active: c.active, delayed: 0, completed: c.completed, failed: c.failed };
    },

    async status(id) {
      return statuses.get(id);
    },

    async health() {
      return closed ? { ok: false, detail: 'closed' } : { ok: true };
    },

    async close() {
      if (closed) return;
      await Promise.all([...handles].map((h) => h.close()));
      closed = true;
    },
  };
}
