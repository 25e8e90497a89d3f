import { describe, expect, it } from 'vitest';
import { createEagerBackend } from './eager-backend.ts';
import { gate, message, recorder } from './test-fixtures/harness.ts';

describe('eager backend', () => {
  it('throws a clear error when no consumer took the queue', async () => {
    const backend = createEagerBackend();
    const msg = message('mail', { name: 'SendWelcome' });
    await expect(backend.publish(msg)).rejects.toThrow(
      `eager queue backend: no consumer for queue "mail" (job SendWelcome, id ${msg.id}); ` +
        `call backend.consume({ queues: ['mail'], … }) before publishing`,
    );
    await backend.close();
  });

  it('refuses a second consumer for a queue that already has one', async () => {
    const backend = createEagerBackend();
    backend.consume({ queues: ['a'], concurrency: 1, handler: async () => undefined });
    expect(() =>
      backend.consume({ queues: ['b', 'a'], concurrency: 1, handler: async () => undefined }),
    ).toThrow('eager queue backend: queue "a" already has a consumer');
    await backend.close();
  });

  it('resolves publish after the last attempt, also when the message failed for good', async () => {
    const backend = createEagerBackend();
    const rec = recorder();
    backend.consume({
      queues: ['q'],
      concurrency: 1,
      onSettled: rec.onSettled,
      handler: async () => {
        throw new Error('always');
      },
    });
    await expect(backend.publish(message('q', { attempts: 3, backoffMs: 60_000 }))).resolves.toBeUndefined();
    expect(rec.settled.map((s) => s.status)).toEqual(['failed', 'failed', 'failed']);
    expect(await backend.stats('q')).toMatchObject({ failed: 1, active: 0 });
    await backend.close();
  });

  it('makes a repeated publish of a running id wait for the first run', async () => {
    const backend = createEagerBackend();
    const release = gate();
    let runs = 0;
    backend.consume({
      queues: ['q'],
      concurrency: 1,
      handler: async () => {
        runs++;
        await release.opened;
      },
    });
    const msg = message('q');
    let secondDone = false;
    const first = backend.publish(msg);
    const second = backend.publish(msg).then(() => {
      secondDone = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(secondDone).toBe(false);
    release.open();
    await Promise.all([first, second]);
    expect(runs).toBe(1);
    await backend.close();
  });
});
