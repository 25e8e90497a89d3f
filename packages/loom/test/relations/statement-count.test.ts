/**
 * Profiles load relations and projections in batches: the number of statements of a read depends on
 * the profile, never on the page size (no N+1). Counted with `Database.onStatement`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { useDatabase } from '../support/fixture.ts';
import { BENCH_MODELS, BenchRecord } from './models.ts';
import { seedBench } from './seed.ts';

/** Statements per read, by profile: the record query plus one per relation or projection source. */
const EXPECTED = [
  // columns + hasNotes: the notes are not loaded, so one DISTINCT query serves `exists`.
  ['default', 2],
  // owner and notes loaded (one query each); hasNotes, notesCount, noteSnippets computed from the notes.
  ['withDetails', 3],
  // notesCount only: one GROUP BY query.
  ['counts', 2],
  // three projections through the owner (not loaded): one query for the three.
  ['ownerInfo', 2],
  // score (custom, from notesCount: one GROUP BY) and pinnedNote (custom, its own query).
  ['stats', 3],
] as const;

describe.each(DIALECTS)('statement counts per profile on %s', (dialect) => {
  const fx = useDatabase(dialect, BENCH_MODELS, 'all');
  beforeAll(async () => {
    await seedBench(fx.db, 3, 120);
  });

  async function counted<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    const statements: string[] = [];
    const stop = fx.db.onStatement((sql) => statements.push(sql));
    try {
      return { result: await fn(), statements };
    } finally {
      stop();
    }
  }

  it.each(EXPECTED)(
    'offset pages of 1 and 100 take the same statements (%s: %i)',
    async (profile, expected) => {
      const records = fx.repo(BenchRecord);
      const measured: number[] = [];
      for (const limit of [1, 100]) {
        const { result, statements } = await counted(() =>
          records.list({ pagination: { mode: 'offset', page: 1, limit } }, { profile }),
        );
        expect(result.items).toHaveLength(limit);
        measured.push(statements.length);
      }
      expect(measured).toEqual([expected, expected]);
    },
  );

  it.each(EXPECTED)(
    'cursor pages of 1 and 100 take the same statements (%s: %i)',
    async (profile, expected) => {
      const records = fx.repo(BenchRecord);
      for (const limit of [1, 100]) {
        const { result, statements } = await counted(() =>
          records.list({ pagination: { mode: 'cursor', limit } }, { profile }),
        );
        expect(result.items).toHaveLength(limit);
        expect(statements).toHaveLength(expected);
      }
    },
  );

  it.each(EXPECTED)(
    'getById and getBy take the same statements as a page (%s: %i)',
    async (profile, expected) => {
      const records = fx.repo(BenchRecord);
      const byId = await counted(() => records.getById(1, { profile }));
      expect(byId.result).not.toBeNull();
      expect(byId.statements).toHaveLength(expected);
      const byTitle = await counted(() => records.getBy('title', 'Record 3', { profile }));
      expect(byTitle.result?.id).toBe(3);
      expect(byTitle.statements).toHaveLength(expected);
    },
  );

  it('the withDetails page of 100 is complete: owners, notes and projections for every row', async () => {
    const { result, statements } = await counted(() =>
      fx
        .repo(BenchRecord)
        .list({ pagination: { mode: 'offset', page: 1, limit: 100 } }, { profile: 'withDetails' }),
    );
    expect(statements).toHaveLength(3);
    for (const r of result.items) {
      expect(r.owner?.id ?? null).toBe(r.ownerId);
      const odd = r.id % 2 === 1;
      expect(r.notes.map((n) => n.body)).toEqual(odd ? [`note a of ${r.id}`, `note b of ${r.id}`] : []);
      expect(r.notesCount).toBe(odd ? 2 : 0);
      expect(r.hasNotes).toBe(odd);
      expect(r.noteSnippets).toEqual(r.notes.map((n) => ({ id: n.id, body: n.body })));
    }
    // The related queries bind each key once, whatever the number of rows sharing it.
    const ownerQuery = statements.find((s) => s.includes('bench_users'));
    expect(ownerQuery?.match(/\$\d+|\?/g)).toHaveLength(3);
  });

  it('an empty page issues only the page query', async () => {
    const { result, statements } = await counted(() =>
      fx
        .repo(BenchRecord)
        .list({ pagination: { mode: 'offset', page: 99, limit: 100 } }, { profile: 'withDetails' }),
    );
    expect(result.items).toEqual([]);
    // The page query, then the total count (the page is past the end): no relation query.
    expect(statements.every((s) => !s.includes('bench_notes') && !s.includes('bench_users'))).toBe(true);
  });
});
