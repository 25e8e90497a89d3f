import {
  type CompiledQuery,
  type ControlledTransaction,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  type QueryExecutor,
  type QueryResult,
} from 'kysely';
import type { AnyDB } from './database.ts';
import { queryNeedsTransaction } from './statement-kind.ts';

/** Work to run around a commit. */
export type CommitHook = () => void | Promise<void>;

/** What a unit of work needs from its database. */
export interface UnitOfWorkHost {
  readonly kysely: Kysely<AnyDB>;
  /** The Kysely dialect of `kysely` (its executors need one). */
  readonly kyselyDialect: Dialect;
  /** Runs a statement on a pooled connection, outside any transaction. */
  outside<R>(query: CompiledQuery): Promise<QueryResult<R>>;
}

/** The unit of work's executor opens transactions through the unit of work, never by itself. */
const NO_DRIVER: Driver = {
  init: async () => {},
  acquireConnection: () => Promise.reject(new Error('a unit of work executor has no connections of its own')),
  beginTransaction: () =>
    Promise.reject(new Error('use Database.transaction(), not executor().transaction()')),
  commitTransaction: () => Promise.reject(new Error('a unit of work commits by itself')),
  rollbackTransaction: () => Promise.reject(new Error('a unit of work rolls back by itself')),
  releaseConnection: async () => {},
  destroy: async () => {},
};

/**
 * One unit of work (a use case call and the calls it makes): its transaction is opened (BEGIN) only
 * by the first statement that needs one (see {@link queryNeedsTransaction}); reads before it run on
 * pooled connections, outside any transaction, so a call that only reads sends no BEGIN/COMMIT at all.
 * Once open, every statement of the unit runs in the transaction (reads see its writes).
 *
 * Hooks: `beforeCommit` runs inside the unit just before COMMIT (batched writes: the outbox flush),
 * `afterCommit` after a successful COMMIT (publishing, cache invalidation); both are dropped on rollback.
 *
 * @example
 * ```ts
 * const unit = new UnitOfWork(host);
 * await unit.executor.selectFrom('users').selectAll().execute(); // pooled, no BEGIN
 * await unit.executor.insertInto('users').values(row).execute(); // BEGIN, then the insert
 * await unit.flushBeforeCommit();
 * await unit.commit();
 * ```
 */
export class UnitOfWork {
  readonly afterCommit: CommitHook[] = [];
  readonly #beforeCommit: CommitHook[] = [];
  readonly #host: UnitOfWorkHost;
  #executor: Kysely<AnyDB> | undefined;
  #opening: Promise<QueryExecutor> | undefined;
  #trx: ControlledTransaction<AnyDB> | undefined;
  #done = false;

  constructor(host: UnitOfWorkHost) {
    this.#host = host;
  }

  /**
   * The executor of statements in this unit: it sends each one where it belongs. Built on first use:
   * units whose statements all go through `Database.execute` (the repositories' precompiled reads and
   * writes) or that run none (a job that only computes) never pay for a Kysely instance.
   */
  get executor(): Kysely<AnyDB> {
    if (this.#executor === undefined) {
      const connection: DatabaseConnection = {
        executeQuery: <R>(query: CompiledQuery) => this.execute<R>(query),
        streamQuery: <R>(query: CompiledQuery, chunkSize?: number) => this.#stream<R>(query, chunkSize),
      };
      const executor = this.#host.kysely
        .getExecutor()
        .withConnectionProvider({ provideConnection: (consume) => consume(connection) });
      this.#executor = new Kysely<AnyDB>({
        config: { dialect: this.#host.kyselyDialect },
        dialect: this.#host.kyselyDialect,
        driver: NO_DRIVER,
        executor,
      });
    }
    return this.#executor;
  }

  /** Opens the transaction now, not at the first write (`Database.transaction`). */
  async begin(): Promise<void> {
    await this.#open();
  }

  /** False once the unit committed or rolled back (stray statements then run on their own). */
  get live(): boolean {
    return !this.#done;
  }

  /** Whether BEGIN has been sent. */
  get open(): boolean {
    return this.#opening !== undefined;
  }

  /** Runs a statement in this unit: in its transaction when open or when the statement needs it. */
  execute<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.#done || (this.#opening === undefined && !queryNeedsTransaction(query)))
      return this.#host.outside<R>(query);
    return this.#open().then((ex) => ex.executeQuery<R>(query));
  }

  async *#stream<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    // Streams are rare (exports); they always run in the transaction, which keeps them simple.
    const ex = await this.#open();
    for await (const result of ex.stream<R>(query, chunkSize ?? 100)) yield result;
  }

  #open(): Promise<QueryExecutor> {
    this.#opening ??= this.#host.kysely
      .startTransaction()
      .execute()
      .then((trx) => {
        this.#trx = trx;
        return trx.getExecutor().withoutPlugins();
      });
    return this.#opening;
  }

  /**
   * Registers work to run inside the unit just before it commits (it may write: a batched insert);
   * it runs even when nothing else wrote, and opens the transaction if it writes.
   */
  beforeCommit(hook: CommitHook): void {
    this.#beforeCommit.push(hook);
  }

  /** Runs the before-commit hooks, including those they register. Call inside the unit's context. */
  async flushBeforeCommit(): Promise<void> {
    while (this.#beforeCommit.length > 0) {
      for (const hook of this.#beforeCommit.splice(0)) await hook();
    }
  }

  /** Commits (when a transaction was opened); a failed COMMIT rolls back and throws. */
  async commit(): Promise<void> {
    this.#done = true;
    if (this.#opening === undefined) return;
    await this.#opening;
    const trx = this.#trx as ControlledTransaction<AnyDB>;
    try {
      await trx.commit().execute();
    } catch (error) {
      await trx
        .rollback()
        .execute()
        .catch(() => {});
      throw error;
    }
  }

  /** Rolls back (when a transaction was opened). Never throws: the caller reports its own error. */
  async rollback(): Promise<void> {
    this.#done = true;
    if (this.#opening === undefined) return;
    try {
      await this.#opening;
      await this.#trx?.rollback().execute();
    } catch {
      // BEGIN failed (nothing to roll back) or the connection died (the server rolled back).
    }
  }
}
