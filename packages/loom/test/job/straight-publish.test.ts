/**
 * Decision 0067: a dispatch whose unit of work wrote nothing goes straight to a durable queue (BullMQ),
 * without an outbox row; a unit that wrote keeps the outbox row in its transaction; the in-process
 * backend (messages in memory) always writes the row; a queue that is down sends dispatches to the
 * outbox without a wait, and they run once it is back. Real PostgreSQL or SQLite, real Redis.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { createInProcessBackend, type QueueBackend } from '../../src/job/backends/index.ts';
import { type JobEvent, JobRuntime } from '../../src/job/job-runtime.ts';
import { OutboxEntry, outboxBacklog } from '../../src/job/outbox.ts';
import { DIALECTS, openTestDatabase } from '../support/dialects.ts';
import { job, Kernel, syncSchema, t, useCase } from '../support/internals.ts';
import { bullmqTarget } from './support/targets.ts';

const target = bullmqTarget();
afterAll(() => target.cleanup());

const Echo = job({
  name: 'StraightEcho',
  queue: 'straight',
  params: { n: t.Integer() },
  execute: ({ params }) => params.n,
});

/** Writes nothing: no transaction opens. */
const DispatchOnly = useCase(null, {
  name: 'StraightDispatchOnly',
  params: { n: t.Integer() },
  execute: ({ params, jobs }) => jobs.dispatch(Echo, { params }),
});

/** Writes a row, then dispatches: the message must commit with the row. */
const WriteThenDispatch = useCase(null, {
  name: 'StraightWriteThenDispatch',
  params: { n: t.Integer() },
  execute: async ({ params, jobs, db }) => {
    await db.executor().insertInto('straight_touch').values({ n: params.n }).execute();
    return jobs.dispatch(Echo, { params });
  },
});

/** Writes a row, dispatches, then fails: neither the row nor the job may exist. */
const WriteDispatchFail = useCase(null, {
  name: 'StraightWriteDispatchFail',
  params: { n: t.Integer() },
  execute: async ({ params, jobs, db }) => {
    await db.executor().insertInto('straight_touch').values({ n: params.n }).execute();
    await jobs.dispatch(Echo, { params });
    throw new Error('rolled back on purpose');
  },
});

interface App {
  readonly db: Database;
  readonly kernel: Kernel;
  readonly runtime: JobRuntime;
  /** SQL statements since the app started (lower-cased). */
  readonly statements: string[];
  /** How many Echo attempts succeeded so far. */
  ran(): number;
  /** Resolves once `n` Echo jobs succeeded. */
  succeeded(n: number): Promise<void>;
  close(): Promise<void>;
}

