/**
 * A BullMQ `Queue` keeps the outcome of its connection set-up: when the connection dies while the
 * queue checks the server (its first command), every later add on that instance fails with the same
 * error, even once Redis is back. The backend must drop such a queue and build a new one, or a
 * process that lost Redis at the wrong moment never publishes again (its outbox only grows). Found by
 * the job suite's outage test on a loaded machine; reproduced here step by step through a TCP proxy.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createBullmqBackend } from '../../src/job/backends/bullmq-backend.ts';
import type { JobMessage } from '../../src/job/backends/queue-backend.ts';
import { deleteRedisKeys, startRedisProxy, testPrefix } from '../support/redis-prefix.ts';

const prefix = testPrefix('queue-recovery');
afterAll(() => deleteRedisKeys(prefix));

const message = (queue: string): JobMessage => ({
  id: randomUUID(),
  name: 'RecoveryJob',
  queue,
  payload: {},
  attempts: 1,
  backoffMs: 0,
});

describe('BullMQ backend, a queue whose set-up failed', () => {
  it('is rebuilt: publishing works again once Redis is back', async () => {
    const proxy = await startRedisProxy();
    const errors: Error[] = [];
    const backend = createBullmqBackend({
      url: `redis://127.0.0.1:${proxy.port}`,
      prefix,
      operationTimeoutMs: 500,
      onError: (error) => void errors.push(error),
    });
    try {
      // Connected (the producer is ready), but no queue exists yet.
      expect((await backend.health()).ok).toBe(true);
      // The first publish creates the queue, whose first command then hangs in the partition …
      proxy.stall();
      await expect(backend.publish(message('recovery'))).rejects.toThrow(/cannot publish job RecoveryJob/);
      // … and dies with the connection: the queue's set-up has failed for good.
      await proxy.cut();
      await expect(backend.publish(message('recovery'))).rejects.toThrow(/cannot publish job RecoveryJob/);
      await proxy.restore();
      await expect
        .poll(async () => (await backend.health()).ok, { timeout: 10_000, interval: 100 })
        .toBe(true);

      // Redis is back: a publish goes through (without the fix it kept failing with the set-up's error).
      const next = message('recovery');
      await expect
        .poll(
          () =>
            backend.publish(next).then(
              () => 'published',
              (error: Error) => error.message,
            ),
          { timeout: 10_000, interval: 200 },
        )
        .toBe('published');
      const status = await backend.status(next.id, ['recovery']);
      expect(status?.state).toBe('waiting');
    } finally {
      await backend.close();
      await proxy.close();
    }
  });
});
