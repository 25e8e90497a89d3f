import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningStore, send, startStore } from '../observability/store-app.ts';

describe('cache: section wires the repository read cache', () => {
  let store: RunningStore;
  beforeAll(async () => {
    store = await startStore({ extraYaml: 'cache:\n  enabled: true\n  backend: memory\n  ttlSeconds: 60\n' });
  });
  afterAll(() => store.close());

  it('serves repeated reads from the cache and never a value older than the last write', async () => {
    const created = await send(store.base, 'POST', '/products/', {
      sku: 'C-1',
      name: 'Cup',
      category: 'kitchen',
      priceCents: 300,
      stock: 4,
    });
    expect(created.status).toBe(201);
    const id = (created.body as { id: number }).id;
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
