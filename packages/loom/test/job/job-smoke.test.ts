import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessBackend } from '../../src/job/backends/index.ts';
import { callbacks } from '../../src/job/callbacks.ts';
import { job } from '../../src/job/job.ts';
import { JobRuntime } from '../../src/job/job-runtime.ts';
import { OutboxEntry } from '../../src/job/outbox.ts';
import { DIALECTS, openTestDatabase } from '../support/dialects.ts';
import { column, command, Kernel, loadById, model, syncSchema, t, useCase } from '../support/internals.ts';

const Product = model('products', {
  id: column.int().primaryKey().autoIncrement(),
  category: column.string(120),
  stock: column.int(),
});
const Restock = job({
  name: 'Restock',
  queue: 'notifications',
  retries: 2,
  backoffMs: 5,
  params: { productId: t.Integer() },
  input: command({ forceFail: t.Optional(t.Boolean()) }),
  load: { product: loadById(Product, { by: 'productId' }) },
  execute: ({ input, load }) => {
    if (input.forceFail) throw new Error('forced');
    return load.product.stock === 0;
  },
});
const RestockCallbacks = callbacks(Restock, {
  name: 'RestockCallbacks',
  onSuccess: async ({ result, context, app }) => {
    if (!result) return;
    const id = context.params.productId as number;
    const p = await app.entity(Product).get(id);
    await app.entity(Product).update(id, { category: `${p.category}-notified` });
  },
  onFailure: async ({ context, app, error, attempts }) => {
    const id = context.params.productId as number;
    const p = await app.entity(Product).get(id);
    await app.entity(Product).update(id, { category: `${p.category}-failed-${error.message}-${attempts}` });
  },
});
const DispatchRestock = useCase(Product, {
  name: 'DispatchRestock',
  params: { productId: t.Integer() },
  input: command({ forceFail: t.Optional(t.Boolean()), rollback: t.Optional(t.Boolean()) }),
  execute: async ({ params, input, jobs }) => {
    const r = await jobs.dispatch(Restock, {
      params,
      payload: input.forceFail ? { forceFail: true } : {},
      callbacks: RestockCallbacks,
    });
    if (input.rollback) throw new Error('rollback');
    return r;
  },
});

const until = async (fn: () => Promise<boolean>) => {
  for (let i = 0; i < 200; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('timed out');
};

describe.each(DIALECTS)('jobs on %s (in-process)', (dialect) => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let kernel: Kernel;
  let runtime: JobRuntime;
  beforeAll(async () => {
    db = await openTestDatabase(dialect);
    await syncSchema(db, [Product, OutboxEntry]);
    kernel = new Kernel({ db, cursorSecret: 'test-secret-123' });
    runtime = new JobRuntime({
      kernel,
      backend: createInProcessBackend(),
      jobs: [Restock],
      callbacks: [RestockCallbacks],
    });
    runtime.start();
    runtime.consume({ concurrency: 2 });
  });
  afterAll(async () => {
    await runtime.close();
    await runtime.backend.close();
    await db.dispose();
  });
  it('success and failure callbacks; rollback publishes nothing', async () => {
    const a = await kernel.entity(Product).create({ category: 'a', stock: 0 });
    const b = await kernel.entity(Product).create({ category: 'b', stock: 0 });
    const c = await kernel.entity(Product).create({ category: 'c', stock: 0 });
    await kernel.invoke(DispatchRestock, { params: { productId: a.id }, payload: {} });
    await kernel.invoke(DispatchRestock, { params: { productId: b.id }, payload: { forceFail: true } });
    await expect(
      kernel.invoke(DispatchRestock, { params: { productId: c.id }, payload: { rollback: true } }),
    ).rejects.toThrow('rollback');
    await until(async () => (await kernel.entity(Product).get(a.id)).category === 'a-notified');
    await until(async () => (await kernel.entity(Product).get(b.id)).category === 'b-failed-forced-3');
    await new Promise((r) => setTimeout(r, 100));
    expect((await kernel.entity(Product).get(c.id)).category).toBe('c');
    expect(await kernel.invoke(Restock, { params: { productId: a.id }, payload: {} })).toBe(true);
  });
});
