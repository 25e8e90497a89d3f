import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type pg from 'pg';
import { parseDatabaseUrl } from '../config/database-url.ts';
import { type Database, openDatabase } from '../db/database.ts';
import type { DialectName } from '../db/dialect.ts';
import { requirePeerSync } from '../errors/require-peer.ts';

/**
 * The variable that moves the testing kit from SQLite in memory to a PostgreSQL server.
 *
 * @example
 * ```ts
 * LOOM_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx vitest run
 * ```
 */
export const TEST_DATABASE_ENV = 'LOOM_TEST_DATABASE_URL';

/**
 * A database opened for one test app: closing it also drops what was created for it.
 *
 * @example
 * ```ts
 * const { db, dispose }: TestDatabase = await openTestDatabase();
 * ```
 */
export interface TestDatabase {
  readonly db: Database;
  readonly dialect: DialectName;
  /** The PostgreSQL schema created for this database, when on PostgreSQL. */
  readonly schema: string | undefined;
  /** The URL it was opened from. */
  readonly url: string;
  /** Closes the connections and drops the schema (PostgreSQL). */
  dispose(): Promise<void>;
  /** Drops the schema (PostgreSQL) once the database was closed by its owner (an app's `close`). */
  release(): Promise<void>;
}

/**
 * Where tests run: `url` when given, else `LOOM_TEST_DATABASE_URL`, else SQLite in memory.
 *
 * @example
 * ```ts
 * testDatabaseUrl();                      // 'sqlite::memory:' unless LOOM_TEST_DATABASE_URL is set
 * testDatabaseUrl('postgres://postgres@127.0.0.1:5432/test');
 * ```
 */
export function testDatabaseUrl(url?: string): string {
  return url ?? process.env[TEST_DATABASE_ENV] ?? 'sqlite::memory:';
}

/**
 * Opens an isolated database for a test: a new SQLite database in memory, or on PostgreSQL a new schema
 * with a random name (dropped by `dispose`), so test files can run in parallel against one server.
 * Goes through `openDatabase`, like the application does.
 *
 * @example
 * ```ts
 * const { db, dispose } = await openTestDatabase('postgres://postgres@127.0.0.1:5432/test');
 * await syncSchema(db, [User]);
 * await dispose(); // drops the schema
 * ```
 */
export async function openTestDatabase(url?: string): Promise<TestDatabase> {
  const resolved = testDatabaseUrl(url);
  const target = parseDatabaseUrl(resolved);
  if (target.dialect === 'sqlite') {
    const db = openDatabase({ dialect: 'sqlite', filename: target.filename });
    const release = async () => {};
    return { db, dialect: 'sqlite', schema: undefined, url: resolved, dispose: () => db.close(), release };
  }
  const schema = `loom_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(target.connectionString, `create schema ${schema}`);
  const db = openDatabase({
    dialect: 'postgres',
    connectionString: target.connectionString,
    searchPath: schema,
    poolSize: 4,
  });
  const release = () => adminQuery(target.connectionString, `drop schema if exists ${schema} cascade`);
  return {
    db,
    dialect: 'postgres',
    schema,
    url: resolved,
    async dispose() {
      await db.close();
      await release();
    },
    release,
  };
}

async function adminQuery(connectionString: string, text: string): Promise<void> {
  const driver = requirePeerSync<typeof pg>('pg', 'the test database is PostgreSQL');
  const client = new driver.Client({ connectionString, application_name: 'loom-testing' });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * Empties `tables` and restarts their id sequences, in one statement on PostgreSQL and one transaction on
 * SQLite (foreign keys allow any order there: checks are deferred to commit).
 *
 * @example
 * ```ts
 * await emptyTables(db, ['order_items', 'orders', 'users']);
 * ```
 */
export async function emptyTables(db: Database, tables: readonly string[]): Promise<void> {
  if (tables.length === 0) return;
  if (db.dialect === 'postgres') {
    const list = sql.join(tables.map((t) => sql.id(t)));
    await sql`truncate table ${list} restart identity cascade`.execute(db.kysely);
    return;
  }
  await db.kysely.transaction().execute(async (trx) => {
    await sql`pragma defer_foreign_keys = on`.execute(trx);
    for (const t of tables) await sql`delete from ${sql.id(t)}`.execute(trx);
    const hasSequences = await sql<{ n: number }>`
      select count(*) as n from sqlite_master where type = 'table' and name = 'sqlite_sequence'`.execute(trx);
    if (Number(hasSequences.rows[0]?.n ?? 0) > 0) {
      for (const t of tables) await sql`delete from sqlite_sequence where name = ${t}`.execute(trx);
    }
  });
}
