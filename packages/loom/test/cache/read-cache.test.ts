/**
 * What the repository cache (in-memory store) serves: hits without statements, one query for
 * concurrent misses, TTLs, LRU eviction, and the reads it must not cache.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { BENCH_MODELS, BenchNote, BenchRecord, BenchUser } from '../relations/models.ts';
import { seedBench } from '../relations/seed.ts';
import { DIALECTS } from '../support/dialects.ts';
import { useDatabase } from '../support/fixture.ts';
import {
  type AnyRepositoryBinding,
  cacheCounters,
  column,
  createMemoryStore,
  createRepositoryCache,
  InvalidQuery,
  Kernel,
  model,
  projection,
  type RepositoryCacheOptions,
  repositoryFor,
  SqlRepository,
} from '../support/internals.ts';
import { CURSOR_SECRET } from '../support/models.ts';
import { counted } from './support.ts';

/** Records through a model that declares a custom loader without `reads`: the cache cannot know its tables. */
const OpaqueRecord = model(
  'bench_records',
  { id: column.int().primaryKey().autoIncrement(), title: column.string(120) },
  {
    name: 'OpaqueRecord',
    projections: { lucky: projection.custom({ load: (ids) => new Map(ids.map((id) => [id, 7])) }) },
  },
);

/** A custom repository whose getById reads another table too. */
class UserRepository extends SqlRepository<typeof BenchUser> {
  override async getById<const P extends string = 'default'>(id: unknown, options?: { profile?: P }) {
    return super.getById(id, options);
  }
  shout(): string {
    return this.model.$name.toUpperCase();
  }
}

