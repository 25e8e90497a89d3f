import { AsyncLocalStorage } from 'node:async_hooks';
import { type CompiledQuery, type Dialect, Kysely, type QueryResult, type Transaction } from 'kysely';
import type pg from 'pg';
import { requirePeerSync } from '../errors/require-peer.ts';
import type { DialectName } from './dialect.ts';
import { guardedPool } from './guarded-pool.ts';
import { openNodeSqlite } from './node-sqlite-database.ts';
import { OwnSchemaPostgresDialect } from './postgres-dialect.ts';
import { StatementNames } from './prepared-statements.ts';
import { ImmediateSqliteDialect } from './sqlite-dialect.ts';
import { canWatchStatements, watchStatements } from './statement-watchdog.ts';
import { type CommitHook, UnitOfWork } from './unit-of-work.ts';

/** Rows are plain records keyed by SQL column name; tables are known at run time, not compile time. */
export type AnyRow = Record<string, unknown>;
export type AnyDB = Record<string, AnyRow>;
export type Executor = Kysely<AnyDB> | Transaction<AnyDB>;

/** Connection counts of a database's pool (`loom_db_pool_connections`). */
export interface PoolStats {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

/**
 * How reads load a profile's relations and projections: `batched`, one statement per relation for the
 * whole page; `joined`, inside the read's own statement (PostgreSQL: correlated JSON subqueries), so
 * every read is one round trip. SQLite always batches (its round trips cost nothing).
 */
export type ProfileReads = 'batched' | 'joined';

/** How to open a database. */
export type DatabaseOptions =
  | {
      readonly dialect: 'postgres';
      readonly connectionString: string;
      readonly poolSize?: number;
      readonly searchPath?: string;
      /**
       * Send each distinct statement with parameters as a named prepared statement, parsed once per
       * connection and reused (as a hand-written `pg` app does). Only for a fixed schema: a statement
       * prepared before a DDL change that alters its result fails with "cached plan must not change
       * result type". Default false.
       */
      readonly preparedStatements?: boolean;
      /** Default `batched`; see {@link ProfileReads}. */
      readonly profileReads?: ProfileReads;
      /** `application_name` of every connection (how `pg_stat_activity` names them). Default `loom`. */
      readonly applicationName?: string;
      /**
       * Longest wait for a pooled connection, whether the pool is full or the server does not answer;
       * past it the call fails (→ 503). Default 5 000 ms.
       */
      readonly connectTimeoutMs?: number;
      /**
       * PostgreSQL's `statement_timeout` of every connection; the client also gives up on a statement
       * 1–3 s after it (a server that does not answer at all: a network partition; one watchdog per pool,
       * see statement-watchdog.ts). 0 = none. Default 30 000 ms.
       */
      readonly statementTimeoutMs?: number;
      /** PostgreSQL's `idle_in_transaction_session_timeout`. 0 = none. Default 60 000 ms. */
      readonly idleInTransactionTimeoutMs?: number;
    }
  | { readonly dialect: 'sqlite'; readonly filename: string };

/** Runs one statement on a pooled connection, outside any transaction. */
export type DirectQuery = (sql: string, parameters: readonly unknown[]) => Promise<{ rows: AnyRow[] }>;

/** Options of a {@link Database} beyond its dialect and Kysely instance. */
export interface DatabaseSettings {
  readonly poolStats?: () => PoolStats;
  readonly profileReads?: ProfileReads;
  /** How {@link Database.execute} runs a statement outside a transaction; default: through Kysely. */
  readonly direct?: DirectQuery;
  /** The Kysely dialect `kysely` was built with (units of work build executors on it). */
  readonly kyselyDialect?: Dialect;
  /** Runs after the pool is closed (stops the statement watchdog). */
  readonly onClose?: () => void;
}

/**
 * A database: a Kysely instance on one dialect plus the unit of work. The current unit lives in an
 * `AsyncLocalStorage`, so repository calls inside `unitOfWork(fn)` / `transaction(fn)` join it and
 * nested calls reuse it. A unit of work opens its transaction at its first write (reads before it run
 * outside any transaction); `transaction(fn)` opens it at once.
 *
 * @example
 * ```ts
 * const db = openDatabase({ dialect: 'sqlite', filename: ':memory:' });
 * await db.unitOfWork(async () => {
 *   await users.getById(1); // no BEGIN yet
 *   await users.create({ fullName: 'Ada', email: 'ada@example.com' }); // BEGIN, then joins it
 * });
 * ```
 */
export class Database {
  readonly dialect: DialectName;
  readonly kysely: Kysely<AnyDB>;
  /** How repositories load profiles on this database (see {@link ProfileReads}). */
  readonly profileReads: ProfileReads;
  readonly #tx = new AsyncLocalStorage<UnitOfWork>();
  #statementListeners: ((sql: string, ms: number) => void)[] = [];
  #connectionErrorListeners: ((error: Error) => void)[] = [];
  readonly #poolStats: () => PoolStats;
  readonly #direct: DirectQuery | undefined;
  readonly #onClose: (() => void) | undefined;
  readonly #unitHost: ConstructorParameters<typeof UnitOfWork>[0];

