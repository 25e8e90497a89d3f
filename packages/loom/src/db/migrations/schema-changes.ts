import type { Kysely } from 'kysely';
import type { Executor } from '../database.ts';
import { createIndexQuery, createTableQuery, defaultExpr, sqlType } from '../ddl.ts';
import type { DialectName } from '../dialect.ts';
import type { ColumnSpec, IndexSpec } from '../table-spec.ts';
import type { SchemaChange } from './schema-diff.ts';

// A migration receives Kysely typed for an unknown schema; the DDL helpers take the widened executor.
const executor = (db: Kysely<unknown>) => db as unknown as Executor;

/**
 * Adds a column to an existing table with loom's named constraints: on PostgreSQL `uq_<table>_<column>`
 * and `fk_<table>_<column>` as table constraints; on SQLite (whose ALTER TABLE cannot add either) the
 * reference inline and the uniqueness as a unique index of the same name.
 */
export async function addColumn(
  db: Kysely<unknown>,
  dialect: DialectName,
  table: string,
  c: ColumnSpec,
): Promise<void> {
  const ex = executor(db);
  if (dialect === 'sqlite' && c.default !== undefined && 'now' in c.default) {
    throw new Error(
      `SQLite cannot add ${table}.${c.name} with a now() default to an existing table (ALTER TABLE ADD COLUMN takes constant defaults only): declare it nullable without a default, or set it in the application`,
    );
  }
  const ref = c.references;
  await ex.schema
    .alterTable(table)
    .addColumn(c.name, sqlType(dialect, c), (col) => {
      let b = col;
      if (!c.nullable) b = b.notNull();
      const d = defaultExpr(dialect, c);
      if (d !== undefined) b = b.defaultTo(d);
      if (ref && dialect === 'sqlite') b = b.references(`${ref.table}.${ref.column}`).onDelete(ref.onDelete);
      return b;
    })
    .execute();
  if (c.unique) {
    const name = `uq_${table}_${c.name}`;
    if (dialect === 'postgres')
      await ex.schema.alterTable(table).addUniqueConstraint(name, [c.name]).execute();
    else await ex.schema.createIndex(name).on(table).column(c.name).unique().execute();
  }
  if (ref && dialect === 'postgres') {
    await ex.schema
      .alterTable(table)
      .addForeignKeyConstraint(`fk_${table}_${c.name}`, [c.name], ref.table, [ref.column], (fk) =>
        fk.onDelete(ref.onDelete),
      )
      .execute();
  }
}

/** Drops a column (and, on SQLite, the unique index {@link addColumn} made for it). */
export async function dropColumn(
  db: Kysely<unknown>,
  dialect: DialectName,
  table: string,
  c: ColumnSpec,
): Promise<void> {
  const ex = executor(db);
  if (dialect === 'sqlite' && c.unique)
    await ex.schema.dropIndex(`uq_${table}_${c.name}`).ifExists().execute();
  await ex.schema.alterTable(table).dropColumn(c.name).execute();
}

async function createIndex(db: Kysely<unknown>, table: string, index: IndexSpec): Promise<void> {
  await createIndexQuery(executor(db), table, index).execute();
}

async function dropIndex(db: Kysely<unknown>, index: IndexSpec): Promise<void> {
  await executor(db).schema.dropIndex(index.name).ifExists().execute();
}

async function apply(db: Kysely<unknown>, dialect: DialectName, change: SchemaChange): Promise<void> {
  switch (change.kind) {
    case 'createTable': {
      await createTableQuery(executor(db), dialect, change.table).execute();
      for (const index of change.table.indexes) await createIndex(db, change.table.name, index);
      return;
    }
    case 'addColumn':
      return addColumn(db, dialect, change.table, change.column);
    case 'createIndex':
      return createIndex(db, change.table, change.index);
    case 'dropIndex':
      return dropIndex(db, change.index);
    case 'dropColumn':
      return dropColumn(db, dialect, change.table, change.column);
    case 'dropTable':
      await executor(db).schema.dropTable(change.table.name).execute();
      return;
  }
}

/** The change that undoes `change`. Undoing a drop restores the structure, not the data. */
export function inverseChange(change: SchemaChange): SchemaChange {
  switch (change.kind) {
    case 'createTable':
      return { kind: 'dropTable', table: change.table };
    case 'dropTable':
      return { kind: 'createTable', table: change.table };
    case 'addColumn':
      return { kind: 'dropColumn', table: change.table, column: change.column };
    case 'dropColumn':
      return { kind: 'addColumn', table: change.table, column: change.column };
    case 'createIndex':
      return { kind: 'dropIndex', table: change.table, index: change.index };
    case 'dropIndex':
      return { kind: 'createIndex', table: change.table, index: change.index };
  }
}

/**
 * Applies generated changes in order (a migration's `up`).
 *
 * @example
 * ```ts
 * await applyChanges(db, 'postgres', [{ kind: 'addColumn', table: 'products', column }]);
 * ```
 */
export async function applyChanges(
  db: Kysely<unknown>,
  dialect: DialectName,
  changes: readonly SchemaChange[],
): Promise<void> {
  for (const change of changes) await apply(db, dialect, change);
}

/** Undoes generated changes, last first (a migration's `down`). */
export async function revertChanges(
  db: Kysely<unknown>,
  dialect: DialectName,
  changes: readonly SchemaChange[],
): Promise<void> {
  for (const change of [...changes].reverse()) await apply(db, dialect, inverseChange(change));
}
