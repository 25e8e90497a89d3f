import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { loadNodeSqlite, type NodeSqliteConnection, type NodeSqliteStatement } from './node-sqlite.ts';
import { primaryResultCode, SQLITE_BUSY, sqliteResultCode } from './sqlite-result-codes.ts';

/** How long a connection waits for another one's lock before "database is locked". */
const BUSY_TIMEOUT_MS = 5000;

/** Distinct statement texts kept prepared at most; past it, the oldest is dropped. */
export const MAX_CACHED_STATEMENTS = 1000;

/** Statements that change the schema: running one drops every cached statement (see below). */
const SCHEMA_CHANGE = /^\s*(create|alter|drop)\b/i;

/**
 * Kysely's SQLite dialect over Node's built-in `node:sqlite` (`DatabaseSync`), in place of the
 * better-sqlite3 object that dialect was written for (docs/decisions/0004-node-sqlite.md).
 *
 * Each distinct statement text is prepared once and reused: node:sqlite's `prepare` costs several times
 * the run of a small query, and Kysely prepares before every run. Any `create`, `alter` or `drop` drops
 * the cache, because Node 22 keeps a reused statement's column count from before a schema change (its
 * `all()` then omits an added column); SQLite itself re-prepares such statements.
 *
 * @example
 * ```ts
 * const db = new Kysely<AnyDB>({ dialect: new SqliteDialect({ database: openNodeSqlite(':memory:') }) });
 * ```
 */
export class NodeSqliteDatabase implements SqliteDatabase {
  readonly #connection: NodeSqliteConnection;
  readonly #statements = new Map<string, NodeSqliteKyselyStatement>();
  readonly #max: number;
  #open = true;

  constructor(connection: NodeSqliteConnection, maxCachedStatements = MAX_CACHED_STATEMENTS) {
    this.#connection = connection;
    this.#max = maxCachedStatements;
  }

  prepare(sql: string): SqliteStatement {
    const cached = this.#statements.get(sql);
    if (cached !== undefined) return cached;
    if (SCHEMA_CHANGE.test(sql)) {
      this.#statements.clear();
      return new NodeSqliteKyselyStatement(this.#connection.prepare(sql));
    }
    const statement = new NodeSqliteKyselyStatement(this.#connection.prepare(sql));
    if (this.#statements.size >= this.#max) {
      const oldest = this.#statements.keys().next();
      if (oldest.done !== true) this.#statements.delete(oldest.value);
    }
    this.#statements.set(sql, statement);
    return statement;
  }

  /** Runs SQL text that may hold several statements, without results (pragmas, scripts). */
  exec(sql: string): void {
    if (SCHEMA_CHANGE.test(sql)) this.#statements.clear();
    this.#connection.exec(sql);
  }

  /** Statement texts prepared and kept now. */
  get cachedStatements(): number {
    return this.#statements.size;
  }

  /** Closes the connection; later calls do nothing (node:sqlite throws on a second close). */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#statements.clear();
    this.#connection.close();
  }
}

/**
 * One prepared statement in the shape Kysely's SQLite driver calls: parameters as one array (node:sqlite
 * takes them spread), and `reader` for statements that return rows.
 */
class NodeSqliteKyselyStatement implements SqliteStatement {
  readonly reader: boolean;
  readonly #statement: NodeSqliteStatement;

  constructor(statement: NodeSqliteStatement) {
    this.#statement = statement;
    this.reader = statement.columns().length > 0;
  }

  all(parameters: ReadonlyArray<unknown>): unknown[] {
    return this.#statement.all(...bindable(parameters));
  }

  run(parameters: ReadonlyArray<unknown>): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.#statement.run(...bindable(parameters));
  }

  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    return this.#statement.iterate(...bindable(parameters));
  }
}

/**
 * The parameters as node:sqlite binds them. Booleans become 1 and 0 (Node 24 does that itself, Node 22
 * refuses them). An object first would be taken for a set of named parameters, leaving every `?` NULL
 * without an error, so it is refused here as better-sqlite3 refused it.
 */
function bindable(parameters: ReadonlyArray<unknown>): unknown[] {
  const first = parameters[0];
  if (typeof first === 'object' && first !== null && !ArrayBuffer.isView(first)) {
    const kind = first instanceof Date ? 'Date' : Array.isArray(first) ? 'array' : 'object';
    throw new TypeError(`SQLite cannot bind ${kind === 'array' ? 'an' : 'a'} ${kind} (parameter 1)`);
  }
  let converted: unknown[] | undefined;
  for (let i = 0; i < parameters.length; i++) {
    const value = parameters[i];
    if (typeof value === 'boolean') {
      converted ??= [...parameters];
      converted[i] = value ? 1 : 0;
    }
  }
  return converted ?? (parameters as unknown[]);
}

/**
 * Opens a SQLite database file (or `:memory:`) the way loom uses it: WAL for files, foreign keys
 * enforced, case-sensitive LIKE (as on PostgreSQL; ILIKE is emulated with lower()), and a 5 s busy
 * timeout when another connection holds the write lock.
 *
 * @example
 * ```ts
 * const database = openNodeSqlite('./store.db');
 * ```
 */
export function openNodeSqlite(filename: string): NodeSqliteDatabase {
  const { DatabaseSync } = loadNodeSqlite();
  const connection = new DatabaseSync(filename);
  connection.exec(`pragma busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (filename !== ':memory:') switchToWal(connection);
  connection.exec('pragma foreign_keys = ON');
  connection.exec('pragma case_sensitive_like = ON');
  return new NodeSqliteDatabase(connection);
}

/**
 * `pragma journal_mode = WAL`, retried while another connection holds the lock it needs. Processes that
 * boot together on one fresh file (`loom serve --workers N`) all switch it at once, and SQLite answers
 * SQLITE_BUSY there without waiting for the busy timeout (two readers that both want the exclusive lock
 * would otherwise wait for each other). Once one of them has switched, the others find WAL in place.
 */
function switchToWal(connection: NodeSqliteConnection): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      connection.exec('pragma journal_mode = WAL');
      return;
    } catch (error) {
      const code = sqliteResultCode(error);
      if (code === undefined || primaryResultCode(code) !== SQLITE_BUSY || Date.now() > deadline) throw error;
      // Opening is synchronous (as in better-sqlite3): block this thread briefly, then try again.
      Atomics.wait(PAUSE, 0, 0, 5 + Math.random() * 20);
    }
  }
}

/** A cell nothing ever notifies: `Atomics.wait` on it is a synchronous sleep. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));
