import { ServiceUnavailable } from '../../errors/index.ts';
import { checkConsumerOptions } from './consumer-options.ts';
import {
  backoffDelay,
  checkQueueName,
  initialDelay,
  jsonCopy,
  normaliseMessage,
  splitGroup,
} from './job-message.ts';
import { PriorityHeap } from './priority-heap.ts';
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

export interface InProcessBackendOptions {
  /**
   * How many finished messages are remembered, with their outcome, for idempotent publish and `status`
   * (oldest forgotten first). Waiting, delayed and running messages are always remembered. Default 10 000.
   */
  readonly keepFinishedIds?: number;
  /** Errors thrown by `onSettled` hooks. Default: `console.error`. */
  readonly onError?: (error: Error) => void;
}

interface Entry {
  readonly message: JobMessage;
  readonly attempt: number;
  readonly seq: number;
  /** A group's parent: its children's outcomes. */
  readonly children?: readonly ChildOutcome[];
}

/** A group's parent waiting for its children. */
interface Group {
  readonly parent: JobMessage;
  readonly order: readonly string[];
  readonly pending: Set<string>;
  readonly outcomes: Map<string, ChildOutcome>;
}

/** A message not finished yet: where it stands, for `status`. */
interface Live {
  readonly message: JobMessage;
  state: 'waiting' | 'delayed' | 'running';
  attempts: number;
}

interface QueueState {
  readonly ready: PriorityHeap<Entry>;
  readonly delayed: Map<Entry, NodeJS.Timeout>;
  active: number;
  completed: number;
  failed: number;
}

interface LocalConsumer {
  readonly queues: readonly string[];
  readonly options: ConsumerOptions;
  readonly inFlight: Map<Promise<void>, AbortController>;
  closing: boolean;
}

const byPriorityThenSeq = (a: Entry, b: Entry): number =>
  (a.message.priority ?? 0) - (b.message.priority ?? 0) || a.seq - b.seq;

/**
 * The embedded default: BullMQ's semantics in memory, for a single process without Redis. Publish is
 * asynchronous (the handler never runs before `publish` returns), idempotent by id, retried with
 * exponential backoff, delayed, taken in priority order, bounded by each consumer's concurrency, timed
 * out per attempt. Messages published before any consumer exists wait for one. Nothing survives a
 * restart: use BullMQ when jobs must outlive the process.
 *
 * `stats().completed/failed` count every message finished since start (BullMQ counts retained ones).
 *
 * @example
 * ```ts
 * const backend = createInProcessBackend();
 * backend.consume({ queues: ['default'], concurrency: 2, handler: async ({ message }) => run(message) });
 * await backend.publish({ id: 'job-1', name: 'Rebuild', queue: 'default', payload: {}, attempts: 3, backoffMs: 500 });
 * ```
 */
