import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { Consumer, ConsumerOptions, JobRunInfo, QueueBackend } from '../queue-backend.ts';
import { ConsumerClosedError, JobTimeoutError } from '../queue-errors.ts';
import { gate, message, recorder, sleep, uniqueQueue, untilAborted } from './harness.ts';

/** A backend under test. */
export interface ContractTarget {
  readonly create: () => QueueBackend;
  /** Messages run after `publish` returned (false for the eager backend, which runs them inline). */
  readonly async: boolean;
}

const until = (fn: () => void, timeout = 5_000) => vi.waitFor(fn, { timeout, interval: 10 });

/**
 * The behaviour every {@link QueueBackend} promises, as one suite. Call it inside a `describe` per backend.
 *
 * @example
 * ```ts
 * describe.each(targets)('$name', (target) => queueBackendContract(target));
 * ```
 */
export function queueBackendContract(target: ContractTarget): void {
  let backend: QueueBackend;
  let consumers: Consumer[] = [];
  const consume = (options: ConsumerOptions): Consumer => {
    const consumer = backend.consume(options);
    consumers.push(consumer);
    return consumer;
  };

  beforeEach(() => {
    backend = target.create();
  });
  afterEach(async () => {
    await Promise.all(consumers.map((c) => c.close({ timeoutMs: 2_000 })));
    consumers = [];
    await backend.close();
  });

  it('runs a published message and reports its result', async () => {
    const queue = uniqueQueue('result');
    const rec = recorder();
    let published = false;
    let ranAfterPublishReturned: boolean | undefined;
    consume({
      queues: [queue],
      concurrency: 1,
      onSettled: rec.onSettled,
      handler: async ({ message: m }) => {
        ranAfterPublishReturned = published;
        return { echo: m.payload, meta: m.meta };
      },
    });
    const msg = message(queue, { payload: { n: 1, at: new Date(0) }, meta: { traceparent: 't-1' } });
    await backend.publish(msg);
    published = true;
    await until(() => expect(rec.settled).toHaveLength(1));
    const [s] = rec.settled;
    expect(s?.status).toBe('completed');
    // The payload travels as JSON: the Date arrives as its ISO string.
    expect(s?.status === 'completed' && s.result).toEqual({
      echo: { n: 1, at: '1970-01-01T00:00:00.000Z' },
      meta: { traceparent: 't-1' },
    });
    expect(s?.info).toMatchObject({
      attempt: 1,
      isFinalAttempt: true,
      message: { id: msg.id, name: 'TestJob' },
    });
    expect(ranAfterPublishReturned).toBe(target.async);
    await until(async () => expect((await backend.stats(queue)).completed).toBe(1));
  });

  it('retries a failing handler with exponential backoff, marks the last attempt final, then stops', async () => {
    const queue = uniqueQueue('retry');
    const rec = recorder();
    const backoffMs = target.async ? 60 : 5_000;
    const startedAt: number[] = [];
    consume({
      queues: [queue],
      concurrency: 1,
      onSettled: rec.onSettled,
      handler: async ({ attempt }) => {
        startedAt.push(performance.now());
        throw new Error(`boom ${attempt}`);
      },
    });
    const t0 = performance.now();
    await backend.publish(message(queue, { attempts: 3, backoffMs }));
    await until(() => expect(rec.settled).toHaveLength(3));
    expect(rec.settled.map((s) => [s.status, s.info.attempt, s.info.isFinalAttempt])).toEqual([
      ['failed', 1, false],
      ['failed', 2, false],
      ['failed', 3, true],
    ]);
    expect(rec.settled.map((s) => s.status === 'failed' && s.error.message)).toEqual([
      'boom 1',
      'boom 2',
      'boom 3',
    ]);
    const [a = 0, b = 0, c = 0] = startedAt;
    if (target.async) {
      expect(b - a).toBeGreaterThanOrEqual(backoffMs - 5); // 60 ms after attempt 1
      expect(c - b).toBeGreaterThanOrEqual(2 * backoffMs - 5); // 120 ms after attempt 2
    } else {
      expect(c - t0).toBeLessThan(backoffMs); // eager: no sleeping
    }
    await sleep(300);
    expect(startedAt).toHaveLength(3);
    await until(async () => expect(await backend.stats(queue)).toMatchObject({ failed: 1, completed: 0 }));
  });

  it('completes a message whose retry succeeds', async () => {
    const queue = uniqueQueue('retry-ok');
    const rec = recorder();
    consume({
      queues: [queue],
      concurrency: 1,
      onSettled: rec.onSettled,
      handler: async ({ attempt }) => {
        if (attempt === 1) throw new Error('transient');
        return `ok on ${attempt}`;
      },
    });
    await backend.publish(message(queue, { attempts: 3, backoffMs: 20 }));
    await until(() => expect(rec.settled).toHaveLength(2));
    expect(rec.settled[1]).toMatchObject({ status: 'completed', result: 'ok on 2', info: { attempt: 2 } });
    await until(async () => expect(await backend.stats(queue)).toMatchObject({ completed: 1, failed: 0 }));
  });

  it('runs a message once when its id is published twice', async () => {
    const queue = uniqueQueue('idempotent');
    const runs: string[] = [];
    consume({
      queues: [queue],
      concurrency: 4,
      handler: async ({ message: m }) => {
        runs.push(m.id);
        await sleep(50);
      },
    });
    const msg = message(queue);
    await Promise.all([backend.publish(msg), backend.publish(msg)]);
    await backend.publish({ ...msg, payload: { changed: true } });
    await until(async () => expect((await backend.stats(queue)).completed).toBe(1));
    await backend.publish(msg); // after completion, while the id is retained
    await sleep(200);
    expect(runs).toEqual([msg.id]);
  });

  it('runs a group parent once, after every child finished, told how each ended, in order', async () => {
    const queue = uniqueQueue('group');
    const rec = recorder();
    const release = gate();
    consume({
      queues: [queue],
      concurrency: 2,
      onSettled: rec.onSettled,
      handler: async ({ message: m, children }) => {
        if (m.name === 'Parent') return { children, hasChildren: 'children' in m };
        if (m.name === 'Failing') throw new Error('child failed');
        await release.opened;
        return `done ${m.id}`;
      },
    });
    const ok = message(queue);
    const ko = message(queue, { name: 'Failing', attempts: 2, backoffMs: 1 });
    const parent = message(queue, { name: 'Parent', children: [ok, ko] });
    const published = backend.publish(parent);
    if (target.async) await published;
    // The parent waits for its children: one failed for good, one still running.
    await until(() => expect(rec.settled.filter((s) => s.info.message.id === ko.id)).toHaveLength(2));
    expect((await backend.status(parent.id, [queue]))?.state).toBe('waiting');
    // Published again meanwhile (a relay after a crash): the group is not added twice, and the failed
    // child is not waited for again.
    const again = backend.publish(parent);
    if (target.async) await again;
    release.open();
    await published;
    await again;
    const parentRuns = () => rec.settled.filter((s) => s.info.message.name === 'Parent');
    await until(() => expect(parentRuns()).toHaveLength(1));
    const [run] = parentRuns();
    expect(run?.status === 'completed' && run.result).toEqual({
      children: [
        { id: ok.id, state: 'completed', result: `done ${ok.id}` },
        { id: ko.id, state: 'failed', error: 'child failed' },
      ],
      hasChildren: false,
    });
    expect(rec.settled.filter((s) => s.info.message.id === ko.id)).toHaveLength(2); // retried, then failed
    await until(async () => expect((await backend.status(parent.id, [queue]))?.state).toBe('completed'));
    // Published again once finished: nothing runs again.
    await backend.publish(parent);
    await sleep(target.async ? 100 : 0);
    expect(parentRuns()).toHaveLength(1);
    expect(rec.settled).toHaveLength(4);
  });

  it('refuses a group whose children have children, or repeat an id', async () => {
    const queue = uniqueQueue('bad-group');
    const child = message(queue);
    const nested = message(queue, { children: [message(queue)] });
    await expect(backend.publish(message(queue, { children: [nested] }))).rejects.toThrow(
      /children of its own/,
    );
    await expect(backend.publish(message(queue, { children: [child, child] }))).rejects.toThrow(
      /appears twice/,
    );
    await expect(backend.publish(message(queue, { children: [] }))).rejects.toThrow(/non-empty array/);
  });

  it(target.async ? 'delays the first attempt by delayMs' : 'ignores delayMs and runs inline', async () => {
    const queue = uniqueQueue('delay');
    let ranAt: number | undefined;
    consume({
      queues: [queue],
      concurrency: 1,
      handler: async () => {
        ranAt = performance.now();
      },
    });
    const t0 = performance.now();
    await backend.publish(message(queue, { delayMs: 400 }));
    if (!target.async) {
      expect(ranAt).toBeDefined();
      return;
    }
    await sleep(150);
    expect(ranAt).toBeUndefined();
    expect((await backend.stats(queue)).delayed).toBe(1);
    await until(() => expect(ranAt).toBeDefined());
    expect((ranAt ?? 0) - t0).toBeGreaterThanOrEqual(390);
  });

  it('reports the status of a message: running, completed with its result, failed with its error', async () => {
    const queue = uniqueQueue('status');
    const release = gate();
    consume({
      queues: [queue],
      concurrency: 2,
      handler: async ({ message: m, attempt }) => {
        if ((m.payload as { fail?: boolean }).fail) throw new Error(`refused on attempt ${attempt}`);
        if (target.async) await release.opened;
        return { n: 1, at: new Date(0) };
      },
    });
    const ok = message(queue);
    const ko = message(queue, { payload: { fail: true }, attempts: 2, backoffMs: 5 });
    expect(await backend.status(ok.id, [queue])).toBeUndefined();
    await backend.publish(ok);
    if (target.async) {
      await until(async () => expect((await backend.status(ok.id, [queue]))?.state).toBe('running'));
      release.open();
    }
    await until(async () => expect((await backend.status(ok.id, [queue]))?.state).toBe('completed'));
    expect(await backend.status(ok.id, ['another-queue', queue])).toEqual({
      id: ok.id,
      name: 'TestJob',
      queue,
      state: 'completed',
      attempts: 1,
      result: { n: 1, at: '1970-01-01T00:00:00.000Z' }, // as JSON carries it
    });
    await backend.publish(ko);
    await until(async () => expect((await backend.status(ko.id, [queue]))?.state).toBe('failed'));
    expect(await backend.status(ko.id, [queue])).toEqual({
      id: ko.id,
      name: 'TestJob',
      queue,
      state: 'failed',
      attempts: 2,
      error: 'refused on attempt 2',
    });
    expect(await backend.status('job-unknown', [queue])).toBeUndefined();
  });

  it(
    target.async ? 'holds a message until runAt, reporting it delayed' : 'ignores runAt and runs inline',
    async () => {
      const queue = uniqueQueue('run-at');
      let ran = false;
      consume({
        queues: [queue],
        concurrency: 1,
        handler: async () => {
          ran = true;
        },
      });
      const later = message(queue, { runAt: Date.now() + 60_000, delayMs: 0 });
      await backend.publish(later);
      if (!target.async) {
        expect(ran).toBe(true);
        return;
      }
      await until(async () => expect((await backend.status(later.id, [queue]))?.state).toBe('delayed'));
      // An instant already past runs at once, whatever delayMs says.
      const past = message(queue, { runAt: Date.now() - 1_000, delayMs: 60_000 });
      await backend.publish(past);
      await until(async () => expect((await backend.status(past.id, [queue]))?.state).toBe('completed'));
      expect((await backend.status(later.id, [queue]))?.state).toBe('delayed');
    },
  );

  it('never runs more handlers at once than the concurrency', async () => {
    const queue = uniqueQueue('concurrency');
    let running = 0;
    let peak = 0;
    let done = 0;
    consume({
      queues: [queue],
      concurrency: 2,
      handler: async () => {
        running++;
        peak = Math.max(peak, running);
        await sleep(80);
        running--;
        done++;
      },
    });
    await Promise.all(Array.from({ length: 6 }, () => backend.publish(message(queue))));
    await until(() => expect(done).toBe(6));
    expect(peak).toBe(2);
  });

  it('fails an attempt that outlives timeoutMs and aborts its signal', async () => {
    const queue = uniqueQueue('timeout');
    const rec = recorder();
    let seen: JobRunInfo | undefined;
    consume({
      queues: [queue],
      concurrency: 1,
      onSettled: rec.onSettled,
      handler: async (info) => {
        seen = info;
        await untilAborted(info.signal);
        return 'too late';
      },
    });
    await backend.publish(message(queue, { timeoutMs: 100 }));
    await until(() => expect(rec.settled).toHaveLength(1));
    const [s] = rec.settled;
    expect(s?.status).toBe('failed');
    const error = s?.status === 'failed' ? s.error : undefined;
    expect(error).toBeInstanceOf(JobTimeoutError);
    expect(s?.durationMs).toBeGreaterThanOrEqual(95);
    expect(s?.durationMs).toBeLessThan(2_000);
    expect(seen?.signal.aborted).toBe(true);
    expect(seen?.signal.reason).toBe(error);
    await until(async () => expect((await backend.stats(queue)).failed).toBe(1));
  });

  it('closes gracefully: waits for the in-flight attempt, then takes nothing more', async () => {
    const queue = uniqueQueue('close');
    const rec = recorder();
    const started = gate();
    let finished = false;
    const consumer = consume({
      queues: [queue],
      concurrency: 1,
      onSettled: rec.onSettled,
      handler: async () => {
        started.open();
        await sleep(300);
        finished = true;
        return 'done';
      },
    });
    const publishing = backend.publish(message(queue));
    await started.opened;
    await consumer.close({ timeoutMs: 5_000 });
    expect(finished).toBe(true);
    expect(rec.settled).toMatchObject([{ status: 'completed', result: 'done' }]);
    await publishing;
    expect((await backend.stats(queue)).completed).toBe(1);
    if (target.async) {
      await backend.publish(message(queue));
      await sleep(300);
      expect(await backend.stats(queue)).toMatchObject({ waiting: 1, active: 0 });
    } else {
      await expect(backend.publish(message(queue))).rejects.toThrow(/no consumer for queue/);
    }
  });

  it('stops waiting after the close timeout and aborts the in-flight signal', async () => {
    const queue = uniqueQueue('close-timeout');
    const started = gate();
    let signal: AbortSignal | undefined;
    const consumer = consume({
      queues: [queue],
      concurrency: 1,
      handler: async (info) => {
        signal = info.signal;
        started.open();
        await untilAborted(info.signal);
      },
    });
    const publishing = backend.publish(message(queue, { attempts: 2 }));
    await started.opened;
    const t0 = performance.now();
    await consumer.close({ timeoutMs: 150 });
    expect(performance.now() - t0).toBeLessThan(1_500);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(ConsumerClosedError);
    await publishing;
  });

  it('counts messages by state', async () => {
    const queue = uniqueQueue('stats');
    const release = gate();
    const started = gate();
    if (target.async) {
      await backend.publish(message(queue, { payload: 'block' }));
      await backend.publish(message(queue, { payload: 'fail', priority: 3 }));
      await backend.publish(message(queue, { payload: 'later', delayMs: 60_000 }));
      expect(await backend.stats(queue)).toEqual({
        waiting: 2,
        active: 0,
        delayed: 1,
        completed: 0,
        failed: 0,
      });
    }
    consume({
      queues: [queue],
      concurrency: 2,
      handler: async ({ message: m }) => {
        if (m.payload === 'fail') throw new Error('no');
        started.open();
        await release.opened;
      },
    });
    const inline = target.async
      ? Promise.resolve()
      : Promise.all([
          backend.publish(message(queue, { payload: 'block' })),
          backend.publish(message(queue, { payload: 'fail' })),
        ]);
    await started.opened;
    await until(async () =>
      expect(await backend.stats(queue)).toMatchObject({ waiting: 0, active: 1, failed: 1 }),
    );
    release.open();
    await inline;
    await until(async () =>
      expect(await backend.stats(queue)).toEqual({
        waiting: 0,
        active: 0,
        delayed: target.async ? 1 : 0,
        completed: 1,
        failed: 1,
      }),
    );
  });

  it.runIf(target.async)(
    'keeps messages published before any consumer, then takes them by priority',
    async () => {
      const queue = uniqueQueue('priority');
      const order: unknown[] = [];
      for (const [payload, priority] of [
        ['p5', 5],
        ['none-1', 0],
        ['p1-a', 1],
        ['none-2', undefined],
        ['p1-b', 1],
      ] as const) {
        await backend.publish(message(queue, { payload, ...(priority === undefined ? {} : { priority }) }));
      }
      await sleep(100);
      expect((await backend.stats(queue)).waiting).toBe(5);
      consume({
        queues: [queue],
        concurrency: 1,
        handler: async ({ message: m }) => void order.push(m.payload),
      });
      await until(() => expect(order).toHaveLength(5));
      // BullMQ semantics: no priority first (FIFO), then ascending priority, FIFO within one.
      expect(order).toEqual(['none-1', 'none-2', 'p1-a', 'p1-b', 'p5']);
    },
  );

  it('reports health, and refuses to publish once closed', async () => {
    expect(await backend.health()).toEqual({ ok: true });
    await backend.close();
    expect((await backend.health()).ok).toBe(false);
    await expect(backend.publish(message(uniqueQueue('closed')))).rejects.toThrow(/closed/);
  });
}
