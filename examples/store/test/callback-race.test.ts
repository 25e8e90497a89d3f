import { openTestDatabase } from 'loom-kernel/testing';
import { afterEach, describe, expect, it } from 'vitest';
// The kernel by hand: this test drives the callbacks directly, racing them, as the job runtime would.
import { Kernel, syncSchema } from '../../../packages/loom/test/support/internals.ts';
import { RestockEmailCallbacks } from '../src/product/callbacks.ts';
import { Product } from '../src/product/model.ts';

const PG_URL = process.env.LOOM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe.each(['sqlite', 'postgres'] as const)('restock callbacks racing on %s', (dialect) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await dispose?.();
    dispose = undefined;
  });

  it('success and failure callbacks racing on 30 products lose no suffix, and a redelivery adds none', async () => {
    const opened = await openTestDatabase(dialect === 'sqlite' ? 'sqlite::memory:' : PG_URL);
    dispose = opened.dispose;
    await syncSchema(opened.db, [Product]);
    const kernel = new Kernel({ db: opened.db, cursorSecret: 'callback-race-test-secret' });
    const products = kernel.entity(Product);
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) {
      const p = await products.create({
        sku: `R-${i}`,
        name: `P${i}`,
        category: 'tools',
        priceCents: 1,
        stock: 0,
      });
      ids.push(p.id);
    }
    // The services as the prototype (their getters stay lazy), as the job runtime builds a callback's ctx.
    const ctx = <T extends object>(productId: number, fields: T) =>
      Object.assign(Object.create(kernel.services) as typeof kernel.services, {
        jobId: `j${productId}`,
        jobName: 'SendRestockEmail',
        context: { params: { productId }, payload: {} },
        ...fields,
      });
    const { onSuccess, onFailure } = RestockEmailCallbacks;
    const race = () =>
      Promise.all(
        ids.flatMap((id) => [
          onSuccess?.(ctx(id, { result: true })),
          onFailure?.(ctx(id, { error: { type: 'Error', message: 'x' }, attempts: 3 })),
        ]),
      );
    await race();
    // A second delivery of the callback that landed last changes nothing (the suffix is added once).
    await Promise.all(
      ids.map(async (id) => {
        const { category } = await products.get(id);
        if (category.endsWith('-restock-notified')) await onSuccess?.(ctx(id, { result: true }));
        else await onFailure?.(ctx(id, { error: { type: 'Error', message: 'x' }, attempts: 3 }));
      }),
    );
    for (const id of ids) {
      const { category } = await products.get(id);
      expect(['tools-restock-notified-restock-failed', 'tools-restock-failed-restock-notified']).toContain(
        category,
      );
    }
  });
});
