import { describe, expect, it } from 'vitest';
import { describeStoreSuite } from './scenarios/store-suite.ts';
import { Fixtures } from './support/fixtures.ts';
import { startSqliteStore } from './support/sqlite-setup.ts';

/** `loom_cache_events_total{entity,event}` as a number (0 when the series does not exist yet). */
function cacheEvents(metrics: string, entity: string, event: string): number {
  const line = metrics
    .split('\n')
    .find(
      (l) =>
        l.startsWith('loom_cache_events_total{') &&
        l.includes(`entity="${entity}"`) &&
        l.includes(`event="${event}"`),
    );
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

// dummy-loom's cache test, made meaningful: with the repository read cache on (what CACHE_ENABLED=true
// does in config/base.yaml), every scenario must still read its own writes, the callbacks' included.
describeStoreSuite(
  'store on SQLite + in-process jobs + memory cache',
  () => startSqliteStore({ cache: true }),
  (suite) => {
    describe('the cache', () => {
      it('is on: a second read of a product is a hit, and a PATCH is seen by the next read', async () => {
        const product = await new Fixtures(suite).product({ stock: 4 });
        const before = (await suite.api.get('/metrics')).text;
        await suite.api.get(`/products/${product.id}`);
        await suite.api.get(`/products/${product.id}`);
        const after = (await suite.api.get('/metrics')).text;
        expect(cacheEvents(after, 'Product', 'hit')).toBeGreaterThan(cacheEvents(before, 'Product', 'hit'));
        await suite.api.patch(`/products/${product.id}`, { stock: 9 });
        expect((await suite.api.get<{ stock: number }>(`/products/${product.id}`)).body.stock).toBe(9);
      });
    });
  },
);
