import { ConfigError } from '../errors/index.ts';

/**
 * The part of Node's built-in `node:sqlite` that loom uses. Declared here rather than imported from
 * `@types/node` so the code type-checks whatever Node typings the workspace pins; the shapes are those
 * of Node 22 (≥ 22.16) and 24.
 */
export interface NodeSqliteStatement {
  all(...anonymousParameters: unknown[]): unknown[];
  run(...anonymousParameters: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...anonymousParameters: unknown[]): IterableIterator<unknown>;
  /** The result columns; empty for statements that return no rows (`insert` without `returning`, DDL). */
  columns(): readonly unknown[];
}

/** A `node:sqlite` connection (`DatabaseSync`). */
export interface NodeSqliteConnection {
  exec(sql: string): void;
  prepare(sql: string): NodeSqliteStatement;
  close(): void;
}

/** The `node:sqlite` module. */
export interface NodeSqliteModule {
  readonly DatabaseSync: new (path: string) => NodeSqliteConnection;
  readonly StatementSync: { readonly prototype: object };
}

let loaded: NodeSqliteModule | undefined;

/**
 * Loads `node:sqlite` on first use, so an application on PostgreSQL never loads it (on Node 22 loading
 * it prints an ExperimentalWarning; see docs/decisions/0004-node-sqlite.md).
 *
 * @throws ConfigError when this Node has no usable `node:sqlite` (older than 22.16).
 *
 * @example
 * ```ts
 * const { DatabaseSync } = loadNodeSqlite();
 * const connection = new DatabaseSync(':memory:');
 * ```
 */
export function loadNodeSqlite(): NodeSqliteModule {
  if (loaded !== undefined) return loaded;
  const mod = process.getBuiltinModule('node:sqlite') as NodeSqliteModule | undefined;
  // columns() tells a statement that returns rows from one that does not (Kysely's `reader`).
  if (mod === undefined || !('columns' in mod.StatementSync.prototype)) {
    throw new ConfigError(
      `SQLite needs Node's built-in node:sqlite with StatementSync#columns (Node ≥ 22.16; this is ${process.version})`,
    );
  }
  loaded = mod;
  return mod;
}
