/**
 * Joined profile reads (`profileReads: 'joined'`, PostgreSQL): every read gives exactly what the batched
 * reads give, in one statement (plus one per custom loader that queries), on one schema read through
 * two databases: one batched, one joined with prepared statements.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_MODELS, BenchRecord, BenchUser, Category } from '../../test/relations/models.ts';
import { seedBench } from '../../test/relations/seed.ts';
import { PG_URL } from '../../test/support/dialects.ts';
import { type Database, openDatabase } from '../db/database.ts';
import { syncSchema } from '../db/schema-sync.ts';
import { type ColumnRef, column } from '../model/column.ts';
import { type AnyModel, model } from '../model/model.ts';
import { projection } from '../model/projection.ts';
import { relation } from '../model/relation.ts';
import type { SortSpec } from './query-spec.ts';
import { SqlRepository } from './sql-repository.ts';

/** Related rows with every kind a JSON row must bring back unchanged: dates, decimals, json, bigint. */
const Entry = model(
  'jr_entries',
  {
    id: column.int().primaryKey().autoIncrement(),
    ledgerId: column.int().references((): ColumnRef => Ledger.id),
    amount: column.decimal(20, 6),
    bookedAt: column.datetime(),
    day: column.date(),
    big: column.bigint(),
    meta: column.json<{ tags: string[] }>().nullable(),
    note: column.text().nullable(),
  },
  { timestamps: true },
);
const Ledger = model(
  'jr_ledgers',
  { id: column.int().primaryKey().autoIncrement(), name: column.string(40) },
  {
    relations: {
      entries: relation.oneToMany(() => Entry, { by: 'ledgerId', profiles: ['full'] }),
      latest: relation.oneToOne(() => Entry, { by: 'ledgerId', profiles: ['latest'] }),
    },
    projections: {
      amounts: projection.fields('entries', ['amount', 'bookedAt'], { profiles: ['amounts'] }),
      entryCount: projection.count('entries', { profiles: ['amounts', 'full'] }),
    },
  },
);

const SECRET = 'joined-read-test-secret';
const SCHEMA = `jr_${randomBytes(6).toString('hex')}`;
let batched: Database;
let joined: Database;

const repos = (m: AnyModel) => ({
  batched: new SqlRepository(m, batched, { cursorSecret: SECRET }),
  joined: new SqlRepository(m, joined, { cursorSecret: SECRET }),
});

