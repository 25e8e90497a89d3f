import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheChoice } from '../../src/app/cache-choice.ts';
import { createProduct, type RunningStore, send, startStore } from '../observability/store-app.ts';
import { resolveConfig } from '../support/internals.ts';

describe('cache: section wires the repository read cache', () => {
  let store: RunningStore;
  beforeAll(async () => {
    store = await startStore({ extraYaml: 'cache:\n  enabled: true\n  backend: memory\n  ttlSeconds: 60\n' });
  });
  afterAll(() => store.close());

  it('serves repeated reads from the cache and never a value older than the last write', async () => {
    const id = await createProduct(
      store.base,
      {
        sku: 'C-1',
        name: 'Cup',
        category: 'kitchen',
        priceCents: 300,
        stock: 4,
      },
      '/products/',
    );
    for (let i = 0; i < 3; i++) expect((await send(store.base, 'GET', `/products/${id}`)).status).toBe(200);
    const patched = await send(store.base, 'PATCH', `/products/${id}`, { stock: 9 });
    expect((patched.body as { stock: number }).stock).toBe(9);
    const after = await send(store.base, 'GET', `/products/${id}`);
    expect((after.body as { stock: number }).stock).toBe(9);

    const metrics = await (await fetch(`${store.base}/metrics`)).text();
    const hits = metrics.match(/loom_cache_events_total\{entity="Product",event="hit"\} (\d+)/);
    expect(Number(hits?.[1] ?? 0)).toBeGreaterThanOrEqual(2);
    expect(metrics).toMatch(/loom_cache_events_total\{entity="products",event="invalidation"\} [1-9]/);
  });
});

describe('cache.backend: auto (the default) picks the store every process shares once there is a Redis', () => {
  const resolved = (extra: Record<string, unknown>) =>
    cacheChoice(resolveConfig({ app: { name: 'shop' }, database: { url: 'sqlite::memory:' }, ...extra }));

  it('memory without a Redis; redis with jobs on BullMQ or a cache.redisUrl; an explicit backend wins', () => {
    expect(resolved({ cache: { enabled: true } }).backend).toBe('memory');
    const bullmq = { backend: 'bullmq', redisUrl: 'redis://127.0.0.1:6379/2' };
    expect(resolved({ cache: { enabled: true }, jobs: bullmq })).toEqual({
      backend: 'redis',
      redisUrl: 'redis://127.0.0.1:6379/2',
      keyPrefix: 'loom:shop:cache:',
    });
    expect(resolved({ cache: { redisUrl: 'redis://10.0.0.5:6379' } })).toMatchObject({
      backend: 'redis',
      redisUrl: 'redis://10.0.0.5:6379',
    });
    // A jobs.redisUrl alone (in-process jobs) is not "the app has several processes": still memory.
    expect(resolved({ jobs: { redisUrl: 'redis://127.0.0.1:6379' } }).backend).toBe('memory');
    expect(resolved({ cache: { backend: 'memory' }, jobs: bullmq }).backend).toBe('memory');
    expect(resolved({ cache: { keyPrefix: 'mine:' }, jobs: bullmq }).keyPrefix).toBe('mine:');
  });
});
