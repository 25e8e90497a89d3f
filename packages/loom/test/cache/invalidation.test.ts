/**
 * The repository cache (in-memory store) through the kernel: committed writes of a table invalidate the
 * cached reads that depend on it; rolled-back writes neither invalidate nor poison it.
 */
import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { BENCH_MODELS, BenchNote, BenchProfile, BenchRecord, BenchUser } from '../relations/models.ts';
import { DIALECTS } from '../support/dialects.ts';
import { useDatabase } from '../support/fixture.ts';
import {
  cacheCounters,
  createMemoryStore,
  createRepositoryCache,
  Kernel,
  where,
} from '../support/internals.ts';
import { CURSOR_SECRET } from '../support/models.ts';
import { counted } from './support.ts';

const PAGE = {
  pagination: { mode: 'offset', page: 1, limit: 10 },
  sort: [{ field: 'id', direction: 'asc' }],
} as const;

describe.each(DIALECTS)('cache invalidation on %s', (dialect) => {
  const fx = useDatabase(dialect, BENCH_MODELS);
  let counters = cacheCounters();
  let kernel: Kernel;
  const repo = <M extends (typeof BENCH_MODELS)[number]>(m: M) => kernel.services.repos(m);

  beforeEach(async () => {
    counters = cacheCounters();
    const cache = createRepositoryCache({ store: createMemoryStore(), metrics: counters });
    kernel = new Kernel({ db: fx.db, cursorSecret: CURSOR_SECRET, cache });
    const ada = await repo(BenchUser).create({ fullName: 'Ada', email: 'ada@x.io' });
    await repo(BenchRecord).create({ title: 'r1', ownerId: ada.id });
    await repo(BenchRecord).create({ title: 'r2', ownerId: null });
    counters.reset();
  });

  /** Reads once to fill the cache, then checks the second read is a hit without statements. */
  async function warm<T>(read: () => Promise<T>): Promise<T> {
    const first = await read();
    const again = await counted(fx.db, read);
    expect(again.statements).toEqual([]);
    expect(again.result).toEqual(first);
    return first;
  }

  it('a write invalidates cached reads of the same id and of lists, after it returns', async () => {
    const records = repo(BenchRecord);
    await warm(() => records.getById(1));
    await warm(() => records.list(PAGE));
    const before = counters.snapshot();
    await records.update(1, { title: 'renamed' });
    expect(counters.snapshot().invalidations).toBe(before.invalidations + 1);
    expect(await records.getById(1)).toMatchObject({ title: 'renamed' });
    expect((await records.list(PAGE)).items.map((r) => r.title)).toEqual(['renamed', 'r2']);
    // Creates and deletes invalidate as well.
    await warm(() => records.list(PAGE));
    await records.create({ title: 'r3' });
    expect((await records.list(PAGE)).totalCount).toBe(3);
    await warm(() => records.getById(3));
    await records.delete(3);
    expect(await records.getById(3)).toBeNull();
  });

  it('a write of a related table invalidates the profiles that load it, and only those', async () => {
    const records = repo(BenchRecord);
    await warm(() => records.getById(1, { profile: 'withDetails' }));
    await warm(() => records.getById(1));
    await warm(() => records.getById(1, { profile: 'ownerInfo' }));
    await repo(BenchNote).create({ recordId: 1, body: 'hello' });
    expect(await records.getById(1, { profile: 'withDetails' })).toMatchObject({
      notesCount: 1,
      hasNotes: true,
    });
    expect(await records.getById(1)).toMatchObject({ hasNotes: true });
    // ownerInfo reads records and users only: still cached.
    const stillCached = await counted(fx.db, () => records.getById(1, { profile: 'ownerInfo' }));
    expect(stillCached.statements).toEqual([]);
    await repo(BenchUser).update(1, { fullName: 'Ada L.' });
    expect(await records.getById(1, { profile: 'ownerInfo' })).toMatchObject({
      ownerName: { fullName: 'Ada L.' },
    });
    // A table no profile of records reads: no effect on them.
    await warm(() => records.getById(1));
    await repo(BenchProfile).create({ userId: 1, bio: 'x' });
    expect((await counted(fx.db, () => records.getById(1))).statements).toEqual([]);
  });

  it("a list filtered through a relation is invalidated by writes of the relation's table", async () => {
    const records = repo(BenchRecord);
    const byAda = { ...PAGE, filter: where('owner.fullName', 'eq', 'Ada') };
    expect((await warm(() => records.list(byAda))).items.map((r) => r.title)).toEqual(['r1']);
    await repo(BenchUser).update(1, { fullName: 'Bea' });
    expect((await records.list(byAda)).items).toEqual([]);
  });

  it('a rolled-back write neither invalidates nor poisons the cache', async () => {
    const records = repo(BenchRecord);
    await warm(() => records.getById(1));
    await warm(() => records.list(PAGE));
    const before = counters.snapshot();
    const failure = new Error('roll back');
    await expect(
      fx.db.transaction(async () => {
        await records.update(1, { title: 'uncommitted' });
        // The transaction sees its own write: these reads skip the cache (no hit, nothing stored).
        expect(await records.getById(1)).toMatchObject({ title: 'uncommitted' });
        expect((await records.list(PAGE)).items[0]).toMatchObject({ title: 'uncommitted' });
        throw failure;
      }),
    ).rejects.toBe(failure);
    const after = counters.snapshot();
    expect(after.invalidations).toBe(before.invalidations);
    expect(after.hits).toBe(before.hits);
    expect(after.bypasses).toBe(before.bypasses + 2);
    // Still cached, and still the committed value.
    const read = await counted(fx.db, () => records.getById(1));
    expect(read.statements).toEqual([]);
    expect(read.result).toMatchObject({ title: 'r1' });
    expect((await records.list(PAGE)).items[0]).toMatchObject({ title: 'r1' });
  });

  it('a committed transaction invalidates once, after commit; until then others read the committed value', async () => {
    const records = repo(BenchRecord);
    await warm(() => records.getById(1));
    const before = counters.snapshot();
    // A read from another request: registered outside the transaction, released from inside it.
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const outside = gate.then(() => counted(fx.db, () => records.getById(1)));
    await fx.db.transaction(async () => {
      await records.update(1, { title: 'in tx' });
      await repo(BenchNote).create({ recordId: 1, body: 'n' });
      expect(counters.snapshot().invalidations).toBe(before.invalidations);
      release();
      // It still gets the committed row, from the cache.
      expect(await outside).toMatchObject({ statements: [], result: { title: 'r1' } });
    });
    // One bump per table written by the transaction, after commit.
    expect(counters.snapshot().invalidations).toBe(before.invalidations + 2);
    expect(await records.getById(1)).toMatchObject({ title: 'in tx', hasNotes: true });
  });

  it('reads in a transaction that has not written their tables still use the cache', async () => {
    const records = repo(BenchRecord);
    await warm(() => records.getById(2));
    await fx.db.transaction(async () => {
      await repo(BenchProfile).create({ userId: 1, bio: 'x' });
      const read = await counted(fx.db, () => records.getById(2));
      expect(read.statements).toEqual([]);
    });
  });

  it('a miss inside a transaction is read but not stored (its snapshot may be older than the cache)', async () => {
    const records = repo(BenchRecord);
    await fx.db.transaction(async () => {
      await records.getById(2);
      await records.getById(2);
    });
    expect(counters.snapshot()).toMatchObject({ hits: 0, misses: 2 });
    await records.getById(2);
    expect((await counted(fx.db, () => records.getById(2))).statements).toEqual([]);
  });

  it('writes that bypass the repository (raw SQL on the database) invalidate too', async () => {
    const records = repo(BenchRecord);
    await warm(() => records.getById(1));
    await sql`update bench_records set title = 'raw' where id = 1`.execute(fx.db.executor());
    expect(await records.getById(1)).toMatchObject({ title: 'raw' });
    await warm(() => records.getById(1));
    await fx.db.kysely.deleteFrom('bench_records').where('id', '=', 1).execute();
    expect(await records.getById(1)).toBeNull();
  });
});
