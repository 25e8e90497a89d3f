import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { JobMessage, JobSettlement } from '../queue-backend.ts';

/** The Redis the test suites use (CI runs one locally). */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A unique queue name, so tests sharing a backend or a Redis prefix never see each other's jobs. */
export function uniqueQueue(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/** A valid message with a fresh id; override what the test is about. */
export function message(queue: string, overrides: Partial<JobMessage> = {}): JobMessage {
  return {
    id: `job-${randomUUID()}`,
    name: 'TestJob',
    queue,
    payload: {},
    attempts: 1,
    backoffMs: 10,
    ...overrides,
  };
}

/** Collects every settlement a consumer reports. */
export function recorder(): {
  readonly settled: JobSettlement[];
  readonly onSettled: (s: JobSettlement) => void;
} {
  const settled: JobSettlement[] = [];
  return { settled, onSettled: (s) => void settled.push(s) };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `signal` aborts, or after `ms` (a safety net so a test never leaves a handler hanging). */
export function untilAborted(signal: AbortSignal, ms = 10_000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A promise a test resolves by hand. */
export function gate(): { readonly opened: Promise<void>; open(): void } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open: () => open() };
}

/** Deletes every Redis key under `prefix` (the test's BullMQ prefix). */
export async function dropKeys(prefix: string, url = REDIS_URL): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