  constructor(
    dialect: DialectName,
    kysely: Kysely<AnyDB>,
    settings: DatabaseSettings | (() => PoolStats) = {},
  ) {
    const options = typeof settings === 'function' ? { poolStats: settings } : settings;
    this.dialect = dialect;
    this.kysely = kysely;
    this.profileReads = dialect === 'postgres' ? (options.profileReads ?? 'batched') : 'batched';
    this.#direct = options.direct;
    this.#onClose = options.onClose;
    // SQLite: one connection, shared by every call.
    this.#poolStats = options.poolStats ?? (() => ({ total: 1, idle: 1, waiting: 0 }));
    this.#unitHost = {
      kysely,
      kyselyDialect: options.kyselyDialect ?? missingDialect(),
      outside: <R>(query: CompiledQuery) => this.#outside<R>(query),
    };
  }

  /** The pool's connections now: total, idle, and callers waiting for one. */
  poolStats(): PoolStats {
    return this.#poolStats();
  }

  /** The current unit of work, while it has not committed or rolled back. */
  #unit(): UnitOfWork | undefined {
    const unit = this.#tx.getStore();
    return unit?.live ? unit : undefined;
  }

  /**
   * The executor to use now: the current unit of work's (it sends reads before the first write to
   * the pool and everything else to the unit's transaction), else the pool.
   */
  executor(): Executor {
    return this.#unit()?.executor ?? this.kysely;
  }

  /**
   * An object standing for the current unit of work (the same one throughout it), or undefined outside
   * one: a key for bookkeeping per unit. Cheaper than {@link Database.executor}, which builds the unit's
   * Kysely executor on first use.
   *
   * @example
   * ```ts
   * const unit = db.currentUnit();
   * if (unit !== undefined) pendingByUnit.set(unit, []);
   * ```
   */
  currentUnit(): object | undefined {
    return this.#unit();
  }

  /**
   * Runs a compiled statement in the current unit of work: inside its transaction when one is open
   * or the statement writes, otherwise on a pooled connection. On PostgreSQL the latter goes straight
   * to `pg.Pool#query` (one checkout, no Kysely executor around it): the path of the repositories'
   * precompiled statements. Listeners of {@link Database.onStatement} see it like any other statement.
   *
   * @example
   * ```ts
   * const { rows } = await db.execute(CompiledQuery.raw('select * from users where id = $1', [7]));
   * ```
   */
  execute<R extends AnyRow = AnyRow>(query: CompiledQuery): Promise<{ rows: R[] }> {
    const unit = this.#unit();
    return unit === undefined ? this.#outside<R>(query) : unit.execute<R>(query);
  }

  /**
   * Runs a compiled statement on a pooled connection in autocommit, outside the current unit of work
   * even inside one (the outbox's group commit: a unit whose only write is its outbox batch sends one
   * autocommitted INSERT instead of BEGIN, INSERT, COMMIT). On PostgreSQL it goes straight to
   * `pg.Pool#query`, as {@link Database.execute} does outside a unit.
   *
   * @example
   * ```ts
   * await db.executeOutside(CompiledQuery.raw('delete from "loom_outbox" where "id" = $1', [id]));
   * ```
   */
  executeOutside<R extends AnyRow = AnyRow>(query: CompiledQuery): Promise<{ rows: R[] }> {
    return this.#outside<R>(query);
  }

  #outside<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.#direct === undefined) return this.kysely.executeQuery<R>(query);
    // Chained, not awaited: fewer promises per statement (each one costs more while async hooks are on).
    const started = performance.now();
    return this.#direct(query.sql, query.parameters).then(
      (result) => {
        this.emitStatement(query.sql, performance.now() - started);
        return result as QueryResult<R>;
      },
      (error: unknown) => {
        this.emitStatement(query.sql, performance.now() - started);
        throw error;
      },
    );
  }

  /** True inside a unit of work ({@link Database.unitOfWork} or {@link Database.transaction}). */
  inTransaction(): boolean {
    return this.#unit() !== undefined;
  }

  /** True when the current unit of work has sent its BEGIN (it has written, or began eagerly). */
  transactionOpen(): boolean {
    return this.#unit()?.open === true;
  }

  /**
   * Runs `fn` as a unit of work whose transaction opens at its first write: committed when `fn`
   * resolves, rolled back when it throws; a unit that only read sends no BEGIN/COMMIT. A nested call
   * joins the current unit (one commit, one rollback).
   *
   * @example
   * ```ts
   * await db.unitOfWork(async () => {
   *   const user = await users.getById(7);   // outside any transaction
   *   await users.update(7, { fullName: 'Ada' }); // BEGIN; UPDATE; … COMMIT when fn resolves
   * });
   * ```
   */
  unitOfWork<T>(fn: () => Promise<T>): Promise<T> {
    return this.#run(fn, false);
  }

  /**
   * Runs `fn` in a transaction opened at once: committed when it resolves, rolled back when it throws.
   * A nested call joins the current unit of work (one commit, one rollback).
   *
   * @example
   * ```ts
   * await db.transaction(async () => {
   *   await sql`select pg_advisory_xact_lock(1)`.execute(db.executor());
   * });
   * ```
   */
  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.#run(fn, true);
  }

  async #run<T>(fn: () => Promise<T>, eager: boolean): Promise<T> {
    if (this.#unit() !== undefined) return fn();
    const unit = new UnitOfWork(this.#unitHost);
    let result: T;
    try {
      result = await this.#tx.run(unit, async () => {
        if (eager) await unit.begin();
        const value = await fn();
        await unit.flushBeforeCommit();
        return value;
      });
    } catch (error) {
      await unit.rollback();
      throw error;
    }
    await unit.commit();
    for (const hook of unit.afterCommit) {
      try {
        await hook();
      } catch {
        // After-commit work (publishing, cache invalidation) has its own retries; the commit stands.
      }
    }
    return result;
  }

  /**
   * Registers work to run once the current unit of work commits; outside one it runs at once (the
   * write it follows is already committed). Dropped when the unit rolls back.
   */
  afterCommit(hook: CommitHook): void {
    const unit = this.#unit();
    if (unit) unit.afterCommit.push(hook);
    else queueMicrotask(() => void Promise.resolve(hook()).catch(() => {}));
  }

  /**
   * Registers work to run inside the current unit of work just before it commits (its writes join the
   * transaction: a batched insert of what the unit collected). Returns false outside a unit of work,
   * where nothing is registered and the caller does the work itself.
   *
   * @example
   * ```ts
   * if (!db.beforeCommit(() => flush(pending))) await flush(pending);
   * ```
   */
  beforeCommit(hook: CommitHook): boolean {
    const unit = this.#unit();
    if (unit === undefined) return false;
    unit.beforeCommit(hook);
    return true;
  }

  /** Observe every statement (for logging, metrics, statement-count tests). */
  onStatement(listener: (sql: string, ms: number) => void): () => void {
    this.#statementListeners.push(listener);
    return () => {
      this.#statementListeners = this.#statementListeners.filter((l) => l !== listener);
    };
  }

  /** @internal called by the Kysely log hook. */
  emitStatement(sql: string, ms: number): void {
    for (const l of this.#statementListeners) l(sql, ms);
  }

  /**
   * Observe errors of pooled connections, idle or checked out (the server restarted, terminated the
   * backend, the network dropped). They are not fatal: the statement running on the connection fails
   * (→ 503, or a retried job), the pool discards the connection and the next statement opens a new one.
   *
   * @example
   * ```ts
   * db.onConnectionError((error) => logger.warn({ err: error }, 'database connection lost'));
   * ```
   */
  onConnectionError(listener: (error: Error) => void): () => void {
    this.#connectionErrorListeners.push(listener);
    return () => {
      this.#connectionErrorListeners = this.#connectionErrorListeners.filter((l) => l !== listener);
    };
  }

  /** @internal called by a connection's error event. */
  emitConnectionError(error: Error): void {
    for (const l of this.#connectionErrorListeners) l(error);
  }

  async close(): Promise<void> {
    await this.kysely.destroy();
    this.#onClose?.();
  }
}

/** A stand-in for a Database built without its Kysely dialect: its units of work cannot introspect. */
function missingDialect(): Dialect {
  const fail = (): never => {
    throw new Error('this Database was built without its Kysely dialect');
  };
  return { createDriver: fail, createQueryCompiler: fail, createAdapter: fail, createIntrospector: fail };
}

const PG_INT8 = 20;
const PG_DATE = 1082;

/**
 * Opens a database on either dialect.
 *
 * @example
 * ```ts
 * const db = openDatabase({ dialect: 'postgres', connectionString: 'postgres://127.0.0.1/test' });
 * ```
 */
export function openDatabase(options: DatabaseOptions): Database {
  let database: Database | undefined;
  const log = (event: { query: { sql: string }; queryDurationMillis: number }) =>
    database?.emitStatement(event.query.sql, event.queryDurationMillis);
  if (options.dialect === 'postgres') {
    const statementTimeout = options.statementTimeoutMs ?? 30_000;
    const idleInTransaction = options.idleInTransactionTimeoutMs ?? 60_000;
    // An optional peer: an app on SQLite runs without it installed.
    const driver = requirePeerSync<typeof pg>('pg', 'database.url is a PostgreSQL URL');
    const watchdog = statementTimeout > 0 && canWatchStatements(driver);
    const pool = new driver.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      application_name: options.applicationName ?? 'loom',
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      // The client's own bound (a server that does not answer at all: a partition) is kept by one
      // watchdog per pool rather than pg's query_timeout, a timer per statement (statement-watchdog.ts).
      ...(statementTimeout > 0 ? { statement_timeout: statementTimeout } : {}),
      ...(statementTimeout > 0 && !watchdog ? { query_timeout: statementTimeout + 1_000 } : {}),
      ...(idleInTransaction > 0 ? { idle_in_transaction_session_timeout: idleInTransaction } : {}),
      // Lets the kernel notice a peer that vanished without a word (a partition) on idle connections.
      keepAlive: true,
      ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
          // int8 as a JS number (ids, counts); dates stay 'YYYY-MM-DD' strings, not local-midnight Dates.
          if (oid === PG_INT8) return (v: string) => Number(v);
          if (oid === PG_DATE) return (v: string) => v;
          return driver.types.getTypeParser(oid, format ?? 'text');
        }) as typeof pg.types.getTypeParser,
      },
    });
    // A connection that fails (server restart, a terminated backend, a reset) emits 'error'; unheard,
    // that event crashes the process. pg-pool listens only while a client is idle and re-emits on the
    // pool; a checked-out client has no listener of its own. So every client gets one for its whole
    // life (the statement running on it fails by itself, and pg-pool drops a client whose socket
    // failed on release), and the pool's re-emission is heard and ignored (already reported).
    pool.on('connect', (client) => {
      client.on('error', (error) => database?.emitConnectionError(error));
    });
    pool.on('error', () => {});
    const stopWatchdog = watchdog ? watchStatements(pool, statementTimeout + 1_000) : undefined;
    // One naming of statement texts for both paths, so a connection prepares each text once.
    const names = options.preparedStatements ? new StatementNames() : undefined;
    const kyselyDialect = new OwnSchemaPostgresDialect({ pool: guardedPool(pool, names) });
    const kysely = new Kysely<AnyDB>({ dialect: kyselyDialect, log });
    database = new Database('postgres', kysely, {
      kyselyDialect,
      poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
      ...(stopWatchdog === undefined ? {} : { onClose: stopWatchdog }),
      ...(options.profileReads === undefined ? {} : { profileReads: options.profileReads }),
      direct: (text, parameters) => {
        const values = [...parameters];
        const name = names !== undefined && values.length > 0 ? names.nameOf(text) : undefined;
        return pool.query(name === undefined ? { text, values } : { name, text, values });
      },
    });
    return database;
  }
  // node:sqlite, Node's built-in SQLite (docs/decisions/0004-node-sqlite.md): WAL, foreign keys, busy timeout.
  const sqlite = openNodeSqlite(options.filename);
  const kyselyDialect = new ImmediateSqliteDialect({ database: sqlite });
  const kysely = new Kysely<AnyDB>({ dialect: kyselyDialect, log });
  database = new Database('sqlite', kysely, { kyselyDialect });
  return database;
}
