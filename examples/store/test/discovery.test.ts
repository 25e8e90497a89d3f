import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationsOf, STORE_OPERATIONS } from './scenarios/http-contract.ts';
import { describeStoreSuite } from './scenarios/store-suite.ts';
import { startSqliteStore } from './support/sqlite-setup.ts';
import type { StoreSetup } from './support/store-setup.ts';

// Both discovery modes: config/api.yaml imports the modules one by one, config/api-manifest.yaml reads
// src/manifest.ts. They must build the same application.

describe('modules and manifest discovery build the same API', () => {
  let modules: StoreSetup | undefined;
  let manifest: StoreSetup | undefined;
  beforeAll(async () => {
    [modules, manifest] = await Promise.all([
      startSqliteStore(),
      startSqliteStore({ discovery: 'manifest' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([modules?.close(), manifest?.close()]);
  });

  it('the OpenAPI documents are identical: same paths, operations, parameters and components', async () => {
    const [a, b] = [await modules?.api.get('/openapi.json'), await manifest?.api.get('/openapi.json')];
    expect(a?.status).toBe(200);
    expect(b?.status).toBe(200);
    expect(b?.body).toEqual(a?.body);
    expect(operationsOf(b?.body as Parameters<typeof operationsOf>[0])).toEqual([...STORE_OPERATIONS].sort());
  });

  it('both register the same jobs, callbacks and the custom product repository', () => {
    const of = (s: StoreSetup | undefined) => {
      const d = s?.app.loom.declarations;
      return {
        models: d?.models.length,
        useCases: d?.useCases.size,
        jobs: [...(d?.jobs.values() ?? [])].sort(),
        callbacks: d?.callbacks.map((c) => c.name).sort(),
        repositories: d?.repositories.length,
        queues: s?.app.loom.jobs.queues().sort(),
      };
    };
    expect(of(manifest)).toEqual(of(modules));
    expect(of(manifest)).toMatchObject({
      models: 7, // users, addresses, products, tags, product_tags, orders, order_items
      jobs: ['BuildProductSummary', 'SendRestockEmail', 'SyncProductToErp'],
      callbacks: ['RestockEmailCallbacks'],
      repositories: 1,
      queues: ['analytics', 'erp', 'notifications'],
    });
  });
});

// And every scenario answers the same on the manifest-discovered app.
describeStoreSuite('store on SQLite + in-process jobs, manifest discovery', () =>
  startSqliteStore({ discovery: 'manifest' }),
);
