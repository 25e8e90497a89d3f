import { isDeepStrictEqual } from 'node:util';
import { type ColumnSpec, type IndexSpec, sortByDependencies, type TableSpec } from '../table-spec.ts';

/**
 * One step of a generated migration. Plain JSON: a migration file embeds its changes, so it never
 * changes when the models do.
 */
export type SchemaChange =
  | { readonly kind: 'createTable'; readonly table: TableSpec }
  | { readonly kind: 'addColumn'; readonly table: string; readonly column: ColumnSpec }
  | { readonly kind: 'createIndex'; readonly table: string; readonly index: IndexSpec }
  | { readonly kind: 'dropIndex'; readonly table: string; readonly index: IndexSpec }
  | { readonly kind: 'dropColumn'; readonly table: string; readonly column: ColumnSpec }
  | { readonly kind: 'dropTable'; readonly table: TableSpec };

/** Options of {@link diffSchemas}. */
export interface DiffOptions {
  /** Generate drops of columns and tables the models no longer have (their data is lost). */
  readonly allowDrop?: boolean;
}

/**
 * The models changed in a way loom will not turn into a migration; `problems` says which and why.
 *
 * @example
 * ```ts
 * try {
 *   diffSchemas(before, after);
 * } catch (error) {
 *   if (error instanceof MigrationRefused) console.error(error.problems.join('\n'));
 * }
 * ```
 */
export class MigrationRefused extends Error {
  override name = 'MigrationRefused';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`cannot generate the migration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

function addedColumnProblem(table: string, c: ColumnSpec): string | undefined {
  const at = `${table}.${c.name}`;
  if (c.primaryKey || c.autoIncrement) {
    return `${at}: a primary-key or auto-increment column cannot be added to an existing table; write this migration by hand`;
  }
  if (!c.nullable && c.default === undefined) {
    return `${at}: a NOT NULL column added to an existing table needs a default (its existing rows have no value); declare it .nullable() or give it a .default(…)`;
  }
  return undefined;
}

function columnChanges(before: ColumnSpec, after: ColumnSpec): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]) as Set<keyof ColumnSpec>;
  const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));
  return [...keys]
    .filter((k) => !isDeepStrictEqual(before[k], after[k]))
    .map((k) => `${k} ${show(before[k])} → ${show(after[k])}`);
}

/**
 * The changes that turn the schema `before` (the last snapshot) into `after` (the models now), in the
 * order they must run: new tables (foreign-key order), added columns, new indexes, dropped indexes,
 * dropped columns, dropped tables. Throws {@link MigrationRefused} listing every change it will not
 * generate: a NOT NULL column without a default, a new primary-key column, a changed column (type,
 * nullability, default, unique, reference), and — unless `allowDrop` — dropped columns and tables.
 *
 * @example
 * ```ts
 * const changes = diffSchemas(snapshot.tables, models.map(tableSpecOf));
 * // [{ kind: 'addColumn', table: 'products', column: { name: 'weight', kind: 'float', nullable: true, … } }]
 * ```
 */
export function diffSchemas(
  before: readonly TableSpec[],
  after: readonly TableSpec[],
  options: DiffOptions = {},
): SchemaChange[] {
  const problems: string[] = [];
  const old = new Map(before.map((t) => [t.name, t]));
  const now = new Map(after.map((t) => [t.name, t]));
  const created: SchemaChange[] = [];
  const added: SchemaChange[] = [];
  const indexed: SchemaChange[] = [];
  const unindexed: SchemaChange[] = [];
  const droppedColumns: SchemaChange[] = [];
  const dropNeeded = (what: string) =>
    problems.push(
      `${what} is no longer in the models; dropping it deletes its data: pass --allow-drop (allowDrop) to generate the drop`,
    );

  for (const table of sortByDependencies(after)) {
    const previous = old.get(table.name);
    if (!previous) {
      created.push({ kind: 'createTable', table });
      continue;
    }
    const oldColumns = new Map(previous.columns.map((c) => [c.name, c]));
    const newColumns = new Map(table.columns.map((c) => [c.name, c]));
    for (const column of table.columns) {
      const was = oldColumns.get(column.name);
      if (!was) {
        const problem = addedColumnProblem(table.name, column);
        if (problem) problems.push(problem);
        else added.push({ kind: 'addColumn', table: table.name, column });
      } else if (!isDeepStrictEqual(was, column)) {
        problems.push(
          `${table.name}.${column.name} changed (${columnChanges(was, column).join(', ')}); loom generates added columns, tables and indexes only: write this migration by hand`,
        );
      }
    }
    for (const column of previous.columns) {
      if (newColumns.has(column.name)) continue;
      if (options.allowDrop) droppedColumns.push({ kind: 'dropColumn', table: table.name, column });
      else dropNeeded(`column ${table.name}.${column.name}`);
    }
    const oldIndexes = new Map(previous.indexes.map((i) => [i.name, i]));
    const newIndexes = new Map(table.indexes.map((i) => [i.name, i]));
    for (const index of table.indexes) {
      const was = oldIndexes.get(index.name);
      if (was && isDeepStrictEqual(was, index)) continue;
      if (was) unindexed.push({ kind: 'dropIndex', table: table.name, index: was });
      indexed.push({ kind: 'createIndex', table: table.name, index });
    }
    for (const index of previous.indexes) {
      if (!newIndexes.has(index.name)) unindexed.push({ kind: 'dropIndex', table: table.name, index });
    }
  }
  const droppedTables: SchemaChange[] = [];
  for (const table of sortByDependencies(before).reverse()) {
    if (now.has(table.name)) continue;
    if (options.allowDrop) droppedTables.push({ kind: 'dropTable', table });
    else dropNeeded(`table ${table.name}`);
  }
  if (problems.length > 0) throw new MigrationRefused(problems);
  return [...created, ...added, ...indexed, ...unindexed, ...droppedColumns, ...droppedTables];
}

/**
 * A one-line description of a change (`+ column products.weight`), for migration headers and the CLI.
 *
 * @example
 * ```ts
 * describeChange({ kind: 'dropTable', table: spec }); // '- table legacy_things'
 * ```
 */
export function describeChange(change: SchemaChange): string {
  switch (change.kind) {
    case 'createTable':
      return `+ table ${change.table.name}`;
    case 'addColumn':
      return `+ column ${change.table}.${change.column.name}`;
    case 'createIndex':
      return `+ ${change.index.unique ? 'unique ' : ''}index ${change.index.name} on ${change.table} (${change.index.columns.join(', ')})`;
    case 'dropIndex':
      return `- index ${change.index.name} on ${change.table}`;
    case 'dropColumn':
      return `- column ${change.table}.${change.column.name}`;
    case 'dropTable':
      return `- table ${change.table.name}`;
  }
}
