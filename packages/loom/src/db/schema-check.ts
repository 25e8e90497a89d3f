import { sql } from 'kysely';
import type { SchemaDifference } from '../errors/index.ts';
import type { Database } from './database.ts';
import type { DialectName } from './dialect.ts';
import type { ColumnSpec, TableSpec } from './table-spec.ts';

/** One column of a live table, as the catalogue describes it. */
interface LiveColumn {
  readonly name: string;
  /** Lower-case type as the catalogue spells it (`integer`, `character varying(120)`, `text`). */
  readonly type: string;
  readonly nullable: boolean;
  readonly hasDefault: boolean;
  readonly primaryKey: boolean;
}

/** The columns of every table of the app's own schema (PostgreSQL: `current_schema()`). */
async function liveTables(db: Database, names: readonly string[]): Promise<Map<string, LiveColumn[]>> {
  const tables = new Map<string, LiveColumn[]>();
  if (db.dialect === 'postgres') {
    const { rows } = await sql<{
      table_name: string;
      column_name: string;
      data_type: string;
      character_maximum_length: number | null;
      numeric_precision: number | null;
      numeric_scale: number | null;
      is_nullable: string;
      column_default: string | null;
    }>`select table_name, column_name, data_type, character_maximum_length, numeric_precision, numeric_scale,
              is_nullable, column_default
         from information_schema.columns
        where table_schema = current_schema()
        order by table_name, ordinal_position`.execute(db.executor());
    for (const row of rows) {
      const type =
        row.data_type === 'character varying' && row.character_maximum_length !== null
          ? `varchar(${row.character_maximum_length})`
          : row.data_type === 'numeric' && row.numeric_precision !== null
            ? `numeric(${row.numeric_precision}, ${row.numeric_scale ?? 0})`
            : row.data_type;
      const columns = tables.get(row.table_name) ?? [];
      columns.push({
        name: row.column_name,
        type,
        nullable: row.is_nullable === 'YES',
        hasDefault: row.column_default !== null,
        primaryKey: false,
      });
      tables.set(row.table_name, columns);
    }
    return tables;
  }
  for (const name of names) {
    const { rows } = await sql<{
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
      pk: number;
    }>`select name, type, "notnull", dflt_value, pk from pragma_table_info(${name})`.execute(db.executor());
    if (rows.length === 0) continue;
    tables.set(
      name,
      rows.map((r) => ({
        name: r.name,
        type: r.type.toLowerCase(),
        nullable: r.notnull === 0,
        hasDefault: r.dflt_value !== null,
        primaryKey: r.pk > 0,
      })),
    );
  }
  return tables;
}

/** The type loom's DDL gives a column, spelt as the dialect's catalogue reports it. */
function expectedType(dialect: DialectName, c: ColumnSpec): string {
  if (dialect === 'sqlite') {
    if (c.kind === 'int' || c.kind === 'bigint' || c.kind === 'boolean') return 'integer';
    if (c.kind === 'float') return 'real';
    if (c.kind === 'decimal') return 'numeric';
    return 'text';
  }
  switch (c.kind) {
    case 'int':
      return 'integer';
    case 'bigint':
      return 'bigint';
    case 'string':
      return `varchar(${c.length ?? 255})`;
    case 'float':
      return 'double precision';
    case 'decimal':
      return `numeric(${c.precision ?? 12}, ${c.scale ?? 2})`;
    case 'datetime':
      return 'timestamp with time zone';
    default:
      // text, boolean, date, json (jsonb), uuid
      return c.kind === 'json' ? 'jsonb' : c.kind;
  }
}

function columnProblems(dialect: DialectName, model: ColumnSpec, live: LiveColumn): string[] {
  const problems: string[] = [];
  const want = expectedType(dialect, model);
  if (live.type !== want) problems.push(`type is ${live.type}, the model wants ${want}`);
  // SQLite reports an INTEGER PRIMARY KEY as nullable: it never is.
  const liveNullable = live.nullable && !live.primaryKey;
  if (liveNullable && !model.nullable && !model.primaryKey) {
    problems.push('nullable in the table, NOT NULL in the model (reads may return null)');
  }
  if (!liveNullable && model.nullable) {
    problems.push('NOT NULL in the table, nullable in the model (writing null fails)');
  }
  return problems;
}

/**
 * The differences between the live tables and the specs loom would create: a column the table lacks, a
 * column whose type or nullability differs, a NOT NULL column without default the specs do not know
 * (every insert would fail). A table that does not exist at all is reported as `(table)` unless
 * `missingTablesOk` (schema sync creates those). Nullable extra columns are tolerated: loom never
 * reads or writes them.
 *
 * @example
 * ```ts
 * const differences = await schemaDifferences(db, models.map(tableSpecOf), { missingTablesOk: true });
 * if (differences.length > 0) throw new SchemaDrift(differences);
 * ```
 */
export async function schemaDifferences(
  db: Database,
  specs: readonly TableSpec[],
  options: { readonly missingTablesOk?: boolean } = {},
): Promise<SchemaDifference[]> {
  const live = await liveTables(
    db,
    specs.map((s) => s.name),
  );
  const differences: SchemaDifference[] = [];
  for (const spec of specs) {
    const columns = live.get(spec.name);
    if (columns === undefined) {
      if (!options.missingTablesOk) {
        differences.push({ table: spec.name, column: '(table)', problem: 'the table does not exist' });
      }
      continue;
    }
    const byName = new Map(columns.map((c) => [c.name, c]));
    for (const column of spec.columns) {
      const found = byName.get(column.name);
      if (found === undefined) {
        differences.push({
          table: spec.name,
          column: column.name,
          problem: 'missing from the table (the model declares it)',
        });
        continue;
      }
      for (const problem of columnProblems(db.dialect, column, found)) {
        differences.push({ table: spec.name, column: column.name, problem });
      }
    }
    const declared = new Set(spec.columns.map((c) => c.name));
    for (const extra of columns) {
      if (declared.has(extra.name) || extra.nullable || extra.hasDefault) continue;
      differences.push({
        table: spec.name,
        column: extra.name,
        problem: 'NOT NULL without a default in the table but not in the model (every insert fails)',
      });
    }
  }
  return differences;
}