export function createInProcessBackend(options: InProcessBackendOptions = {}): QueueBackend {
  const keepFinishedIds = options.keepFinishedIds ?? 10_000;
  const onError = options.onError ?? defaultOnError;
  const queues = new Map<string, QueueState>();
  const live = new Map<string, Live>();
  const finished = new Map<string, MessageStatus>();
  const consumers = new Set<LocalConsumer>();
  /** Parents waiting for children, by parent id; the parent of each child still running. */
  const groups = new Map<string, Group>();
  const parentOf = new Map<string, string>();
  let seq = 0;
  let pumpScheduled = false;
  let closed = false;

  const stateOf = (queue: string): QueueState => {
    let state = queues.get(queue);
    if (state === undefined) {
      state = {
        ready: new PriorityHeap(byPriorityThenSeq),
        delayed: new Map(),
        active: 0,
        completed: 0,
        failed: 0,
      };
      queues.set(queue, state);
    }
    return state;
  };

  const schedulePump = (): void => {
    if (pumpScheduled || closed) return;
    pumpScheduled = true;
    // setImmediate, not a microtask: publish must return (and its caller continue) before a handler runs.
    setImmediate(() => {
      pumpScheduled = false;
      pump();
    });
  };

  const setState = (id: string, state: Live['state']): void => {
    const l = live.get(id);
    if (l !== undefined) l.state = state;
  };

  const enqueue = (entry: Entry, delayMs: number): void => {
    const state = stateOf(entry.message.queue);
    if (delayMs <= 0) {
      setState(entry.message.id, 'waiting');
      state.ready.push(entry);
      schedulePump();
      return;
    }
    setState(entry.message.id, 'delayed');
    const timer = setTimeout(() => {
      state.delayed.delete(entry);
      setState(entry.message.id, 'waiting');
      state.ready.push({ ...entry, seq: seq++ });
      schedulePump();
    }, delayMs);
    state.delayed.set(entry, timer);
  };

  /** Queues a parent whose children all finished, telling it how they ended. */
  const release = (group: Group): void => {
    groups.delete(group.parent.id);
    const children = group.order.map((id) => group.outcomes.get(id) as ChildOutcome);
    enqueue({ message: group.parent, attempt: 1, seq: seq++, children }, initialDelay(group.parent));
  };

  const childFinished = (child: ChildOutcome): void => {
    const parentId = parentOf.get(child.id);
    if (parentId === undefined) return;
    parentOf.delete(child.id);
    const group = groups.get(parentId);
    if (group === undefined) return;
    group.pending.delete(child.id);
    group.outcomes.set(child.id, child);
    if (group.pending.size === 0) release(group);
  };

  const finish = (message: JobMessage, outcome: Pick<MessageStatus, 'state' | 'result' | 'error'>): void => {
    const { id, name, queue } = message;
    const attempts = live.get(id)?.attempts ?? 0;
    live.delete(id);
    finished.set(id, { id, name, queue, attempts, ...outcome });
    if (finished.size > keepFinishedIds) {
      const oldest = finished.keys().next();
      if (!oldest.done) finished.delete(oldest.value);
    }
    childFinished(outcomeOf(id, outcome));
  };

  /** Publishes a group: the parent waits (state `waiting`) until every child finished. */
  const publishGroup = (parent: JobMessage, children: readonly JobMessage[]): void => {
    live.set(parent.id, { message: parent, state: 'waiting', attempts: 0 });
    const group: Group = {
      parent,
      order: children.map((c) => c.id),
      pending: new Set(),
      outcomes: new Map(),
    };
    groups.set(parent.id, group);
    for (const child of children) {
      const done = finished.get(child.id);
      if (done !== undefined) {
        group.outcomes.set(child.id, outcomeOf(child.id, done));
        continue;
      }
      group.pending.add(child.id);
      parentOf.set(child.id, parent.id);
      if (live.has(child.id)) continue;
      live.set(child.id, { message: child, state: 'waiting', attempts: 0 });
      enqueue({ message: child, attempt: 1, seq: seq++ }, initialDelay(child));
    }
    if (group.pending.size === 0) release(group);
  };

  const nextFor = (consumer: LocalConsumer): Entry | undefined => {
    let best: { state: QueueState; entry: Entry } | undefined;
    for (const queue of consumer.queues) {
      const state = stateOf(queue);
      const head = state.ready.peek();
      if (head !== undefined && (best === undefined || byPriorityThenSeq(head, best.entry) < 0)) {
        best = { state, entry: head };
      }
    }
    return best?.state.ready.pop();
  };

  const start = (consumer: LocalConsumer, entry: Entry): void => {
    const state = stateOf(entry.message.queue);
    state.active++;
    setState(entry.message.id, 'running');
    const controller = new AbortController();
    const { handler, onSettled } = consumer.options;
    const run = runAttempt({
      handler,
      onSettled,
      onError,
      message: entry.message,
      attempt: entry.attempt,
      children: entry.children,
      controller,
    })
      .then((settlement) => {
        state.active--;
        const l = live.get(entry.message.id);
        if (l !== undefined) l.attempts++;
        if (settlement.status === 'completed') {
          state.completed++;
          finish(entry.message, { state: 'completed', result: jsonCopy(settlement.result) });
        } else if (!settlement.info.isFinalAttempt && !closed) {
          enqueue(
            { ...entry, attempt: entry.attempt + 1, seq: seq++ },
            backoffDelay(entry.message.backoffMs, entry.attempt),
          );
        } else {
          state.failed++;
          finish(entry.message, { state: 'failed', error: settlement.error.message });
        }
      })
      .finally(() => {
        consumer.inFlight.delete(run);
        schedulePump();
      });
    consumer.inFlight.set(run, controller);
  };

  function pump(): void {
    // Round-robin over consumers, one message at a time, so no consumer starves the others.
    let progressed = true;
    while (progressed && !closed) {
      progressed = false;
      for (const consumer of consumers) {
        if (consumer.closing || consumer.inFlight.size >= consumer.options.concurrency) continue;
        const entry = nextFor(consumer);
        if (entry === undefined) continue;
        start(consumer, entry);
        progressed = true;
      }
    }
  }

  const closeConsumer = async (consumer: LocalConsumer, timeoutMs: number): Promise<void> => {
    consumer.closing = true;
    const all = Promise.all(consumer.inFlight.keys());
    if (!(await settlesWithin(all, timeoutMs))) {
      for (const controller of consumer.inFlight.values()) controller.abort(new ConsumerClosedError());
    }
    consumers.delete(consumer);
    // Messages it would have taken stay queued for the remaining consumers.
    schedulePump();
  };

  return {
    kind: 'inprocess',

    async publish(message) {
      const copy = normaliseMessage(message);
      if (closed) throw new ServiceUnavailable('the in-process queue backend is closed');
      if (live.has(copy.id) || finished.has(copy.id)) return;
      const { parent, children } = splitGroup(copy);
      if (children.length > 0) return publishGroup(parent, children);
      live.set(copy.id, { message: copy, state: 'waiting', attempts: 0 });
      enqueue({ message: copy, attempt: 1, seq: seq++ }, initialDelay(copy));
    },

    consume(consumerOptions): Consumer {
      if (closed) throw new ServiceUnavailable('the in-process queue backend is closed');
      checkConsumerOptions(consumerOptions);
      const consumer: LocalConsumer = {
        queues: [...new Set(consumerOptions.queues)],
        options: consumerOptions,
        inFlight: new Map(),
        closing: false,
      };
      consumers.add(consumer);
      schedulePump();
      let closing: Promise<void> | undefined;
      return {
        close(opts) {
          closing ??= closeConsumer(consumer, opts?.timeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
          return closing;
        },
      };
    },

    async stats(queue): Promise<QueueStats> {
      checkQueueName(queue);
      const state = stateOf(queue);
      return {
        waiting: state.ready.size,
        active: state.active,
        delayed: state.delayed.size,
        completed: state.completed,
        failed: state.failed,
      };
    },

    async status(id) {
      const l = live.get(id);
      if (l === undefined) return finished.get(id);
      const { name, queue } = l.message;
      return { id, name, queue, state: l.state, attempts: l.attempts };
    },

    async health() {
      return closed ? { ok: false, detail: 'closed' } : { ok: true };
    },

    async close() {
      if (closed) return;
      await Promise.all([...consumers].map((c) => closeConsumer(c, DEFAULT_CLOSE_TIMEOUT_MS)));
      closed = true;
      for (const state of queues.values()) {
        for (const timer of state.delayed.values()) clearTimeout(timer);
        state.delayed.clear();
        state.ready.drain();
      }
    },
  };
}

/** A finished message as its parent is told. */
function outcomeOf(id: string, outcome: Pick<MessageStatus, 'state' | 'result' | 'error'>): ChildOutcome {
  return outcome.state === 'completed'
    ? { id, state: 'completed', result: outcome.result ?? null }
    : { id, state: 'failed', error: outcome.error ?? '' };
}