describe.each(DIALECTS)('straight publishing on %s', (dialect) => {
  async function start(backend: QueueBackend): Promise<App> {
    const db = await openTestDatabase(dialect);
    await syncSchema(db, [OutboxEntry]);
    await db.kysely.schema
      .createTable('straight_touch')
      .addColumn('n', 'integer', (c) => c.primaryKey())
      .execute();
    const kernel = new Kernel({ db, cursorSecret: 'straight-publish-cursor-secret' });
    kernel.compile([DispatchOnly, WriteThenDispatch, WriteDispatchFail]);
    const runtime = new JobRuntime({
      kernel,
      backend,
      jobs: [Echo],
      relay: { pollMs: 100, maxRetryMs: 300 },
    });
    let ran = 0;
    const waiters: { n: number; resolve: () => void }[] = [];
    runtime.onEvent((e: JobEvent) => {
      if (e.type !== 'succeeded' || e.name !== 'StraightEcho') return;
      ran++;
      for (const w of waiters.filter((x) => ran >= x.n)) w.resolve();
    });
    runtime.start();
    const consumer = runtime.consume({ concurrency: 4 });
    const statements: string[] = [];
    const stop = db.onStatement((text) => statements.push(text.toLowerCase()));
    return {
      db,
      kernel,
      runtime,
      statements,
      ran: () => ran,
      succeeded: (n) =>
        ran >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve })),
      async close() {
        stop();
        await consumer.close({ timeoutMs: 5_000 });
        await runtime.close();
        await backend.close();
        await db.dispose();
      },
    };
  }

  const outboxInserts = (statements: readonly string[]) =>
    statements.filter((s) => s.includes('insert into') && s.includes('loom_outbox')).length;

  it('BullMQ: a use case that writes nothing publishes straight to the queue (no outbox statement); the jobs run', async () => {
    const backend = target.create(`${dialect}-nowrite`);
    // Connected first: before its connection is up the backend says so, and the dispatch takes the outbox.
    expect(backend.isConnected?.()).toBe(false);
    expect((await backend.health()).ok).toBe(true);
    expect(backend.isConnected?.()).toBe(true);
    const app = await start(backend);
    try {
      const receipts = await Promise.all(
        [1, 2, 3, 4, 5].map((n) => app.kernel.invoke(DispatchOnly, { params: { n } })),
      );
      // The queue already holds them when the calls return.
      for (const receipt of receipts) {
        const status = await app.runtime.status(receipt.jobId);
        expect(status).toBeDefined();
        expect(status?.state).not.toBe('pending');
      }
      await app.succeeded(5);
      for (const receipt of receipts)
        expect((await receipt.wait({ timeoutMs: 5_000 })).state).toBe('completed');
      expect(outboxInserts(app.statements)).toBe(0);
      expect(app.statements.filter((s) => s.includes('loom_outbox') && !s.startsWith('select'))).toEqual([]);
      expect(await outboxBacklog(app.db)).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('BullMQ: a use case that writes commits its message as an outbox row in the same transaction', async () => {
    const backend = target.create(`${dialect}-write`);
    await backend.health();
    const app = await start(backend);
    try {
      const receipt = await app.kernel.invoke(WriteThenDispatch, { params: { n: 7 } });
      const begin = app.statements.findIndex((s) => /^begin/.test(s));
      const commit = app.statements.findIndex((s) => /^commit/.test(s));
      const insert = app.statements.findIndex((s) => s.includes('insert into') && s.includes('loom_outbox'));
      expect(begin).toBeGreaterThanOrEqual(0);
      expect(insert).toBeGreaterThan(begin);
      expect(commit).toBeGreaterThan(insert);
      expect((await receipt.wait({ timeoutMs: 10_000 })).state).toBe('completed');
      await app.succeeded(1);

      // Rolled back: neither its row nor its job.
      const before = app.statements.length;
      await expect(app.kernel.invoke(WriteDispatchFail, { params: { n: 8 } })).rejects.toThrow('on purpose');
      expect(outboxInserts(app.statements.slice(before))).toBe(0); // the batch is dropped before COMMIT
      expect(app.statements.slice(before).some((q) => q.startsWith('rollback'))).toBe(true);
      expect(
        await app.db.kysely.selectFrom('straight_touch').select('n').where('n', '=', 8).execute(),
      ).toEqual([]);
      // The committed row is deleted once published (batched); the rolled-back one never existed.
      await expect.poll(() => outboxBacklog(app.db), { timeout: 5_000, interval: 50 }).toBe(0);
      await app.kernel.invoke(DispatchOnly, { params: { n: 9 } });
      await app.succeeded(2);
      expect(app.ran()).toBe(2); // the rolled-back dispatch never ran
    } finally {
      await app.close();
    }
  });

  it('in-process backend (messages in memory): a use case that writes nothing still writes an outbox row', async () => {
    const backend = createInProcessBackend();
    expect(backend.durable).not.toBe(true);
    const app = await start(backend);
    try {
      await app.kernel.invoke(DispatchOnly, { params: { n: 1 } });
      expect(outboxInserts(app.statements)).toBe(1);
      await app.succeeded(1);
    } finally {
      await app.close();
    }
  });

  it('BullMQ down: dispatches without writes go to the outbox without waiting for the queue, and run once it is back', async () => {
    const outage = await target.withOutage?.(`${dialect}-down`);
    if (outage === undefined) throw new Error('the BullMQ target has an outage mode');
    await outage.backend.health();
    const app = await start(outage.backend);
    try {
      await app.kernel.invoke(DispatchOnly, { params: { n: 1 } });
      await app.succeeded(1);
      expect(outboxInserts(app.statements)).toBe(0); // straight while the queue is up

      await outage.cut();
      const durations: number[] = [];
      for (const n of [2, 3, 4, 5, 6]) {
        const t0 = performance.now();
        await app.kernel.invoke(DispatchOnly, { params: { n } });
        durations.push(performance.now() - t0);
      }
      // Each committed to the outbox; none waited for the unreachable queue's 500 ms timeout more than once.
      expect(await outboxBacklog(app.db)).toBe(5);
      expect(outboxInserts(app.statements)).toBe(5);
      expect(durations.filter((ms) => ms >= 400).length).toBeLessThanOrEqual(1);

      await outage.restore();
      await app.succeeded(6);
      await expect.poll(() => outboxBacklog(app.db), { timeout: 10_000, interval: 100 }).toBe(0);
      expect(app.ran()).toBe(6);
    } finally {
      await app.close();
      await outage.close();
    }
  });
});
