import { describe, expect, it, vi } from 'vitest';
import { createInProcessBackend } from './inprocess-backend.ts';
import { gate, message, recorder, sleep } from './test-fixtures/harness.ts';

const until = (fn: () => void) => vi.waitFor(fn, { timeout: 5_000, interval: 5 });

describe('in-process backend', () => {
  it('forgets the oldest finished ids beyond keepFinishedIds, so only those can run again', async () => {
    const backend = createInProcessBackend({ keepFinishedIds: 2 });
    const runs: string[] = [];
    backend.consume({
      queues: ['q'],
      concurrency: 1,
      handler: async ({ message: m }) => void runs.push(m.id),
    });
    const [a, b, c] = [message('q', { id: 'a-1' }), message('q', { id: 'b-1' }), message('q', { id: 'c-1' })];
    for (const m of [a, b, c]) await backend.publish(m);
    await until(() => expect(runs).toHaveLength(3));
    for (const m of [a, b, c]) await backend.publish(m); // a is forgotten, b and c are remembered
    await until(() => expect(runs).toHaveLength(4));
    await sleep(50);
    expect(runs).toEqual(['a-1', 'b-1', 'c-1', 'a-1']);
    await backend.close();
  });

  it('shares a queue between consumers, each bounded by its own concurrency', async () => {
    const backend = createInProcessBackend();
    const release = gate();
    const running = { one: 0, two: 0 };
    const handler = (who: 'one' | 'two') => async () => {
      running[who]++;
      await release.opened;
    };
    backend.consume({ queues: ['q'], concurrency: 1, handler: handler('one') });
    backend.consume({ queues: ['q'], concurrency: 2, handler: handler('two') });
    for (let i = 0; i < 5; i++) await backend.publish(message('q'));
    await until(() => expect(running).toEqual({ one: 1, two: 2 }));
    expect(await backend.stats('q')).toMatchObject({ waiting: 2, active: 3 });
    release.open();
    await until(async () => expect((await backend.stats('q')).completed).toBe(5));
    await backend.close();
  });

  it('leaves the messages a closed consumer did not take to the remaining consumers', async () => {
    const backend = createInProcessBackend();
    const taken: string[] = [];
    const first = backend.consume({
      queues: ['q'],
      concurrency: 1,
      handler: async () => void taken.push('first'),
    });
    await first.close();
    backend.consume({ queues: ['q'], concurrency: 1, handler: async () => void taken.push('second') });
    await backend.publish(message('q'));
    await until(() => expect(taken).toEqual(['second']));
    await backend.close();
  });

  it('reports an onSettled error to onError and keeps the outcome', async () => {
    const errors: Error[] = [];
    const backend = createInProcessBackend({ onError: (e) => void errors.push(e) });
    const rec = recorder();
    backend.consume({
      queues: ['q'],
      concurrency: 1,
      handler: async () => 'fine',
      onSettled: (s) => {
        rec.onSettled(s);
        throw new Error('hook broke');
      },
    });
    await backend.publish(message('q', { attempts: 3 }));
    await until(() => expect(errors.map((e) => e.message)).toEqual(['hook broke']));
    expect(await backend.stats('q')).toMatchObject({ completed: 1, failed: 0 });
    expect(rec.settled).toHaveLength(1);
    await backend.close();
  });
});
