import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/db/database.ts';
import type { DialectName } from '../../src/db/dialect.ts';

/** PostgreSQL used by the tests: the CI machine's local server (trust auth, database `test`). */
export const PG_URL = process.env.LOOM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Every test that touches a database runs once per dialect: `describe.each(DIALECTS)`. */
export const DIALECTS: readonly DialectName[] = ['sqlite', 'postgres'];

/**
 * Opens a fresh, isolated database: SQLite in memory, or a new PostgreSQL schema (dropped on close),
 * so test files can run in parallel.
 */
export async function openTestDatabase(
  dialect: DialectName,
): Promise<Database & { dispose(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const db = openDatabase({ dialect: 'sqlite', filename: ':memory:' });
    return Object.assign(db, { dispose: () => db.close() });
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const db = openDatabase({ dialect: 'postgres', connectionString: PG_URL, searchPath: schema, poolSize: 4 });
  return Object.assign(db, {
    async dispose() {
      await db.close();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  });
}
