/**
 * Issue 20's budget: at most 3 SQL statements per job, end to end (dispatch from a use case → BullMQ →
 * the job → its success callback), counted by `db.onStatement` (BEGIN and COMMIT count), on both
 * dialects. Before the second round: 8.1 per job with a callback (BEGIN, INSERT outbox, COMMIT for the
 * dispatch; the relay's SELECT and DELETE; BEGIN/INSERT/COMMIT for the job; BEGIN/COMMIT for the callback).
 * A use case that writes nothing now publishes straight to BullMQ (decision 0067); one that writes
 * commits an outbox row with its write, which the relay deletes in batches once published.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { JobRuntime } from '../../src/job/job-runtime.ts';
import { OutboxEntry, outboxBacklog } from '../../src/job/outbox.ts';
import { DIALECTS, openTestDatabase } from '../support/dialects.ts';
import { callbacks, job, Kernel, loadById, syncSchema, t, useCase } from '../support/internals.ts';
import { Product } from './support/declarations.ts';
import { bullmqTarget } from './support/targets.ts';

const target = bullmqTarget();
afterAll(() => target.cleanup());

const Noop = job({
  name: 'CountedNoop',
  queue: 'counted',
  params: { n: t.Integer() },
  execute: ({ params }) => params.n,
});
const NoopCallbacks = callbacks(Noop, { name: 'CountedNoopCallbacks', onSuccess: () => {} });
const ReadStock = job({
  name: 'CountedReadStock',
  queue: 'counted',
  params: { productId: t.Integer() },
  load: { product: loadById(Product, { by: 'productId' }) },
  execute: ({ load }) => load.product.stock,
});
const ReadStockCallbacks = callbacks(ReadStock, { name: 'CountedReadStockCallbacks', onSuccess: () => {} });

const DispatchNoop = useCase(null, {
  name: 'DispatchCountedNoop',
  params: { n: t.Integer() },
  execute: ({ params, jobs }) => jobs.dispatch(Noop, { params, callbacks: NoopCallbacks }),
});
const DispatchReadStock = useCase(null, {
  name: 'DispatchCountedReadStock',
  params: { productId: t.Integer() },
  execute: ({ params, jobs }) => jobs.dispatch(ReadStock, { params, callbacks: ReadStockCallbacks }),
});

/** Writes (one UPDATE in its transaction) and dispatches: the message is an outbox row in that transaction. */
const RestockAndDispatch = useCase(null, {
  name: 'CountedRestockAndDispatch',
  params: { productId: t.Integer() },
  execute: async ({ params, jobs, repos }) => {
    const product = await repos(Product).getById(params.productId);
    await repos(Product).update(params.productId, { stock: (product?.stock ?? 0) + 1 });
    return jobs.dispatch(Noop, { params: { n: params.productId }, callbacks: NoopCallbacks });
  },
});

const JOBS = 60;

describe.each(DIALECTS)('statements per job on %s (BullMQ backend)', (dialect) => {
  /** Dispatches JOBS jobs (8 calls in flight), waits for every success callback; statements per job. */
  async function measure(
    label: string,
    dispatch: (kernel: Kernel, n: number) => Promise<unknown>,
    callbackName: string,
  ) {
    const db = await openTestDatabase(dialect);
    const backend = target.create(`${dialect}-${label}`);
    try {
      await syncSchema(db, [Product, OutboxEntry]);
      const kernel = new Kernel({ db, cursorSecret: 'statements-per-job-secret' });
      kernel.compile([DispatchNoop, DispatchReadStock, RestockAndDispatch]);
      const runtime = new JobRuntime({
        kernel,
        backend,
        jobs: [Noop, ReadStock],
        callbacks: [NoopCallbacks, ReadStockCallbacks],
      });
      let done = 0;
      let allDone: () => void = () => {};
      const finished = new Promise<void>((resolve) => {
        allDone = resolve;
      });
      runtime.onEvent((e) => {
        if (e.type === 'succeeded' && e.name === callbackName && ++done === JOBS) allDone();
      });
      const product = await kernel.entity(Product).create({ key: 'counted', stock: 3 });
      runtime.start();
      const consumer = runtime.consume({ concurrency: 8 });
      const statements: string[] = [];
      const stop = db.onStatement((sql) => statements.push(sql));
      let next = 0;
      const lane = async () => {
        // Claimed before the await: each of the JOBS dispatches runs once, whichever lane takes it.
        while (next < JOBS) {
          next++;
          await dispatch(kernel, product.id);
        }
      };
      await Promise.all(Array.from({ length: 8 }, lane));
      await finished;
      await runtime.relay.stop(); // waits for the last batched DELETE
      stop();
      await consumer.close();
      await runtime.close();
      // Nothing was left behind: every outbox row was published and deleted.
      expect(await outboxBacklog(db)).toBe(0);
      return statements.length / JOBS;
    } finally {
      await backend.close();
      await db.dispose();
    }
  }

  it('a job without database work, with an onSuccess callback: ≤ 3 statements per job', async () => {
    const perJob = await measure(
      'noop',
      (kernel, id) => kernel.invoke(DispatchNoop, { params: { n: id } }),
      'CountedNoopCallbacks.onSuccess',
    );
    console.info(`statements per job (${dialect}, no database work, onSuccess): ${perJob.toFixed(2)}`);
    // Straight to the queue: no outbox row (the first dispatches may take the outbox, before the
    // producer's connection is up). The other two cases show the count sees statements.
    expect(perJob).toBeLessThanOrEqual(3);
  });

  it('a job that loads a row, with an onSuccess callback: ≤ 3 statements per job', async () => {
    const perJob = await measure(
      'read',
      (kernel, productId) => kernel.invoke(DispatchReadStock, { params: { productId } }),
      'CountedReadStockCallbacks.onSuccess',
    );
    console.info(`statements per job (${dialect}, one load, onSuccess): ${perJob.toFixed(2)}`);
    expect(perJob).toBeGreaterThanOrEqual(1); // its load
    expect(perJob).toBeLessThanOrEqual(3);
  });

  it('a use case that writes and dispatches: ≤ 3 statements per job beyond its own', async () => {
    const perCall = await measure(
      'write',
      (kernel, productId) => kernel.invoke(RestockAndDispatch, { params: { productId } }),
      'CountedNoopCallbacks.onSuccess',
    );
    // The use case's own: its read, BEGIN, its UPDATE, COMMIT. What the job adds: the outbox INSERT in
    // that transaction and a share of the batched DELETE.
    const perJob = perCall - 4;
    console.info(
      `statements per job (${dialect}, the dispatcher writes, onSuccess): ${perJob.toFixed(2)} beyond its own 4`,
    );
    expect(perJob).toBeGreaterThanOrEqual(1); // the outbox INSERT: the count is not vacuous
    expect(perJob).toBeLessThanOrEqual(3);
  });
});