describe.each(DIALECTS)('repository read cache on %s', (dialect) => {
  const fx = useDatabase(dialect, BENCH_MODELS);
  let counters = cacheCounters();
  let clock = 0;
  beforeEach(async () => {
    await seedBench(fx.db, 3, 30);
    counters = cacheCounters();
    clock = 1_000_000;
  });
  const kernelWith = (
    options: Partial<RepositoryCacheOptions> = {},
    bindings: readonly AnyRepositoryBinding[] = [],
  ) =>
    new Kernel({
      db: fx.db,
      cursorSecret: CURSOR_SECRET,
      repositories: bindings,
      cache: createRepositoryCache({
        store: createMemoryStore({ now: () => clock }),
        metrics: counters,
        ...options,
      }),
    });

  it('a hit issues no statement and returns a copy: mutating it does not change the cache', async () => {
    const records = kernelWith().services.repos(BenchRecord);
    const first = await counted(fx.db, () => records.getById(1, { profile: 'withDetails' }));
    expect(first.statements).toHaveLength(3);
    const second = await counted(fx.db, () => records.getById(1, { profile: 'with_details' }));
    expect(second.statements).toEqual([]);
    expect(second.result).toEqual(first.result);
    second.result!.title = 'mutated';
    second.result!.notes.pop();
    expect(await records.getById(1, { profile: 'withDetails' })).toEqual(first.result);
    expect(counters.snapshot()).toMatchObject({ hits: 2, misses: 1 });
    expect(second.result!.createdAt).toBeInstanceOf(Date);
  });

  it('profiles, ids and queries are cached apart', async () => {
    const records = kernelWith().services.repos(BenchRecord);
    const a = await records.getById(1);
    const b = await records.getById(1, { profile: 'counts' });
    expect(a).toHaveProperty('hasNotes');
    expect(b).toHaveProperty('notesCount');
    expect(b).not.toHaveProperty('hasNotes');
    expect((await records.getById('2'))?.id).toBe(2);
    const p1 = await records.list({ pagination: { mode: 'offset', page: 1, limit: 5 } });
    const p2 = await records.list({ pagination: { mode: 'offset', page: 2, limit: 5 } });
    expect(p2.items[0]!.id).toBe(p1.items[4]!.id + 1);
    const c1 = await records.list({ pagination: { mode: 'cursor', limit: 5 } });
    const c2 = await records.list({ pagination: { mode: 'cursor', limit: 5, after: c1.nextCursor! } });
    expect(c2.items.map((r) => r.id)).toEqual(p2.items.map((r) => r.id));
    expect(counters.snapshot()).toMatchObject({ hits: 0, misses: 7 });
  });

  it('concurrent misses of one key run one query (single-flight)', async () => {
    const records = kernelWith().services.repos(BenchRecord);
    const byId = await counted(fx.db, () =>
      Promise.all(Array.from({ length: 20 }, () => records.getById(1, { profile: 'withDetails' }))),
    );
    expect(byId.statements).toHaveLength(3);
    expect(new Set(byId.result.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(byId.result[0]).not.toBe(byId.result[1]);
    const pages = await counted(fx.db, () =>
      Promise.all(
        Array.from({ length: 10 }, () =>
          records.list({ pagination: { mode: 'offset', page: 1, limit: 25 } }),
        ),
      ),
    );
    expect(pages.statements).toHaveLength(2);
    expect(pages.result.every((p) => p.items.length === 25)).toBe(true);
  });

  it('a failed load is not cached and is reported to every waiting caller', async () => {
    const records = kernelWith().services.repos(BenchRecord);
    await fx.db.kysely.schema.alterTable('bench_notes').renameTo('bench_notes_away').execute();
    const results = await Promise.allSettled(
      [1, 2, 3].map(() => records.getById(1, { profile: 'withDetails' })),
    );
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    await fx.db.kysely.schema.alterTable('bench_notes_away').renameTo('bench_notes').execute();
    expect(await records.getById(1, { profile: 'withDetails' })).toMatchObject({ notesCount: 2 });
  });

  it('entries expire after their TTL; list and entity TTLs are separate and per model', async () => {
    const kernel = kernelWith({ ttlMs: 1_000, listTtlMs: 5_000, ttl: { bench_users: { ttlMs: 10_000 } } });
    const records = kernel.services.repos(BenchRecord);
    const users = kernel.services.repos(BenchUser);
    const page = { pagination: { mode: 'offset', page: 1, limit: 3 } } as const;
    await records.getById(1);
    await records.list(page);
    await users.getById(1);
    clock += 1_001;
    expect((await counted(fx.db, () => records.getById(1))).statements).toHaveLength(2);
    expect((await counted(fx.db, () => records.list(page))).statements).toEqual([]);
    expect((await counted(fx.db, () => users.getById(1))).statements).toEqual([]);
    clock += 9_000;
    expect((await counted(fx.db, () => records.list(page))).statements).toHaveLength(2);
    expect((await counted(fx.db, () => users.getById(1))).statements).toHaveLength(1);
  });

  it('the memory store evicts the least recently used entry', async () => {
    const kernel = new Kernel({
      db: fx.db,
      cursorSecret: CURSOR_SECRET,
      cache: createRepositoryCache({ store: createMemoryStore({ maxEntries: 2 }), metrics: counters }),
    });
    const users = kernel.services.repos(BenchUser);
    await users.getById(1);
    await users.getById(2);
    await users.getById(1); // hit: 1 becomes the most recently used
    await users.getById(3); // evicts 2
    counters.reset();
    await users.getById(1);
    await users.getById(2);
    expect(counters.snapshot()).toMatchObject({ hits: 1, misses: 1 });
  });

  it('profiles with a custom loader that does not declare `reads` are never cached', async () => {
    const opaque = kernelWith().services.repos(OpaqueRecord);
    for (let i = 0; i < 2; i++) {
      const read = await counted(fx.db, () => opaque.getById(1));
      expect(read.result).toMatchObject({ id: 1, lucky: 7 });
      expect(read.statements).toHaveLength(1);
    }
    expect(counters.snapshot()).toMatchObject({ hits: 0, misses: 0, bypasses: 2 });
  });

  it("a custom repository's overridden reads are not cached; its other members work through the cache", async () => {
    const Users = repositoryFor(BenchUser, UserRepository);
    const users = kernelWith({}, [Users]).repository(BenchUser) as UserRepository;
    expect(users).toBeInstanceOf(UserRepository);
    expect(users.shout()).toBe('BENCHUSER');
    await users.getById(1);
    expect((await counted(fx.db, () => users.getById(1))).statements).toHaveLength(1);
    // list is inherited: cached.
    await users.list({ pagination: { mode: 'cursor', limit: 2 } });
    expect(
      (await counted(fx.db, () => users.list({ pagination: { mode: 'cursor', limit: 2 } }))).statements,
    ).toEqual([]);
    const trusting = kernelWith({ cacheCustomReads: true }, [Users]).repository(BenchUser) as UserRepository;
    await trusting.getById(1);
    expect((await counted(fx.db, () => trusting.getById(1))).statements).toEqual([]);
  });

  it('a value that cannot be serialized is served as loaded and not cached', async () => {
    const Odd = model(
      'bench_records',
      { id: column.int().primaryKey().autoIncrement() },
      {
        name: 'OddRecord',
        projections: {
          handle: projection.custom({
            load: (ids) => new Map(ids.map((id) => [id, () => id])),
            reads: () => [],
          }),
        },
      },
    );
    const odd = kernelWith().services.repos(Odd);
    expect(typeof (await odd.getById(1))?.handle).toBe('function');
    expect((await counted(fx.db, () => odd.getById(1))).statements).toHaveLength(1);
  });

  it('unreadable cached bytes are a miss, not an error', async () => {
    const store = createMemoryStore();
    const garbage = {
      ...store,
      get: async (key: string) => ((await store.get(key)) ? Buffer.from('nope') : undefined),
    };
    const kernel = new Kernel({
      db: fx.db,
      cursorSecret: CURSOR_SECRET,
      cache: createRepositoryCache({ store: garbage, metrics: counters }),
    });
    const users = kernel.services.repos(BenchUser);
    await users.getById(1);
    expect(await users.getById(1)).toMatchObject({ id: 1, fullName: 'User 1' });
    expect(counters.snapshot()).toMatchObject({ hits: 0, misses: 2 });
  });

  it('only the configured models are cached', async () => {
    const kernel = kernelWith({ models: ['bench_users', BenchNote] });
    expect(kernel.repository(BenchRecord)).toBeInstanceOf(SqlRepository);
    await kernel.services.repos(BenchRecord).getById(1);
    expect(
      (await counted(fx.db, () => kernel.services.repos(BenchRecord).getById(1))).statements,
    ).toHaveLength(2);
    await kernel.services.repos(BenchUser).getById(1);
    expect((await counted(fx.db, () => kernel.services.repos(BenchUser).getById(1))).statements).toEqual([]);
  });

  it('an unknown profile is still an InvalidQuery (400), and nothing is cached for it', async () => {
    const records = kernelWith().services.repos(BenchRecord);
    await expect(records.getById(1, { profile: 'nope' })).rejects.toBeInstanceOf(InvalidQuery);
    await expect(
      records.list({ pagination: { mode: 'cursor', limit: 1 } }, { profile: 'nope' }),
    ).rejects.toMatchObject({
      status: 400,
    });
    expect(counters.snapshot()).toMatchObject({ hits: 0, misses: 0 });
  });
});