async function counted<T>(db: Database, fn: () => Promise<T>): Promise<{ result: T; statements: number }> {
  let statements = 0;
  const stop = db.onStatement(() => statements++);
  try {
    return { result: await fn(), statements };
  } finally {
    stop();
  }
}

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${SCHEMA}`);
  await admin.end();
  const options = { dialect: 'postgres', connectionString: PG_URL, searchPath: SCHEMA, poolSize: 3 } as const;
  batched = openDatabase(options);
  joined = openDatabase({ ...options, profileReads: 'joined', preparedStatements: true });
  await syncSchema(batched, [...BENCH_MODELS, Ledger, Entry]);
  await seedBench(batched, 3, 40);
  const ledgers = new SqlRepository(Ledger, batched, { cursorSecret: SECRET });
  const entries = new SqlRepository(Entry, batched, { cursorSecret: SECRET });
  const full = await ledgers.create({ name: 'full' });
  await ledgers.create({ name: 'empty' });
  for (const [i, amount] of ['12345678901234.123456', '-0.000001', '7'].entries()) {
    await entries.create({
      ledgerId: full.id,
      amount,
      bookedAt: new Date(Date.UTC(2026, 0, i + 1, 10, 30, 15, 123)),
      day: `2026-02-0${i + 1}`,
      big: 2 ** 40 + i,
      meta: i === 1 ? null : { tags: [`t${i}`] },
      note: i === 2 ? null : `entry ${i}`,
    });
  }
});

afterAll(async () => {
  await batched?.close();
  await joined?.close();
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`drop schema if exists ${SCHEMA} cascade`);
  await admin.end();
});

/** Profiles whose loaders are all relation-based: one statement per read when joined. */
const CASES: readonly [AnyModel, readonly string[], readonly number[]][] = [
  [BenchRecord, ['default', 'withDetails', 'with_details', 'counts', 'ownerInfo'], [1, 2, 5, 40]],
  [BenchUser, ['withProfile'], [1, 2]],
  [Category, ['default', 'tree'], [1]],
  [Ledger, ['full', 'latest', 'amounts'], [1, 2]],
];

describe('joined profile reads on postgres', () => {
  it.each(CASES.map(([m, p, ids]) => [m.$name, m, p, ids] as const))(
    'getById of %s gives the batched result in one statement',
    async (_name, m, profiles, ids) => {
      const { batched: b, joined: j } = repos(m);
      for (const profile of profiles) {
        for (const id of [...ids, 999_999]) {
          const expected = await b.getById(id, { profile });
          const { result, statements } = await counted(joined, () => j.getById(id, { profile }));
          expect(result, `${m.$name} ${id} ${profile}`).toEqual(expected);
          expect(statements).toBe(1);
        }
      }
    },
  );

  it('related rows keep their types: dates, decimals as strings, json, bigint, nulls', async () => {
    const { joined: j } = repos(Ledger);
    const full = (await j.getById(1, { profile: 'full' })) as Record<string, unknown>;
    const entries = full.entries as Record<string, unknown>[];
    expect(entries.map((e) => e.amount)).toEqual(['12345678901234.123456', '-0.000001', '7.000000']);
    expect(entries[0]).toMatchObject({
      bookedAt: new Date(Date.UTC(2026, 0, 1, 10, 30, 15, 123)),
      day: '2026-02-01',
      big: 2 ** 40,
      meta: { tags: ['t0'] },
      note: 'entry 0',
      createdAt: expect.any(Date),
    });
    expect(entries[1]).toMatchObject({ meta: null, note: 'entry 1' });
    expect((await j.getById(1, { profile: 'amounts' }))?.amounts).toEqual([
      { amount: '12345678901234.123456', bookedAt: new Date(Date.UTC(2026, 0, 1, 10, 30, 15, 123)) },
      { amount: '-0.000001', bookedAt: new Date(Date.UTC(2026, 0, 2, 10, 30, 15, 123)) },
      { amount: '7.000000', bookedAt: new Date(Date.UTC(2026, 0, 3, 10, 30, 15, 123)) },
    ]);
  });

  const sorts: readonly (readonly SortSpec[])[] = [
    [],
    [{ field: 'title', direction: 'desc' }],
    [{ field: 'ownerId', direction: 'asc' }],
  ];

  it.each(['default', 'withDetails', 'counts', 'ownerInfo'])(
    'offset pages (%s) equal the batched pages, in one statement, also filtered and past the end',
    async (profile) => {
      const { batched: b, joined: j } = repos(BenchRecord);
      for (const sort of sorts) {
        for (const page of [1, 2, 4, 9]) {
          for (const filter of [
            undefined,
            { kind: 'condition', field: 'title', op: 'like', value: 'Record 1%' },
          ] as const) {
            const query = {
              pagination: { mode: 'offset', page, limit: 6 },
              sort,
              ...(filter ? { filter } : {}),
            } as const;
            const expected = await b.list(query, { profile });
            const { result, statements } = await counted(joined, () => j.list(query, { profile }));
            expect(result).toEqual(expected);
            expect(statements).toBe(result.items.length === 0 && page > 1 ? 2 : 1);
          }
        }
      }
    },
  );

  it.each(['default', 'withDetails'])(
    'cursor walks (%s) equal the batched walks, page for page',
    async (profile) => {
      const { batched: b, joined: j } = repos(BenchRecord);
      for (const sort of sorts) {
        let afterB: string | undefined;
        let afterJ: string | undefined;
        for (let pages = 0; pages < 20; pages++) {
          const page = (after: string | undefined) =>
            ({ pagination: { mode: 'cursor', limit: 7, ...(after ? { after } : {}) }, sort }) as const;
          const expected = await b.list(page(afterB), { profile });
          const { result, statements } = await counted(joined, () => j.list(page(afterJ), { profile }));
          expect(result).toEqual(expected);
          expect(statements).toBe(1);
          if (!result.hasNext) break;
          afterB = expected.nextCursor ?? undefined;
          afterJ = result.nextCursor ?? undefined;
        }
      }
    },
  );

  it('custom loaders still run after the joined statement, with the values they depend on', async () => {
    const { batched: b, joined: j } = repos(BenchRecord);
    const query = { pagination: { mode: 'offset', page: 1, limit: 10 } } as const;
    const expected = await b.list(query, { profile: 'stats' });
    const { result, statements } = await counted(joined, () => j.list(query, { profile: 'stats' }));
    expect(result).toEqual(expected);
    expect(result.items[0]).toHaveProperty('score');
    expect(result.items[0]).not.toHaveProperty('notesCount');
    // The page with notesCount joined, then pinnedNote's own query (score reads its parents only).
    expect(statements).toBe(2);
  });

  it('getBy and writes behave as batched; updates of different column sets do not mix', async () => {
    const { batched: b, joined: j } = repos(BenchRecord);
    expect(await j.getBy('title', 'Record 3', { profile: 'withDetails' })).toEqual(
      await b.getBy('title', 'Record 3', { profile: 'withDetails' }),
    );
    const a = await j.update(3, { title: 'Renamed 3' });
    const c = await j.update(3, { ownerId: 2 });
    const d = await j.update(3, { title: 'Again 3', ownerId: 1 });
    expect([a?.title, c?.title, d?.title]).toEqual(['Renamed 3', 'Renamed 3', 'Again 3']);
    expect([a?.ownerId, c?.ownerId, d?.ownerId]).toEqual([3, 2, 1]);
    expect(await j.getById(3)).toEqual(await b.getById(3));
  });

  it('prepared statements: a connection parses a statement once, then reuses it by name', async () => {
    const one = openDatabase({
      dialect: 'postgres',
      connectionString: PG_URL,
      searchPath: SCHEMA,
      poolSize: 1,
      preparedStatements: true,
    });
    try {
      const users = new SqlRepository(BenchUser, one, { cursorSecret: SECRET });
      for (const id of [1, 2, 3, 1]) expect((await users.getById(id))?.id).toBe(id);
      const { rows } = await one.kysely.executeQuery<{ name: string; statement: string }>({
        ...(await import('kysely')).CompiledQuery.raw('select name, statement from pg_prepared_statements'),
      });
      const mine = rows.filter((r) => r.statement.includes('bench_users'));
      expect(mine).toHaveLength(1);
      expect(mine[0]?.name).toMatch(/^loom_\d+$/);
    } finally {
      await one.close();
    }
  });
});
