import type { Database } from '../support/internals.ts';

/** What {@link seedBench} wrote. */
export interface BenchSeed {
  readonly users: number;
  readonly records: number;
  /** Record ids that have notes (every other record, odd ids). */
  readonly withNotes: readonly number[];
}

/**
 * Bulk-inserts bench data with three statements: `users` owners, `records` records (record i is owned by
 * user (i mod users) + 1, except every fifth record, which has no owner) and two notes on every odd
 * record ("note a of i", "note b of i"; the first of them pinned).
 */
export async function seedBench(db: Database, users = 3, records = 120): Promise<BenchSeed> {
  const ex = db.kysely;
  const now = new Date().toISOString();
  await ex
    .insertInto('bench_users')
    .values(
      Array.from({ length: users }, (_, i) => ({ full_name: `User ${i + 1}`, email: `u${i + 1}@x.io` })),
    )
    .execute();
  await ex
    .insertInto('bench_records')
    .values(
      Array.from({ length: records }, (_, i) => ({
        owner_id: (i + 1) % 5 === 0 ? null : (i % users) + 1,
        title: `Record ${i + 1}`,
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
  const withNotes = Array.from({ length: records }, (_, i) => i + 1).filter((id) => id % 2 === 1);
  const pinned = db.dialect === 'sqlite' ? 1 : true;
  const unpinned = db.dialect === 'sqlite' ? 0 : false;
  await ex
    .insertInto('bench_notes')
    .values(
      withNotes.flatMap((id) => [
        { record_id: id, body: `note a of ${id}`, pinned },
        { record_id: id, body: `note b of ${id}`, pinned: unpinned },
      ]),
    )
    .execute();
  return { users, records, withNotes };
}
