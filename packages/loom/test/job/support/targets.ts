import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { ServiceUnavailable } from '../../../src/errors/index.ts';
import {
  createBullmqBackend,
  createEagerBackend,
  createInProcessBackend,
  type QueueBackend,
} from '../../../src/job/backends/index.ts';
import { startRedisProxy, TEST_REDIS_URL } from '../../support/redis-prefix.ts';

/** The Redis the job tests use (the CI machine's). */
export const REDIS_URL = TEST_REDIS_URL;

/** A backend whose publishing can be taken away (the queue unreachable) and given back. */
export interface OutageBackend {
  readonly backend: QueueBackend;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** One queue engine the behavioural suite runs on. */
export interface BackendTarget {
  readonly name: 'bullmq' | 'inprocess' | 'eager';
  /** A fresh backend; `label` keeps Redis keys of different describe blocks apart. */
  create(label: string): QueueBackend;
  /** For the outage test; absent when the engine has no separate queue to lose (eager). */
  withOutage?(label: string): Promise<OutageBackend>;
  /** Deletes what the target left behind (Redis keys). */
  cleanup(): Promise<void>;
}

/** Backend errors are expected in these tests (Redis cut on purpose): keep them, do not print them. */
export const backendErrors: Error[] = [];
const onError = (error: Error): void => void backendErrors.push(error);

/** Publishes through `publisher`, consumes (and counts) through `consumer`. */
function split(publisher: QueueBackend, consumer: QueueBackend): QueueBackend {
  return {
    kind: consumer.kind,
    // Straight publishing (decision 0067) goes through the publisher, as the outbox relay's does.
    ...(publisher.durable === undefined ? {} : { durable: publisher.durable }),
    ...(publisher.isConnected === undefined ? {} : { isConnected: publisher.isConnected }),
    publish: (message) => publisher.publish(message),
    consume: (options) => consumer.consume(options),
    stats: (queue) => consumer.stats(queue),
    status: (id, queues) => consumer.status(id, queues),
    health: () => publisher.health(),
    async close() {
      await consumer.close();
      await publisher.close();
    },
  };
}

/**
 * BullMQ on the local Redis, every key under `loomtest-jobs-<random>-<label>`. Its outage: the relay
 * publishes through a TCP proxy the test cuts, while the consumer keeps its own connection (a job's ack
 * is not what is tested, the relay is).
 */
export function bullmqTarget(): BackendTarget {
  const root = `loomtest-jobs-${randomBytes(4).toString('hex')}`;
  const prefixOf = (label: string) => `${root}-${label}`;
  return {
    name: 'bullmq',
    create: (label) => createBullmqBackend({ url: REDIS_URL, prefix: prefixOf(label), onError }),
    async withOutage(label) {
      const proxy = await startRedisProxy();
      const prefix = prefixOf(label);
      const publisher = createBullmqBackend({
        url: `redis://127.0.0.1:${proxy.port}`,
        prefix,
        operationTimeoutMs: 500,
        onError,
      });
      const backend = split(publisher, createBullmqBackend({ url: REDIS_URL, prefix, onError }));
      return {
        backend,
        cut: () => proxy.cut(),
        restore: () => proxy.restore(),
        async close() {
          await backend.close();
          await proxy.close();
        },
      };
    },
    async cleanup() {
      const redis = new Redis(REDIS_URL);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${root}-*`, 'COUNT', 500);
          cursor = next;
          if (keys.length > 0) await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}

/** The in-process backend. Its outage: `publish` rejects with ServiceUnavailable while cut. */
export function inProcessTarget(): BackendTarget {
  return {
    name: 'inprocess',
    create: () => createInProcessBackend({ onError }),
    async withOutage() {
      const inner = createInProcessBackend({ onError });
      let down = false;
      const backend: QueueBackend = {
        kind: inner.kind,
        async publish(message) {
          if (down) throw new ServiceUnavailable('the in-process queue is cut by the test');
          await inner.publish(message);
        },
        consume: (options) => inner.consume(options),
        stats: (queue) => inner.stats(queue),
        status: (id, queues) => inner.status(id, queues),
        health: async () => (down ? { ok: false, detail: 'cut' } : inner.health()),
        close: () => inner.close(),
      };
      return {
        backend,
        cut: async () => {
          down = true;
        },
        restore: async () => {
          down = false;
        },
        close: () => backend.close(),
      };
    },
    cleanup: async () => {},
  };
}

/** The eager backend: a publish runs the job, all its attempts, before it resolves. */
export function eagerTarget(): BackendTarget {
  return { name: 'eager', create: () => createEagerBackend({ onError }), cleanup: async () => {} };
}
