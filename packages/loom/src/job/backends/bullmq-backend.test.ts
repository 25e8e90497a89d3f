import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ServiceUnavailable } from '../../errors/index.ts';
import { createBullmqBackend } from './bullmq-backend.ts';
import { encodeMessage } from './job-message.ts';
import type { JobMessage } from './queue-backend.ts';
import {
  dropKeys,
  gate,
  message,
  REDIS_URL,
  recorder,
  sleep,
  uniqueQueue,
  untilAborted,
} from './test-fixtures/harness.ts';

const prefix = `loomtest-bullmq-${randomUUID().slice(0, 8)}`;
afterAll(() => dropKeys(prefix));

const DEAD_URL = 'redis://127.0.0.1:6390';

describe('BullMQ backend', () => {
  it('rejects a publish with ServiceUnavailable within the timeout when Redis is unreachable', async () => {
    const backend = createBullmqBackend({ url: DEAD_URL, prefix, operationTimeoutMs: 1_000 });
    try {
      for (let i = 0; i < 2; i++) {
        // Twice: the first while connecting, the second while reconnecting in the background.
        const t0 = performance.now();
        const error = await backend.publish(message('dead')).catch((e: unknown) => e);
        expect(performance.now() - t0).toBeLessThan(2_000);
        expect(error).toBeInstanceOf(ServiceUnavailable);
        expect((error as Error).message).toMatch(
          /cannot publish job TestJob .* to queue dead: Redis at .*6390/,
        );
      }
      await expect(backend.stats('dead')).rejects.toBeInstanceOf(ServiceUnavailable);
      expect(await backend.health()).toMatchObject({ ok: false });
    } finally {
      const t0 = performance.now();
      await backend.close();
      expect(performance.now() - t0).toBeLessThan(1_000);
    }
  });

  it('stores the message as a BullMQ job: jobId, attempts, exponential backoff, delay, priority, retention', async () => {
    const backend = createBullmqBackend({ url: REDIS_URL, prefix });
    const redis = new Redis(REDIS_URL);
    const queue = new Queue<JobMessage>(uniqueQueue('shape'), { connection: redis, prefix });
    try {
      const msg = message(queue.name, { attempts: 4, backoffMs: 250, delayMs: 60_000, priority: 7 });
      await backend.publish(msg);
      const job = await queue.getJob(msg.id);
      expect(job?.id).toBe(msg.id);
      expect(job?.name).toBe('TestJob');
      expect(job?.data).toEqual(msg);
      expect(job?.opts).toMatchObject({
        attempts: 4,
        backoff: { type: 'exponential', delay: 250 },
        delay: 60_000,
        priority: 7,
        removeOnComplete: { age: 86_400, count: 1_000 },
        removeOnFail: { age: 604_800, count: 10_000 },
      });
      expect(await job?.getState()).toBe('delayed');
    } finally {
      await queue.close();
      redis.disconnect();
      await backend.close();
    }
  });

  it('stores the JSON text the message was encoded to at dispatch, not a second serialization', async () => {
    const backend = createBullmqBackend({ url: REDIS_URL, prefix });
    const redis = new Redis(REDIS_URL);
    const queue = new Queue<JobMessage>(uniqueQueue('encoded'), { connection: redis, prefix });
    try {
      const payload = { step: 'dispatched' };
      const msg = message(queue.name, { payload });
      const json = encodeMessage(msg);
      const publishing = backend.publish(msg);
      // Changed after it was encoded (the outbox row holds the first text): the queue stores that text.
      payload.step = 'changed later';
      await publishing;
      expect(await redis.hget(`${prefix}:${queue.name}:${msg.id}`, 'data')).toBe(json);
      expect((await queue.getJob(msg.id))?.data.payload).toEqual({ step: 'dispatched' });
    } finally {
      await queue.close();
      redis.disconnect();
      await backend.close();
    }
  });

  it('hands the job of a worker killed mid-job to another consumer (stalled-job recovery)', async () => {
    const queue = uniqueQueue('stalled');
    const backend = createBullmqBackend({
      url: REDIS_URL,
      prefix,
      lockDurationMs: 1_000,
      stalledIntervalMs: 300,
    });
    let child: ChildProcess | undefined;
    try {
      const msg = message(queue, { payload: { important: true } });
      await backend.publish(msg);
      const fixture = fileURLToPath(new URL('./test-fixtures/stalled-consumer.ts', import.meta.url));
      child = spawn(process.execPath, [fixture, REDIS_URL, prefix, queue], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      await vi.waitFor(() => expect(out).toContain(`started ${msg.id} 1`), { timeout: 10_000, interval: 20 });
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGKILL');
      expect(await exited).toBeNull(); // exit code null: killed by a signal
      expect((await backend.stats(queue)).active).toBe(1); // the dead worker's job is still "active"

      const rec = recorder();
      const t0 = performance.now();
      const consumer = backend.consume({
        queues: [queue],
        concurrency: 1,
        onSettled: rec.onSettled,
        handler: async ({ message: m }) => ({ recovered: m.payload }),
      });
      await vi.waitFor(() => expect(rec.settled).toHaveLength(1), { timeout: 10_000, interval: 20 });
      expect(rec.settled[0]).toMatchObject({
        status: 'completed',
        result: { recovered: { important: true } },
        info: { attempt: 1, message: { id: msg.id } }, // a stall is not a failed attempt
      });
      expect(performance.now() - t0).toBeLessThan(5_000);
      await vi.waitFor(async () =>
        expect(await backend.stats(queue)).toMatchObject({ active: 0, completed: 1 }),
      );
      await consumer.close();
    } finally {
      if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await backend.close();
    }
  });

  it('leaves a job its consumer abandoned at the close timeout to the stalled check, without failing it', async () => {
    const queue = uniqueQueue('abandoned');
    const backend = createBullmqBackend({
      url: REDIS_URL,
      prefix,
      lockDurationMs: 1_000,
      stalledIntervalMs: 300,
    });
    try {
      const started = gate();
      const first = backend.consume({
        queues: [queue],
        concurrency: 1,
        handler: async ({ signal }) => {
          started.open();
          await untilAborted(signal);
          throw signal.reason; // a cooperative handler gives up when told to
        },
      });
      const msg = message(queue, { attempts: 1 });
      await backend.publish(msg);
      await started.opened;
      await first.close({ timeoutMs: 100 });
      await sleep(100);
      // Not failed although its only attempt threw: the closed consumer could not acknowledge it.
      expect(await backend.stats(queue)).toMatchObject({ active: 1, failed: 0 });

      const rec = recorder();
      backend.consume({
        queues: [queue],
        concurrency: 1,
        onSettled: rec.onSettled,
        handler: async () => 'second',
      });
      await vi.waitFor(() => expect(rec.settled).toHaveLength(1), { timeout: 5_000, interval: 20 });
      expect(rec.settled[0]).toMatchObject({ status: 'completed', result: 'second', info: { attempt: 1 } });
    } finally {
      await backend.close();
    }
  });
});
