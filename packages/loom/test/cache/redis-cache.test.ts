/**
 * The repository cache on Redis, shared by two "processes" (two kernels, two database pools, two Redis
 * connections) of one application: values are shared, and a write committed by one process invalidates
 * the other's next read.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../observability/store-app.ts';
import { BenchNote, BenchRecord, BenchUser } from '../relations/models.ts';
import { DIALECTS } from '../support/dialects.ts';
import {
  cacheCounters,
  createRedisStore,
  createRepositoryCache,
  Kernel,
  type RepositoryCache,
  repositoryCacheFromConfig,
  SqlRepository,
} from '../support/internals.ts';
import { CURSOR_SECRET } from '../support/models.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';
import { counted, openSharedDatabases, type SharedDatabases } from './support.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
const PREFIX = `loom-test:cache-redis:${randomBytes(4).toString('hex')}:`;
const admin = new Redis(REDIS_URL);

afterAll(async () => {
  const keys = await admin.keys(`${PREFIX}*`);
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
});

describe.each(DIALECTS)('repository cache on Redis, two processes, on %s', (dialect) => {
  let dbs: SharedDatabases;
  let caches: RepositoryCache[] = [];
  let counters = [cacheCounters(), cacheCounters()] as const;
  let kernels: [Kernel, Kernel];
  let prefix = '';

  beforeEach(async () => {
    dbs = await openSharedDatabases(dialect);
    prefix = `${PREFIX}${dialect}:${randomBytes(3).toString('hex')}:`;
    counters = [cacheCounters(), cacheCounters()];
    caches = counters.map((metrics) =>
      createRepositoryCache({ store: createRedisStore({ url: REDIS_URL, keyPrefix: prefix }), metrics }),
    );
    kernels = [
      new Kernel({ db: dbs.a, cursorSecret: CURSOR_SECRET, cache: caches[0]! }),
      new Kernel({ db: dbs.b, cursorSecret: CURSOR_SECRET, cache: caches[1]! }),
    ];
    const users = kernels[0].services.repos(BenchUser);
    const ada = await users.create({ fullName: 'Ada', email: 'ada@x.io' });
    const records = kernels[0].services.repos(BenchRecord);
    await records.create({ title: 'r1', ownerId: ada.id });
    await records.create({ title: 'r2', ownerId: null });
    // Writes outside a transaction return before their invalidation reaches Redis.
    await caches[0]!.settle();
    for (const c of counters) c.reset();
  });

  afterEach(async () => {
    for (const c of caches) await c.close();
    await dbs.dispose();
  });

  const records = (i: 0 | 1) => kernels[i].services.repos(BenchRecord);

  it('a value cached by one process is a hit in the other', async () => {
    const first = await records(0).getById(1, { profile: 'withDetails' });
    const other = await counted(dbs.b, () => records(1).getById(1, { profile: 'withDetails' }));
    expect(other.statements).toEqual([]);
    expect(other.result).toEqual(first);
    expect(other.result?.createdAt).toBeInstanceOf(Date);
    expect(counters[1].snapshot()).toMatchObject({ hits: 1, misses: 0 });
  });

  it("a write committed by one process invalidates the other's cached reads at once", async () => {
    const page = { pagination: { mode: 'cursor', limit: 10 } } as const;
    await records(1).getById(1);
    await records(1).list(page);
    await kernels[0].services.repos(BenchNote).create({ recordId: 1, body: 'from process a' });
    await caches[0]!.settle();
    expect(await records(1).getById(1)).toMatchObject({ hasNotes: true });
    await dbs.a.transaction(async () => {
      await records(0).update(2, { title: 'renamed by a' });
    });
    expect((await records(1).list(page)).items.map((r) => r.title)).toEqual(['r1', 'renamed by a']);
    expect(counters[0].snapshot().invalidations).toBe(2);
    expect(counters[1].snapshot().invalidations).toBe(0);
  });

  it('a process that caches other models, or none yet, still invalidates the tables it writes', async () => {
    await records(1).getById(1, { profile: 'counts' });
    const cache = createRepositoryCache({
      store: createRedisStore({ url: REDIS_URL, keyPrefix: prefix }),
      models: [BenchUser],
    });
    caches.push(cache);
    const db = dbs.another();
    const writer = new Kernel({ db, cursorSecret: CURSOR_SECRET, cache });
    // Notes are not cached in the writer: its note repository is the plain one, and its first.
    expect(writer.repository(BenchNote)).toBeInstanceOf(SqlRepository);
    await db.transaction(() => writer.services.repos(BenchNote).create({ recordId: 1, body: 'n' }));
    expect(await records(1).getById(1, { profile: 'counts' })).toMatchObject({ notesCount: 1 });
  });

  it('a rolled-back write changes no generation', async () => {
    await records(1).getById(2);
    const gens = async () => (await admin.keys(`${PREFIX}${dialect}:*gen:*`)).sort();
    const counts = async () => Promise.all((await gens()).map((k) => admin.get(k)));
    const before = await counts();
    await expect(
      dbs.a.transaction(async () => {
        await records(0).update(2, { title: 'never' });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await counts()).toEqual(before);
    const read = await counted(dbs.b, () => records(1).getById(2));
    expect(read.statements).toEqual([]);
    expect(read.result).toMatchObject({ title: 'r2' });
  });

  it('concurrent misses in a process run one query', async () => {
    const reads = await counted(dbs.b, () =>
      Promise.all(Array.from({ length: 15 }, () => records(1).getById(1, { profile: 'counts' }))),
    );
    expect(reads.statements).toHaveLength(2);
    expect(reads.result.every((r) => r?.notesCount === 0)).toBe(true);
  });
});

describe('repository cache on an unreachable Redis', () => {
  it('reads are served from the database; a failed invalidation keeps the table out of the cache', async () => {
    const dbs = await openSharedDatabases('sqlite');
    const counters = cacheCounters();
    const cache = createRepositoryCache({
      store: createRedisStore({ url: 'redis://127.0.0.1:1', keyPrefix: PREFIX }),
      metrics: counters,
    });
    try {
      const kernel = new Kernel({ db: dbs.a, cursorSecret: CURSOR_SECRET, cache });
      const users = kernel.services.repos(BenchUser);
      const ada = await users.create({ fullName: 'Ada', email: 'ada@x.io' });
      expect(await users.getById(ada.id)).toMatchObject({ fullName: 'Ada' });
      await users.update(ada.id, { fullName: 'Ada L.' });
      expect(await users.getById(ada.id)).toMatchObject({ fullName: 'Ada L.' });
      expect(counters.snapshot()).toMatchObject({ hits: 0, bypasses: 2 });
    } finally {
      await cache.close();
      await dbs.dispose();
    }
  });
});

describe.each(DIALECTS)('a generation bump lost while Redis was away (%s)', (dialect) => {
  it('is repaired once Redis answers: the other process stops serving what it cached before the write', async () => {
    const dbs = await openSharedDatabases(dialect);
    const proxy = await startTcpProxy(6379);
    const prefix = `${PREFIX}repair:${dialect}:`;
    // Process A reaches Redis through the proxy (the test takes it away); process B directly.
    const [cacheA, cacheB] = [proxy.port, 6379].map((port) =>
      createRepositoryCache({
        store: createRedisStore({ url: `redis://127.0.0.1:${port}`, keyPrefix: prefix }),
        ttlMs: 600_000,
      }),
    ) as [RepositoryCache, RepositoryCache];
    try {
      const a = new Kernel({ db: dbs.a, cursorSecret: CURSOR_SECRET, cache: cacheA }).services.repos(
        BenchUser,
      );
      const b = new Kernel({ db: dbs.b, cursorSecret: CURSOR_SECRET, cache: cacheB }).services.repos(
        BenchUser,
      );
      const ada = await a.create({ fullName: 'Ada', email: 'ada@x.io' });
      await cacheA.settle();
      expect(await b.getById(ada.id)).toMatchObject({ fullName: 'Ada' }); // cached by B

      await proxy.cut();
      await a.update(ada.id, { fullName: 'Ada L.' });
      await cacheA.settle(); // the bump failed: A's Redis is away
      // B's Redis never went away and holds no newer generation: the outage window (decision 0061).
      expect(await b.getById(ada.id)).toMatchObject({ fullName: 'Ada' });

      await proxy.restore();
      // Only A's retried bump can end it: the entry's TTL is ten minutes.
      await eventually(async () => (await b.getById(ada.id))?.fullName === 'Ada L.', 20_000);
    } finally {
      await cacheA.close();
      await cacheB.close();
      await proxy.close();
      await dbs.dispose();
    }
  }, 30_000);
});

describe('repository cache from config', () => {
  it('builds a memory or Redis cache from the cache section, or none', async () => {
    expect(repositoryCacheFromConfig(undefined)).toBeUndefined();
    expect(repositoryCacheFromConfig({ enabled: false, backend: 'redis' })).toBeUndefined();
    const memory = repositoryCacheFromConfig({
      backend: 'memory',
      maxSize: 10,
      defaultTtl: 5,
      ttl: { bench_users_list: 2 },
    });
    expect(memory?.store.kind).toBe('memory');
    const redis = repositoryCacheFromConfig({ backend: 'redis', redisUrl: REDIS_URL, keyPrefix: PREFIX });
    expect(redis?.store.kind).toBe('redis');
    await memory?.close();
    await redis?.close();
  });
});
