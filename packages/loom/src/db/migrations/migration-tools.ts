import type { Kysely } from 'kysely';
import type { Executor } from '../database.ts';
import { createIndexQuery, createTableQuery } from '../ddl.ts';
import type { DialectName } from '../dialect.ts';
import { sortByDependencies, type TableSpec } from '../table-spec.ts';
import { applyChanges, revertChanges } from './schema-changes.ts';
import type { SchemaChange } from './schema-diff.ts';

/**
 * What loom hands a migration as its second argument: the dialect it runs on and DDL helpers that emit
 * the same named constraints as `syncSchema` (`pk_`, `uq_`, `fk_`, `ix_`). A plain Kysely migration
 * (`up(db)` only) ignores it.
 *
 * @example
 * ```ts
 * export async function up(db: Kysely<unknown>, loom: MigrationTools): Promise<void> {
 *   await loom.createTables(db, tables);
 *   if (loom.dialect === 'postgres') await sql`create extension if not exists pg_trgm`.execute(db);
 * }
 * ```
 */
export interface MigrationTools {
  readonly dialect: DialectName;
  /** Creates the tables (in foreign-key order) and their indexes. */
  createTables(db: Kysely<unknown>, tables: readonly TableSpec[]): Promise<void>;
  /** Drops the tables, referencing tables first. */
  dropTables(db: Kysely<unknown>, tables: readonly TableSpec[]): Promise<void>;
  /** Applies the changes of a generated migration, in order (`loom db make-migration`). */
  applyChanges(db: Kysely<unknown>, changes: readonly SchemaChange[]): Promise<void>;
  /** Undoes them, last first; undoing a drop restores the structure, not the data. */
  revertChanges(db: Kysely<unknown>, changes: readonly SchemaChange[]): Promise<void>;
}

/** The tools for one dialect. */
export function migrationToolsFor(dialect: DialectName): MigrationTools {
  // A migration receives Kysely typed for an unknown schema; the DDL helpers take the widened executor.
  const executor = (db: Kysely<unknown>) => db as unknown as Executor;
  return Object.freeze({
    dialect,
    async createTables(db: Kysely<unknown>, tables: readonly TableSpec[]) {
      const ex = executor(db);
      for (const spec of sortByDependencies(tables)) {
        await createTableQuery(ex, dialect, spec).execute();
        for (const index of spec.indexes) await createIndexQuery(ex, spec.name, index).execute();
      }
    },
    async dropTables(db: Kysely<unknown>, tables: readonly TableSpec[]) {
      const ex = executor(db);
      for (const spec of sortByDependencies(tables).reverse()) {
        await ex.schema.dropTable(spec.name).execute();
      }
    },
    applyChanges: (db: Kysely<unknown>, changes: readonly SchemaChange[]) =>
      applyChanges(db, dialect, changes),
    revertChanges: (db: Kysely<unknown>, changes: readonly SchemaChange[]) =>
      revertChanges(db, dialect, changes),
  });
}
