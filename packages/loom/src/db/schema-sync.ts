import { sql } from 'kysely';
import type { AnyModel } from '../model/model.ts';
import type { Database } from './database.ts';
import { createTable } from './ddl.ts';
import { sortByDependencies, tableSpecOf } from './table-spec.ts';

/** The advisory lock key of schema sync (any constant: "loom" in ASCII). */
const SYNC_LOCK = 0x6c6f6f6d;

/**
 * Creates every table of a set of models that does not exist yet, in foreign-key order, with their
 * indexes. Existing tables are left as they are (use migrations to change them).
 *
 * @example
 * ```ts
 * await syncSchema(db, [User, Address, Order]);
 * ```
 */
export async function syncSchema(db: Database, models: readonly AnyModel[]): Promise<void> {
  const specs = sortByDependencies(models.map(tableSpecOf));
  await db.transaction(async () => {
    // Processes booting together (`loom serve --workers N`, an API and a worker) would race on the
    // catalogue: CREATE TABLE IF NOT EXISTS is not atomic on PostgreSQL (duplicate pg_type rows). One
    // at a time; the lock ends with the transaction.
    if (db.dialect === 'postgres') {
      await sql`select pg_advisory_xact_lock(${SYNC_LOCK})`.execute(db.executor());
    }
    for (const spec of specs) await createTable(db, spec, true);
  });
}

/** Drops the tables of a set of models (children first). For tests and `db reset`. */
export async function dropSchema(db: Database, models: readonly AnyModel[]): Promise<void> {
  const specs = sortByDependencies(models.map(tableSpecOf)).reverse();
  for (const spec of specs) {
    let q = db.executor().schema.dropTable(spec.name).ifExists();
    if (db.dialect === 'postgres') q = q.cascade();
    await q.execute();
  }
}
