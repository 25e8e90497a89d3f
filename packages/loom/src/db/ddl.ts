import { type ColumnDefinitionBuilder, type CreateTableBuilder, sql } from 'kysely';
import type { ColumnKind } from '../model/column.ts';
import type { Database, Executor } from './database.ts';
import type { DialectName } from './dialect.ts';
import type { ColumnSpec, IndexSpec, TableSpec } from './table-spec.ts';

type DataType = Parameters<CreateTableBuilder<string, never>['addColumn']>[1];

export function sqlType(dialect: DialectName, c: ColumnSpec): DataType {
  const kind: ColumnKind = c.kind;
  if (dialect === 'sqlite') {
    switch (kind) {
      case 'int':
      case 'bigint':
      case 'boolean':
        return 'integer';
      case 'float':
        return 'real';
      case 'decimal':
        return 'numeric';
      default:
        return 'text';
    }
  }
  switch (kind) {
    case 'int':
      return c.autoIncrement ? 'serial' : 'integer';
    case 'bigint':
      return c.autoIncrement ? 'bigserial' : 'bigint';
    case 'string':
      return sql`varchar(${sql.raw(String(c.length ?? 255))})`;
    case 'text':
      return 'text';
    case 'boolean':
      return 'boolean';
    case 'float':
      return 'double precision';
    case 'decimal':
      return sql`numeric(${sql.raw(String(c.precision ?? 12))}, ${sql.raw(String(c.scale ?? 2))})`;
    case 'datetime':
      return 'timestamptz';
    case 'date':
      return 'date';
    case 'json':
      return 'jsonb';
    case 'uuid':
      return 'uuid';
  }
}

export function defaultExpr(dialect: DialectName, c: ColumnSpec) {
  const d = c.default;
  if (!d) return undefined;
  if ('now' in d) return dialect === 'postgres' ? sql`now()` : sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;
  const v = d.value;
  if (v === null) return sql`null`;
  if (typeof v === 'boolean')
    return dialect === 'postgres' ? sql.raw(v ? 'true' : 'false') : sql.raw(v ? '1' : '0');
  if (typeof v === 'number') return sql.raw(String(v));
  if (typeof v === 'string') return sql.lit(v);
  return sql.lit(JSON.stringify(v));
}

function columnBuilder(dialect: DialectName, c: ColumnSpec, inlinePk: boolean) {
  return (col: ColumnDefinitionBuilder) => {
    let b = col;
    if (inlinePk) b = b.primaryKey().autoIncrement();
    if (!c.nullable && !inlinePk) b = b.notNull();
    const def = defaultExpr(dialect, c);
    if (def !== undefined) b = b.defaultTo(def);
    return b;
  };
}

/**
 * The CREATE TABLE statement of a spec on the database's dialect, with named constraints.
 *
 * @example
 * ```ts
 * await createTableQuery(db, tableSpecOf(User)).execute();
 * ```
 */
export function createTableQuery(
  executor: Executor,
  dialect: DialectName,
  spec: TableSpec,
  ifNotExists = false,
) {
  // Column names are known at run time only: widen the builder's column-name parameter.
  let q = executor.schema.createTable(spec.name) as unknown as CreateTableBuilder<string, string>;
  if (ifNotExists) q = q.ifNotExists();
  const pk = spec.columns.filter((c) => c.primaryKey);
  // SQLite's AUTOINCREMENT only exists as an inline INTEGER PRIMARY KEY column constraint.
  const inlineSqlitePk = dialect === 'sqlite' && pk.length === 1 && pk[0]!.autoIncrement;
  for (const c of spec.columns) {
    q = q.addColumn(c.name, sqlType(dialect, c), columnBuilder(dialect, c, inlineSqlitePk && c.primaryKey));
  }
  if (!inlineSqlitePk && pk.length > 0) {
    q = q.addPrimaryKeyConstraint(
      `pk_${spec.name}`,
      pk.map((c) => c.name),
    );
  }
  for (const c of spec.columns) {
    if (c.unique && !c.primaryKey) q = q.addUniqueConstraint(`uq_${spec.name}_${c.name}`, [c.name]);
  }
  for (const c of spec.columns) {
    const ref = c.references;
    if (!ref) continue;
    q = q.addForeignKeyConstraint(`fk_${spec.name}_${c.name}`, [c.name], ref.table, [ref.column], (fk) =>
      fk.onDelete(ref.onDelete),
    );
  }
  return q;
}

export function createIndexQuery(executor: Executor, table: string, index: IndexSpec, ifNotExists = false) {
  let q = executor.schema
    .createIndex(index.name)
    .on(table)
    .columns([...index.columns]);
  if (index.unique) q = q.unique();
  if (ifNotExists) q = q.ifNotExists();
  return q;
}

/** Creates a table and its indexes. */
export async function createTable(db: Database, spec: TableSpec, ifNotExists = false): Promise<void> {
  const ex = db.executor();
  await createTableQuery(ex, db.dialect, spec, ifNotExists).execute();
  for (const index of spec.indexes) await createIndexQuery(ex, spec.name, index, ifNotExists).execute();
}
