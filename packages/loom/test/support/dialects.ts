import type { Database } from '../../src/db/database.ts';
import type { DialectName } from '../../src/db/dialect.ts';
import { openTestDatabase as openKitDatabase } from '../../src/testing/test-database.ts';

/** PostgreSQL used by the tests: the CI machine's local server (trust auth, database `test`). */
export const PG_URL = process.env.LOOM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Every test that touches a database runs once per dialect: `describe.each(DIALECTS)`. */
export const DIALECTS: readonly DialectName[] = ['sqlite', 'postgres'];

/**
 * Opens a fresh, isolated database: SQLite in memory, or a new PostgreSQL schema (dropped on close),
 * so test files can run in parallel. The testing kit's own helper (what users of loom-kernel/testing get).
 */
export async function openTestDatabase(
  dialect: DialectName,
): Promise<Database & { dispose(): Promise<void> }> {
  const opened = await openKitDatabase(dialect === 'sqlite' ? 'sqlite::memory:' : PG_URL);
  return Object.assign(opened.db, { dispose: opened.dispose });
}
